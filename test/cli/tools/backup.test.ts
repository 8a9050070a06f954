/** Full and incremental backups, verification and restore of a Data.fs. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorruptedDataError } from '../../../src/errors.js';
import { FileStorage } from '../../../src/storage/file/file-storage.js';
import {
  BackupError,
  backupFileStorage,
  listCatalogs,
  restoreFileStorage,
  verifyBackups,
} from '../../../src/tools/index.js';
import type { SampleDatabases } from '../support/sample-databases.js';
import { buildSampleDatabases } from '../support/sample-databases.js';
import { temporaryDirectory } from '../support/temporary-directory.js';

const dir = temporaryDirectory('tool-backup');
let samples: SampleDatabases;
let counter = 0;
beforeAll(async () => {
  samples = await buildSampleDatabases(dir);
});

/** A copy of the sample database and an empty repository of its own. */
function workspace(): { data: string; repository: string; out: string } {
  const base = path.join(dir, `w${++counter}`);
  fs.mkdirSync(base);
  const data = path.join(base, 'Data.fs');
  fs.copyFileSync(samples.sample, data);
  return { data, repository: path.join(base, 'backups'), out: path.join(base, 'Restored.fs') };
}

/** Commits one more transaction to the Data.fs. */
async function commitMore(data: string, note: string): Promise<void> {
  const storage = new FileStorage(data);
  const txn = { user: 'tester', description: note, extension: {} };
  await storage.tpcBegin(txn);
  storage.store(storage.newOid(), 0n, new TextEncoder().encode(note), txn);
  await storage.tpcVote(txn);
  await storage.tpcFinish(txn);
  await storage.close();
}

const at = (iso: string) => new Date(iso);

describe('backups', () => {
  it('starts with a full backup that holds the whole file, checksummed', async () => {
    const { data, repository } = workspace();
    const report = await backupFileStorage(data, repository, { now: at('2024-05-01T10:00:00Z') });
    expect(report).toMatchObject({
      kind: 'full',
      reason: 'there is no earlier backup',
      start: 0,
      end: samples.sampleBytes,
    });
    expect(path.basename(report.file!)).toBe('2024-05-01-10-00-00-000.fs');
    expect(fs.readFileSync(report.file!)).toEqual(fs.readFileSync(data));
    expect(fs.readFileSync(report.catalog, 'utf8')).toBe(
      `2024-05-01-10-00-00-000.fs 0 ${samples.sampleBytes} ${report.checksum}\n`,
    );
  });

  it('copies only the new tail in an incremental backup, and nothing when nothing changed', async () => {
    const { data, repository } = workspace();
    await backupFileStorage(data, repository, { now: at('2024-05-01T10:00:00Z') });
    await commitMore(data, 'more');
    const incremental = await backupFileStorage(data, repository, {
      now: at('2024-05-02T10:00:00Z'),
    });
    expect(incremental).toMatchObject({
      kind: 'incremental',
      start: samples.sampleBytes,
      end: fs.statSync(data).size,
    });
    expect(fs.statSync(incremental.file!).size).toBe(incremental.end - incremental.start);
    const unchanged = await backupFileStorage(data, repository, {
      now: at('2024-05-03T10:00:00Z'),
    });
    expect(unchanged).toMatchObject({ kind: 'unchanged', file: undefined });
    expect(listCatalogs(repository)).toHaveLength(1);
    expect(listCatalogs(repository)[0]!.entries).toHaveLength(2);
  });

  it('makes a full backup when the file no longer matches what was backed up (after a pack)', async () => {
    const { data, repository } = workspace();
    await backupFileStorage(data, repository, { now: at('2024-05-01T10:00:00Z') });
    const bytes = fs.readFileSync(data);
    bytes[100] = bytes[100]! ^ 0xff; // the file changed before the backed-up end
    fs.writeFileSync(data, bytes);
    await commitMore(data, 'after the change').catch(() => undefined);
    const quick = await backupFileStorage(data, repository, {
      quick: true,
      now: at('2024-05-02T10:00:00Z'),
    });
    expect(quick.kind).toBe('full');
    expect(quick.reason).toMatch(/no longer match backup 2024-05-01-10-00-00-000\.fs/);
    expect(listCatalogs(repository)).toHaveLength(2);
  });

  it('makes a full backup when the file shrank', async () => {
    const { data, repository } = workspace();
    await commitMore(data, 'grow');
    await backupFileStorage(data, repository, { now: at('2024-05-01T10:00:00Z') });
    fs.copyFileSync(samples.sample, data);
    fs.rmSync(`${data}.index`, { force: true });
    const report = await backupFileStorage(data, repository, { now: at('2024-05-02T10:00:00Z') });
    expect(report.reason).toMatch(/shorter than the last backup/);
  });

  it('names backups made within the same millisecond apart', async () => {
    const { data, repository } = workspace();
    const now = at('2024-05-01T10:00:00Z');
    await backupFileStorage(data, repository, { now });
    const second = await backupFileStorage(data, repository, { now, full: true });
    expect(path.basename(second.file!)).toBe('2024-05-01-10-00-00-001.fs');
  });
});

