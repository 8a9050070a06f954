/**
 * The options and outputs of each `zodb` verb, run in-process through
 * `runCli` (the child-process tests in cli-process.test.ts show the real
 * executable behaves the same).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tidRepr } from '../../src/ids.js';
import { encodeRecord } from '../../src/serialize/index.js';
import { TimeStamp } from '../../src/timestamp.js';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import type { SampleDatabases } from './support/sample-databases.js';
import { buildSampleDatabases } from './support/sample-databases.js';
import type { ZodbRun } from './support/run-zodb.js';
import { runZodb as zodb } from './support/run-zodb.js';
import { temporaryDirectory } from './support/temporary-directory.js';

const dir = temporaryDirectory('cli-commands');
let samples: SampleDatabases;
let counter = 0;
beforeAll(async () => {
  samples = await buildSampleDatabases(dir);
});

function copyOfSample(): string {
  const file = path.join(dir, `copy-${++counter}.fs`);
  fs.copyFileSync(samples.sample, file);
  return file;
}

/** Commits an object nothing refers to (garbage for pack). */
async function commitGarbage(file: string): Promise<void> {
  const storage = new FileStorage(file);
  const txn = { user: 'tester', description: 'garbage', extension: {} };
  await storage.tpcBegin(txn);
  storage.store(
    storage.newOid(),
    0n,
    encodeRecord('app.Note', { text: 'unreferenced' }, { persistentRef: () => undefined }),
    txn,
  );
  await storage.tpcVote(txn);
  await storage.tpcFinish(txn);
  await storage.close();
}

const json = (run: ZodbRun): any => JSON.parse(run.stdout);
const lines = (run: ZodbRun): string[] => run.stdout.trimEnd().split('\n');

function expectUsageError(run: ZodbRun, reason: RegExp): void {
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(reason);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
}

