/**
 * Every verb of `zodb` run as a real child process against real database
 * files, with exit statuses and the one-line failure reasons. The runs are
 * started together (a few at a time) before the tests read their results.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRecord } from '../../src/serialize/index.js';
import { checkDataFile } from '../../src/storage/file/check.js';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import type { SampleDatabases } from './support/sample-databases.js';
import { buildSampleDatabases } from './support/sample-databases.js';
import type { ZodbRun } from './support/run-zodb.js';
import { runZodbProcess as zodb } from './support/run-zodb.js';
import { temporaryDirectory } from './support/temporary-directory.js';

const dir = temporaryDirectory('cli-process');
let samples: SampleDatabases;

/** A private copy of the sample database. */
function copyOfSample(name: string): string {
  const file = path.join(dir, name);
  fs.copyFileSync(samples.sample, file);
  return file;
}

async function commitOne(file: string, note: string): Promise<void> {
  const storage = new FileStorage(file);
  const txn = { user: 'tester', description: note, extension: {} };
  await storage.tpcBegin(txn);
  storage.store(
    storage.newOid(),
    0n,
    encodeRecord('app.Note', { note }, { persistentRef: () => undefined }),
    txn,
  );
  await storage.tpcVote(txn);
  await storage.tpcFinish(txn);
  await storage.close();
}

const results: Record<string, Promise<unknown>> = {};
async function result<T>(name: string): Promise<T> {
  return (await results[name]) as T;
}

beforeAll(async () => {
  samples = await buildSampleDatabases(dir);
  results.info = zodb(['info', samples.sample, '--json']);
  results.checkBroken = zodb(['check', samples.broken, '--json']);
  results.checkDamaged = zodb(['check', samples.damaged]);
  results.dump = zodb(['dump', samples.sample, '--oid', String(samples.documents[2]), '--json']);
  results.stats = zodb(['stats', samples.sample, '--top', '2', '--json']);
  results.undo = (async () => {
    const file = copyOfSample('undo.fs');
    const log = await zodb(['undo-log', file, '-n', '2', '--json']);
    const run = await zodb([
      'undo',
      file,
      (JSON.parse(log.stdout) as { id: string }[])[0]!.id,
      '--user',
      'admin',
    ]);
    return { log, run, history: await zodb(['history', file, String(samples.documents[2])]) };
  })();
  results.pack = (async () => {
    const file = copyOfSample('pack.fs');
    return { run: await zodb(['pack', file]), bytes: fs.statSync(file).size };
  })();
  results.copy = (async () => {
    const target = path.join(dir, 'copy-target.fs');
    const first = await zodb(['copy', samples.sample, target]);
    return { first, bytes: fs.statSync(target).size };
  })();
  results.backupRoundTrip = (async () => {
    const file = copyOfSample('live.fs');
    const repository = path.join(dir, 'backups');
    const full = await zodb(['backup', file, '-r', repository, '--json']);
    await commitOne(file, 'after the full backup');
    const incremental = await zodb(['backup', file, '-r', repository, '--gzip', '--json']);
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, good.subarray(0, good.length - 100)); // a crash truncated the live file
    const verify = await zodb(['backup', '--verify', '-r', repository]);
    const restored = path.join(dir, 'restored.fs');
    const restore = await zodb(['restore', '-r', repository, '-o', restored]);
    return {
      full,
      incremental,
      damagedFindings: [...checkDataFile(file)].map((f) => f.kind),
      verify,
      restore,
      restoredFindings: [...checkDataFile(restored)],
      same: fs.readFileSync(restored).equals(good),
    };
  })();
  results.missingFile = zodb(['info', path.join(dir, 'no-such.fs')]);
  results.badOid = zodb(['history', samples.sample, 'banana']);
  await Promise.all(Object.values(results));
});

const json = (run: ZodbRun): any => JSON.parse(run.stdout);

