import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClassRegistry, encodeRecord, readRecordHeader } from '../../src/serialize/index.js';
import { BinaryKind, ExtType, TagKind } from '../../src/serialize/format.js';
import { FakePersistent, encodeContext } from './support/contexts.js';
import { readAllPlain } from './support/plain-msgpack.js';
import type { PlainExt, PlainMap } from './support/plain-msgpack.js';

const formatDocument = readFileSync(
  new URL('../../src/serialize/FORMAT.md', import.meta.url),
  'utf8',
);

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** The hex dump of the code block following `heading` in FORMAT.md. */
function documentedDump(heading: string): string {
  const section = formatDocument.slice(formatDocument.indexOf(heading));
  const block = section.slice(
    section.indexOf('```') + 3,
    section.indexOf('```', section.indexOf('```') + 3),
  );
  return block
    .trim()
    .split('\n')
    .map((line) => line.slice(6).replace(/ /g, ''))
    .join('');
}

describe('FORMAT.md worked examples', () => {
  it('the book example is what encodeRecord writes', () => {
    const author = new FakePersistent(5, 'app.Author');
    const bytes = encodeRecord('app.Book', { title: 'Dune', year: 1965, author }, encodeContext());
    expect(hexOf(bytes)).toBe(documentedDump('### A book with'));
    expect(readRecordHeader(bytes)).toEqual({ className: 'app.Book', references: [5] });
  });

  it('the shared Set example is what encodeRecord writes', () => {
    const tags = new Set(['sf']);
    expect(hexOf(encodeRecord('app.Shelf', { tags, again: tags }, encodeContext()))).toBe(
      documentedDump('### A shared Set'),
    );
  });

  it('documents every extension type, structure kind and binary kind', () => {
    for (const code of Object.values(ExtType)) {
      expect(formatDocument).toContain(`| \`0x${code.toString(16).padStart(2, '0')}\` |`);
    }
    for (const [name, kind] of Object.entries(TagKind))
      expect(formatDocument).toContain(`| ${kind} | ${name} |`);
    for (const kind of Object.values(BinaryKind))
      expect(formatDocument).toMatch(new RegExp(`\\n\\| ${kind} \\| \\w`));
  });
});

describe('records are standard MessagePack', () => {
  const registry = new ClassRegistry();
  class Money {
    amount = 3n;
  }
  registry.register(Money, 'test.Money');

  const shared = { s: 1 };
  const state = {
    text: 'x\ud800',
    numbers: [1, -1, 1.5, -0, 2 ** 40],
    big: [1n, 2n ** 64n - 1n, 2n ** 99n],
    dates: [new Date(0), new Date(1.5e12 + 7), new Date(-1e14), new Date(NaN)],
    map: new Map([[1, shared]]),
    set: new Set([shared]),
    binary: [new Int16Array([1]), Buffer.from('b')],
    pattern: /p/g,
    value: new Money(),
    local: new FakePersistent(7),
    remote: new FakePersistent(8, 'app.R', 'db'),
    bare: Object.create(null) as object,
    nothing: undefined,
  };
  const bytes = encodeRecord('app.Sample', state, encodeContext(registry));
  const values = readAllPlain(bytes);

  it('reads as exactly five values: magic, version, flags, header, state', () => {
    expect(values).toHaveLength(5);
    expect(values.slice(0, 3)).toEqual([0x5a, 1, 1]);
  });

  it('has a header of class name, class table and reference table', () => {
    const [className, classes, table] = values[3] as [string, string[], PlainExt];
    expect(className).toBe('app.Sample');
    expect(classes).toEqual(['test.Money', 'test.Node', 'app.R']);
    expect(table.ext).toBe(0x29);
    expect(hexOf(table.data)).toBe('0000000000000007' + '0001');
  });

  it('writes only extension types that FORMAT.md lists, each self-contained', () => {
    const seen = new Set<number>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value !== null && typeof value === 'object' && 'map' in value) {
        (value as PlainMap).map.forEach(([k, v]) => (visit(k), visit(v)));
      } else if (value !== null && typeof value === 'object' && 'ext' in value)
        seen.add((value as PlainExt).ext);
    };
    visit(values[4]);
    expect([...seen].sort((a, b) => a - b)).toEqual([
      -1, 0, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
    ]);
  });

  it('writes plain data as plain MessagePack a generic reader understands directly', () => {
    const plain = readAllPlain(
      encodeRecord(
        'app.Plain',
        { name: 'Ada', tags: ['a', 'b'], n: 2.5, ok: true, none: null },
        encodeContext(),
      ),
    );
    expect(plain[4]).toEqual({
      map: [
        ['name', 'Ada'],
        ['tags', ['a', 'b']],
        ['n', 2.5],
        ['ok', true],
        ['none', null],
      ],
    });
  });
});