describe('restore', () => {
  it('rebuilds the latest state from a compressed chain, identical to the original file', async () => {
    const { data, repository, out } = workspace();
    await backupFileStorage(data, repository, { compress: true, now: at('2024-05-01T10:00:00Z') });
    await commitMore(data, 'one');
    await backupFileStorage(data, repository, { compress: true, now: at('2024-05-02T10:00:00Z') });
    expect(fs.readdirSync(repository).sort()).toEqual([
      '2024-05-01-10-00-00-000.dat',
      '2024-05-01-10-00-00-000.fsz',
      '2024-05-02-10-00-00-000.deltafsz',
    ]);
    const report = await restoreFileStorage(repository, out);
    expect(report.files).toHaveLength(2);
    expect(fs.readFileSync(out)).toEqual(fs.readFileSync(data));
    const restored = new FileStorage(out, { readOnly: true });
    expect([...restored.iterator()].at(-1)!.description).toBe('one');
    await restored.close();
  });

  it('restores the state as of a date, from the backups made by then', async () => {
    const { data, repository, out } = workspace();
    await backupFileStorage(data, repository, { now: at('2024-05-01T10:00:00Z') });
    await commitMore(data, 'later');
    await backupFileStorage(data, repository, { now: at('2024-05-03T10:00:00Z') });
    const report = await restoreFileStorage(repository, out, { date: at('2024-05-02T00:00:00Z') });
    expect(report).toMatchObject({ bytes: samples.sampleBytes, date: at('2024-05-01T10:00:00Z') });
    expect(fs.readFileSync(out)).toEqual(fs.readFileSync(samples.sample));
    await expect(
      restoreFileStorage(repository, out, { date: at('2024-04-01T00:00:00Z'), overwrite: true }),
    ).rejects.toThrow(/no backup made at or before 2024-04-01/);
  });

  it('refuses to overwrite an existing file unless asked, and then drops its stale index', async () => {
    const { data, repository, out } = workspace();
    await backupFileStorage(data, repository, { now: at('2024-05-01T10:00:00Z') });
    fs.writeFileSync(out, 'in the way');
    fs.writeFileSync(`${out}.index`, 'stale');
    await expect(restoreFileStorage(repository, out)).rejects.toBeInstanceOf(BackupError);
    await restoreFileStorage(repository, out, { overwrite: true });
    expect(fs.existsSync(`${out}.index`)).toBe(false);
    expect(fs.readFileSync(out)).toEqual(fs.readFileSync(data));
  });

  it('refuses a damaged backup file, naming it, and leaves no partial output', async () => {
    const { data, repository, out } = workspace();
    const report = await backupFileStorage(data, repository, { now: at('2024-05-01T10:00:00Z') });
    const bytes = fs.readFileSync(report.file!);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 1;
    fs.writeFileSync(report.file!, bytes);
    const error = await restoreFileStorage(repository, out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptedDataError);
    expect((error as CorruptedDataError).path).toBe(report.file);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(`${out}.restoring`)).toBe(false);
  });

  it('fails clearly on an empty repository', async () => {
    const { repository, out } = workspace();
    await expect(restoreFileStorage(repository, out)).rejects.toThrow(/no backup to restore/);
  });
});

describe('verifying a backup repository', () => {
  it('passes a sound repository and names missing, truncated and altered files', async () => {
    const { data, repository } = workspace();
    await backupFileStorage(data, repository, { now: at('2024-05-01T10:00:00Z') });
    await commitMore(data, 'a');
    const second = await backupFileStorage(data, repository, { now: at('2024-05-02T10:00:00Z') });
    await commitMore(data, 'b');
    const third = await backupFileStorage(data, repository, {
      compress: true,
      now: at('2024-05-03T10:00:00Z'),
    });
    const sound = await verifyBackups(repository);
    expect(sound).toMatchObject({ catalogs: 1, files: 3, problems: [] });
    expect(sound.bytes).toBe(fs.statSync(data).size);

    fs.truncateSync(second.file!, 10);
    fs.rmSync(third.file!);
    const full = listCatalogs(repository)[0]!.entries[0]!;
    const fullPath = path.join(repository, full.file);
    const bytes = fs.readFileSync(fullPath);
    bytes[0] = bytes[0]! ^ 1;
    fs.writeFileSync(fullPath, bytes);
    const { problems } = await verifyBackups(repository);
    expect(problems.map((p) => [p.file, p.message])).toEqual([
      [full.file, 'does not match its checksum'],
      [
        path.basename(second.file!),
        `holds 10 bytes, the catalog says ${second.end - second.start}`,
      ],
      [path.basename(third.file!), 'is missing'],
    ]);
  });
});