describe('choosing the database', () => {
  it('takes a configuration file and a section name', async () => {
    const conf = path.join(dir, 'multi.conf');
    fs.writeFileSync(
      conf,
      `<zodb main>\n<mappingstorage/>\n</zodb>\n<zodb sample>\n<filestorage>\npath ${samples.sample}\n</filestorage>\n</zodb>\n`,
    );
    expect(
      json(await zodb(['info', '--config', conf, '--database', 'sample', '--json'])),
    ).toMatchObject({
      kind: 'FileStorage',
      name: samples.sample,
    });
    expect(json(await zodb(['info', '-c', conf, '--json'])).kind).toBe('MappingStorage');
    expectUsageError(
      await zodb(['info', '-c', conf, '-d', 'other']),
      /has no section named "other"; it has "main", "sample"/,
    );
  });

  it('takes URIs: file, memory, demo layers and zconfig', async () => {
    const fileURI = pathToFileURL(samples.sample).href;
    expect(json(await zodb(['info', fileURI, '--json'])).objects).toBeGreaterThan(200);
    expect(json(await zodb(['info', 'memory://scratch', '--json']))).toMatchObject({
      kind: 'MappingStorage',
      objects: 0,
      lastTransaction: null,
    });
    const demo = json(await zodb(['info', `demo:(${fileURI})/(memory://)`, '--json']));
    expect(demo.layers.base).toMatchObject({ kind: 'FileStorage', name: samples.sample });
    const conf = path.join(dir, 'one.conf');
    fs.writeFileSync(conf, `<filestorage main>\npath ${samples.sample}\n</filestorage>\n`);
    expect(json(await zodb(['info', `zconfig://${conf}#main`, '--json'])).name).toBe(
      samples.sample,
    );
  });

  it('refuses a missing, doubled or half-given database with a usage error', async () => {
    expectUsageError(
      await zodb(['info']),
      /^zodb info: no database given: pass a Data\.fs path, a URI/,
    );
    expectUsageError(
      await zodb(['info', samples.sample, '--config', 'x.conf']),
      /give a database \(.*\) or --config, not both/,
    );
    expectUsageError(
      await zodb(['info', samples.sample, '--database', 'x']),
      /--database only applies with --config/,
    );
  });

  it('reports configuration mistakes with their position and exit 1', async () => {
    const conf = path.join(dir, 'bad.conf');
    fs.writeFileSync(conf, '<zodb>\n  cache-sise 5\n  <mappingstorage/>\n</zodb>\n');
    const run = await zodb(['info', '-c', conf]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^zodb info: ${conf}:2:3: unknown key "cache-sise" in <zodb> \\(did you mean "cache-size"\\?\\)`,
      ),
    );
    expect((await zodb(['info', 'fiel:///x'])).stderr).toMatch(
      /unknown URI scheme "fiel:" \(did you mean "file"\?\)/,
    );
  });

  it('refuses unknown options', async () => {
    expectUsageError(
      await zodb(['stats', samples.sample, '--colour']),
      /^zodb stats: unknown option '--colour'\n$/,
    );
  });

  it('suggests the verb meant', async () => {
    expectUsageError(
      await zodb(['inof']),
      /^zodb: unknown command 'inof' \(did you mean info\?\)\n$/,
    );
  });
});

describe('zodb info', () => {
  it('prints aligned facts', async () => {
    const run = await zodb(['info', samples.sample]);
    expect(lines(run)).toEqual([
      `storage           FileStorage ${samples.sample}`,
      `size              ${(samples.sampleBytes / 1024).toFixed(1)} KiB (${samples.sampleBytes} bytes)`,
      expect.stringMatching(/^objects {11}\d+$/),
      expect.stringMatching(/^last transaction {2}0x[0-9a-f]{16} \(\d{4}-\d\d-\d\dT/),
      'blob directory    none',
    ]);
  });
});

describe('zodb check', () => {
  it('exits 0 and says ok for a sound database', async () => {
    const run = await zodb(['check', samples.sample]);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(lines(run)).toEqual([
      `structure of ${samples.sample}: ok (${samples.sampleBytes} bytes)`,
      'references: ok',
      'btrees: 3 structure(s) checked, ok',
    ]);
  });

  it('runs only the checks asked for', async () => {
    const run = json(
      await zodb(['check', samples.broken, '--no-references', '--no-btrees', '--json']),
    );
    expect(run).toMatchObject({ problems: 0, references: null, btrees: null });
    expect(run.structure[0].file).toBe(samples.broken);
    const onlyReferences = await zodb(['check', samples.broken, '--no-structure', '--no-btrees']);
    expect(lines(onlyReferences)[0]).toBe('references: 2 problem(s)');
    expect(onlyReferences.stderr).toBe('zodb check: 2 problems found\n');
  });

  it('checks the data files under a demo storage', async () => {
    const run = json(
      await zodb(['check', `demo:(${pathToFileURL(samples.damaged).href})/()`, '--json']),
    );
    expect(run.structure[0]).toMatchObject({
      file: samples.damaged,
      findings: [{ kind: 'trailer-mismatch', severity: 'error' }],
    });
  });
});

describe('zodb dump', () => {
  it('prints one line per transaction and per record, fsdump style', async () => {
    const run = await zodb(['dump', samples.sample, '--tid', '2024-01-01..2024-01-01T23:59']);
    expect(lines(run)).toEqual([
      `transaction ${tidRepr(TimeStamp.fromDate(new Date('2024-01-01T10:00:00Z')).value)} 2024-01-01T10:00:00.000Z status=" " user="" description="create structures" records=4`,
      expect.stringMatching(
        /^ {2}record oid=0x0000000000000000 class=zodb\.Root size=\d+ references=3$/,
      ),
      expect.stringMatching(
        /^ {2}record oid=0x0000000000000001 class=BTrees\.OOBTree\.OOBTree size=\d+ references=0$/,
      ),
      expect.stringMatching(
        /^ {2}record oid=0x0000000000000002 class=BTrees\.IIBTree\.IIBTree size=\d+ references=0$/,
      ),
      expect.stringMatching(
        /^ {2}record oid=0x0000000000000003 class=BTrees\.OOBTree\.OOTreeSet size=\d+ references=0$/,
      ),
    ]);
  });

  it('selects one transaction by tid and prints decoded states', async () => {
    const run = await zodb([
      'dump',
      samples.sample,
      '--tid',
      `0x${samples.lastTid.toString(16)}`,
      '--state',
    ]);
    expect(lines(run).slice(1)).toEqual([
      expect.stringMatching(
        /^ {2}record oid=0x00000000000000eb class=app\.Document size=\d+ references=0$/,
      ),
      '    state {"title":"Retitled","tags":{"$set":["x"]},"created":{"$date":"2024-01-04T00:00:00.000Z"}}',
    ]);
  });

  it('takes several oids, repeated or comma-separated', async () => {
    const [a, b, c] = samples.documents.map(String);
    const repeated = await zodb([
      'dump',
      samples.sample,
      '--oid',
      a!,
      '--oid',
      `${b},${c}`,
      '--json',
    ]);
    const oids = lines(repeated).flatMap((line) => JSON.parse(line).records.map((r: any) => r.oid));
    expect(new Set(oids)).toEqual(
      new Set(samples.documents.map((oid) => `0x${oid.toString(16).padStart(16, '0')}`)),
    );
  });

  it('shows deletions, and refuses a malformed tid', async () => {
    const deleted = await zodb(['dump', samples.broken, '--oid', String(samples.deletedDocument)]);
    expect(lines(deleted).at(-1)).toBe(
      `  record oid=0x${samples.deletedDocument.toString(16).padStart(16, '0')} deleted`,
    );
    expectUsageError(
      await zodb(['dump', samples.sample, '--tid', 'yesterday']),
      /--tid start|tid "yesterday" is not a tid/,
    );
  });
});

describe('zodb stats', () => {
  it('prints totals, classes, biggest objects and days', async () => {
    const out = (await zodb(['stats', samples.sample, '--top', '1'])).stdout;
    expect(out).toMatch(/^transactions {2}5 \(2024-01-01 \.\. \d{4}-\d\d-\d\d\)$/m);
    expect(out).toMatch(/^class +objects +current +revisions +all revisions$/m);
    expect(out).toMatch(/^app\.Document +3 +\d+ bytes +4 +\d+ bytes$/m);
    expect(out).toMatch(
      /biggest objects:\n {2}0x[0-9a-f]{16} +BTrees\.IIBTree\.IIBucket +\d+ bytes\n\ngrowth per day:/,
    );
    expect(out).toMatch(
      /^ {2}2024-01-02 +1 transaction\(s\) +214 revision\(s\) +[\d.]+ KiB +213 new object\(s\)$/m,
    );
    expectUsageError(
      await zodb(['stats', samples.sample, '--top', '0']),
      /--top "0" is not a positive whole number/,
    );
  });
});

describe('zodb history, undo-log, undo', () => {
  it('limits the history, and wants exactly one oid', async () => {
    expect(
      lines(await zodb(['history', samples.sample, String(samples.documents[2]), '-n', '1'])),
    ).toHaveLength(1);
    expectUsageError(
      await zodb(['history', samples.sample]),
      /expected one oid after the database, got 0/,
    );
    expectUsageError(await zodb(['history', samples.sample, '1', '2']), /got 2 argument/);
  });

  it('reports an unknown undo id as a failure and a missing one as a usage error', async () => {
    const file = copyOfSample();
    const unknown = await zodb(['undo', file, 'ffffffffffffffff']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(
      /^zodb undo: undo impossible: transaction 0xffffffffffffffff is not in /,
    );
    expectUsageError(await zodb(['undo', file]), /no undo id given/);
  });

  it('refuses to undo a transaction whose objects changed since', async () => {
    const file = copyOfSample();
    const log = json(await zodb(['undo-log', file, '--json'])) as {
      id: string;
      description: string;
    }[];
    const older = log.find((e) => e.description === 'add application documents')!;
    const run = await zodb(['undo', file, older.id]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^zodb undo: /);
    expect(json(await zodb(['undo-log', file, '-n', '1', '--json']))[0].description).toBe(
      'retitle document 2',
    );
  });
});

describe('zodb pack', () => {
  it('keeps the last --days of history', async () => {
    const file = copyOfSample();
    expect((await zodb(['pack', file, '--days', '1'])).status).toBe(0);
    const history = json(await zodb(['history', file, String(samples.documents[2]), '--json']));
    expect(history).toHaveLength(2);
    expect(
      json(await zodb(['undo-log', file, '--json'])).map((e: any) => e.description),
    ).not.toContain('fill the index');
  });

  it('removes unreachable objects unless --no-gc', async () => {
    const withGc = copyOfSample();
    await commitGarbage(withGc);
    const objects = json(await zodb(['info', withGc, '--json'])).objects;
    expect(json(await zodb(['pack', withGc, '--json'])).after.objects).toBe(objects - 1);
    const withoutGc = copyOfSample();
    await commitGarbage(withoutGc);
    const run = await zodb(['pack', withoutGc, '--no-gc']);
    expect(lines(run)).toEqual([
      expect.stringMatching(/^packed .* as of .* \(without garbage collection\)$/),
      expect.stringMatching(new RegExp(`objects ${objects} -> ${objects}$`)),
    ]);
  });

  it('refuses a database another process is writing', async () => {
    const file = copyOfSample();
    const writer = new FileStorage(file);
    try {
      const run = await zodb(['pack', file]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^zodb pack: .*lock/i);
    } finally {
      await writer.close();
    }
  });
});

describe('zodb copy', () => {
  it('copies incrementally what is new since the last copy', async () => {
    const source = copyOfSample();
    const target = path.join(dir, `copy-target-${++counter}.fs`);
    expect(json(await zodb(['copy', source, target, '--json'])).transactions).toBe(
      samples.transactions,
    );
    await commitGarbage(source);
    expect(json(await zodb(['copy', source, target, '--incremental', '--json']))).toMatchObject({
      transactions: 1,
      records: 1,
    });
    expect(json(await zodb(['copy', source, target, '--incremental', '--json'])).transactions).toBe(
      0,
    );
    expect(fs.readFileSync(target)).toEqual(fs.readFileSync(source));
  });

  it('copies into any storage that can restore, and names a source that cannot be copied from', async () => {
    expect(json(await zodb(['copy', samples.sample, 'memory://', '--json'])).transactions).toBe(
      samples.transactions,
    );
    const missing = await zodb(['copy', path.join(dir, 'nothing.fs'), 'memory://']);
    expect(missing.status).toBe(2);
  });
});

describe('zodb backup and restore', () => {
  it('backs up only FileStorages, and needs a repository', async () => {
    const run = await zodb(['backup', 'memory://', '-r', path.join(dir, 'never')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^zodb backup: backups are of FileStorage databases; .* is a MappingStorage$/m,
    );
    expectUsageError(
      await zodb(['backup', samples.sample]),
      /required option '-r, --repository <dir>' not specified/,
    );
    expectUsageError(
      await zodb(['backup', samples.sample, '-r', dir, '--verify']),
      /--verify checks a repository; give no database/,
    );
  });

  it('verifies a repository and fails on a damaged one or an empty one', async () => {
    const repository = path.join(dir, 'verify-repo');
    const file = copyOfSample();
    const full = json(await zodb(['backup', file, '-r', repository, '--json']));
    expect((await zodb(['backup', '-r', repository, '--verify'])).status).toBe(0);
    fs.appendFileSync(full.file, 'x');
    const damaged = await zodb(['backup', '-r', repository, '--verify', '--json']);
    expect(damaged.status).toBe(1);
    expect(json(damaged).problems[0].message).toMatch(/holds \d+ bytes, the catalog says/);
    expect(damaged.stderr).toBe('zodb backup: 1 damaged or missing backup file(s)\n');
    expect((await zodb(['backup', '-r', path.join(dir, 'empty-repo'), '--verify'])).stderr).toMatch(
      /no backup in/,
    );
  });

  it('restores to a date, and refuses bad dates and existing outputs', async () => {
    const repository = path.join(dir, 'dated-repo');
    const file = copyOfSample();
    await zodb(['backup', file, '-r', repository]);
    const output = path.join(dir, 'dated-restore.fs');
    expectUsageError(
      await zodb(['restore', '-r', repository, '-o', output, '--date', 'last week']),
      /--date "last week" is not a date/,
    );
    const tooEarly = await zodb([
      'restore',
      '-r',
      repository,
      '-o',
      output,
      '--date',
      '2001-01-01',
    ]);
    expect(tooEarly.stderr).toMatch(
      /^zodb restore: no backup made at or before 2001-01-01T00:00:00\.000Z/,
    );
    expect((await zodb(['restore', '-r', repository, '-o', output])).status).toBe(0);
    const again = await zodb(['restore', '-r', repository, '-o', output]);
    expect(again.stderr).toMatch(/exists; pass overwrite/);
    expect((await zodb(['restore', '-r', repository, '-o', output, '--overwrite'])).status).toBe(0);
  });
});

describe('progress bars', () => {
  it('are drawn on standard error only when it is a terminal and not turned off', async () => {
    const drawn = await zodb(['backup', samples.sample, '-r', path.join(dir, 'progress-repo')], {
      tty: true,
    });
    expect(drawn.stderr).toContain('backup [');
    expect(drawn.stdout).toMatch(/^full backup /);
    expect((await zodb(['stats', samples.sample], { tty: false })).stderr).toBe('');
    expect((await zodb(['stats', samples.sample, '--no-progress'], { tty: true })).stderr).toBe('');
  });
});