describe('zodb as a child process', () => {
  it('info prints the storage facts as JSON', async () => {
    const run = await result<ZodbRun>('info');
    expect(run.status).toBe(0);
    expect(json(run)).toMatchObject({
      kind: 'FileStorage',
      name: samples.sample,
      bytes: samples.sampleBytes,
      blobDirectory: null,
    });
  });

  it('check exits 1 with every problem of a broken database', async () => {
    const broken = await result<ZodbRun>('checkBroken');
    expect(broken.status).toBe(1);
    expect(broken.stderr).toBe('zodb check: 3 problems found\n');
    expect(json(broken).references.map((r: any) => r.missingState)).toEqual(['deleted', 'absent']);
    expect(json(broken).btrees.findings[0].message).toBe('keys 0 and 1 are out of order');
  });

  it('check reports structural damage with the offset, even when the storage cannot open', async () => {
    const run = await result<ZodbRun>('checkDamaged');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/error at offset \d+: the redundant transaction length is 12345/);
    expect(run.stdout).toContain('storage: cannot be opened');
  });

  it('dump prints JSON Lines, one transaction each, filtered by oid', async () => {
    const run = await result<ZodbRun>('dump');
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((t) => t.description)).toEqual([
      'add application documents',
      'retitle document 2',
    ]);
    expect(lines[1].records[0]).toMatchObject({ className: 'app.Document', deleted: false });
  });

  it('stats reports classes, the biggest objects and days', async () => {
    const stats = json(await result<ZodbRun>('stats'));
    expect(stats.transactions).toBe(samples.transactions);
    expect(stats.biggest).toHaveLength(2);
    expect(stats.days[0]).toMatchObject({ day: '2024-01-01', transactions: 1 });
  });

  it('undo-log lists undoable transactions newest first, undo undoes one by its id, history shows it', async () => {
    const { log, run, history } = await result<Record<string, ZodbRun>>('undo');
    expect(json(log!).map((e: any) => e.description)).toEqual([
      'retitle document 2',
      'add application documents',
    ]);
    expect(run!.status).toBe(0);
    expect(run!.stdout).toMatch(/^undid 1 transaction\(s\) in transaction 0x[0-9a-f]{16}/);
    const lines = history!.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/user="admin" +"undo [0-9a-f]+"$/);
    expect(lines[1]).toMatch(/user="alice" +"retitle document 2"$/);
  });

  it('pack packs the file in place', async () => {
    const { run, bytes } = await result<{ run: ZodbRun; bytes: number }>('pack');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^packed .*pack\.fs as of /);
    expect(bytes).toBeLessThan(samples.sampleBytes);
  });

  it('copy copies every transaction with its tid', async () => {
    const { first, bytes } = await result<{ first: ZodbRun; bytes: number }>('copy');
    expect(first.stdout).toMatch(new RegExp(`^copied ${samples.transactions} transaction\\(s\\)`));
    expect(bytes).toBe(samples.sampleBytes);
  });

  it('backs up, survives damage to the live file, verifies and restores the same bytes', async () => {
    const r = await result<
      Record<string, ZodbRun> & {
        same: boolean;
        restoredFindings: unknown[];
        damagedFindings: string[];
      }
    >('backupRoundTrip');
    expect(json(r.full!)).toMatchObject({ kind: 'full', start: 0 });
    expect(json(r.incremental!)).toMatchObject({ kind: 'incremental', start: samples.sampleBytes });
    expect(r.verify!.stdout).toMatch(/verified 2 backup file\(s\) in 1 chain\(s\).*: ok/);
    expect(r.restore!.status).toBe(0);
    expect(r.same).toBe(true);
    expect(r.damagedFindings).toEqual(['truncated']);
    expect(r.restoredFindings).toEqual([]);
  });

  it.each([
    ['missingFile', /^zodb info: no database file at .*no-such\.fs\n$/],
    [
      'badOid',
      /^zodb history: oid "banana" is not an oid; expected hex such as 0x2a or a decimal number\n$/,
    ],
  ])('wrong arguments (%s) exit 2 with a one-line reason', async (name, reason) => {
    const run = await result<ZodbRun>(name);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(reason);
  });
});
