import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../src/config/index.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zodb-config-parser-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the configuration text format', () => {
  it('reads sections, names and keys with their positions, skipping comments and blank lines', () => {
    const top = parseConfigText(
      '# a comment\n\n<zodb main>\n  cache-size   5000\n  <filestorage>\n    path /x/Data.fs\n  </filestorage>\n</zodb>\n',
    );
    const zodb = top.sections[0]!;
    expect(zodb).toMatchObject({ type: 'zodb', name: 'main', at: { line: 3, column: 1 } });
    expect(zodb.keys[0]).toMatchObject({
      key: 'cache-size',
      value: '5000',
      at: { line: 4, column: 3 },
      valueAt: { line: 4, column: 16 },
    });
    expect(zodb.sections[0]!.keys[0]!.value).toBe('/x/Data.fs');
  });

  it('treats section types and keys case-insensitively and keeps names and values as written', () => {
    const top = parseConfigText('<ZODB Main>\nCache-Size 10\n<MappingStorage/>\n</zodb>');
    expect(top.sections[0]).toMatchObject({ type: 'zodb', name: 'Main' });
    expect(top.sections[0]!.keys[0]).toMatchObject({ key: 'cache-size', value: '10' });
    expect(top.sections[0]!.sections[0]).toMatchObject({ type: 'mappingstorage', sections: [] });
  });

  it('substitutes %define names written $name or ${name}, and $$ as a dollar sign', () => {
    const top = parseConfigText(
      '%define root /srv\n%define DB ${root}/db\n<filestorage>\npath $db/Data.fs\nblob-dir cost$$\n</filestorage>',
    );
    expect(top.sections[0]!.keys.map((k) => k.value)).toEqual(['/srv/db/Data.fs', 'cost$']);
  });

  it('reads %include files relative to the including file, in the current section', () => {
    fs.writeFileSync(path.join(dir, 'storage.conf'), '<mappingstorage inner/>\n');
    fs.writeFileSync(path.join(dir, 'main.conf'), '<zodb>\n%include storage.conf\n</zodb>\n');
    const main = path.join(dir, 'main.conf');
    const top = parseConfigText(fs.readFileSync(main, 'utf8'), { source: main });
    expect(top.sections[0]!.sections[0]).toMatchObject({ type: 'mappingstorage', name: 'inner' });
  });

  it('reports errors inside an included file with that file and its line', () => {
    const bad = path.join(dir, 'bad.conf');
    fs.writeFileSync(bad, '\n<mappingstorage>\n');
    const error = errorOf(() =>
      parseConfigText('<zodb>\n%include bad.conf\n</zodb>', { baseDirectory: dir }),
    );
    expect(error).toMatchObject({ source: bad, line: 2 });
    expect(error.reason).toContain('not closed');
  });

  it('stops an include cycle', () => {
    const loop = path.join(dir, 'loop.conf');
    fs.writeFileSync(loop, '%include loop.conf\n');
    expect(
      errorOf(() => parseConfigText('%include loop.conf', { baseDirectory: dir })).reason,
    ).toMatch(/nested more than \d+ levels/);
  });

  it.each([
    [
      '<zodb>\n<mappingstorage>\n</zodb>',
      3,
      1,
      'does not match <mappingstorage> opened at line 2; expected </mappingstorage>',
    ],
    [
      '<zodb>\n  <mappingstorage/>\n',
      3,
      1,
      'the text ends inside section <zodb> opened at line 1; expected </zodb>',
    ],
    ['</zodb>', 1, 1, 'closes a section that was never opened'],
    ['<zodb', 1, 1, 'must end with ">"'],
    ['<zodb a b>\n</zodb>', 1, 1, 'has more than one name'],
    ['<1zodb>', 1, 1, 'is not a section type'],
    ['<zodb>\n  cache-size = 5\n</zodb>', 2, 3, 'keys are written "key value"'],
    [
      '<zodb>\n  cache-size 5\n  cache-size 6\n</zodb>',
      3,
      3,
      'given twice in the same section (first at line 2)',
    ],
    ['%define x 1\n%define X 2', 2, 1, 'already defined'],
    ['<zodb>\n  database-name $missing\n</zodb>', 2, 17, '"missing" is not defined'],
    ['<zodb>\n  database-name a$ b\n</zodb>', 2, 18, 'a "$" must start'],
    ['%import relstorage', 1, 1, '%import is not supported'],
    ['%frobnicate', 1, 1, 'unknown directive %frobnicate'],
    ['%include /nonexistent/zodb.conf', 1, 1, 'cannot read included file'],
  ])('refuses %j at line %i, column %i', (text, line, column, reason) => {
    const error = errorOf(() => parseConfigText(text));
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
    expect(error.reason).toContain(reason);
    expect(error.message).toBe(`<string>:${line}:${column}: ${error.reason}`);
  });
});
