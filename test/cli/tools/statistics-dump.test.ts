/** The library functions behind `zodb stats` and `zodb dump`. */
import { beforeAll, describe, expect, it } from 'vitest';
import { FileStorage } from '../../../src/storage/file/file-storage.js';
import { collectStatistics, DELETION_CLASS, dumpTransactions } from '../../../src/tools/index.js';
import { TimeStamp } from '../../../src/timestamp.js';
import type { SampleDatabases } from '../support/sample-databases.js';
import { buildSampleDatabases } from '../support/sample-databases.js';
import { temporaryDirectory } from '../support/temporary-directory.js';

const dir = temporaryDirectory('tool-stats');
let samples: SampleDatabases;
let sample: FileStorage;
beforeAll(async () => {
  samples = await buildSampleDatabases(dir);
  sample = new FileStorage(samples.sample, { readOnly: true });
  return () => sample.close();
});

describe('storage statistics', () => {
  it('counts objects, revisions and bytes in total and by class', () => {
    const stats = collectStatistics(sample);
    expect(stats.transactions).toBe(samples.transactions);
    expect(stats.objects).toBe(sample.objectCount());
    const documents = stats.classes.find((c) => c.className === 'app.Document')!;
    expect(documents).toMatchObject({ objects: 3, revisions: 4 });
    expect(documents.totalBytes).toBeGreaterThan(documents.currentBytes);
    const sum = (key: 'objects' | 'revisions' | 'currentBytes' | 'totalBytes') =>
      stats.classes.reduce((total, c) => total + c[key], 0);
    expect([sum('objects'), sum('revisions'), sum('currentBytes'), sum('totalBytes')]).toEqual([
      stats.objects,
      stats.revisions,
      stats.currentBytes,
      stats.totalBytes,
    ]);
    expect(stats.classes.map((c) => c.currentBytes)).toEqual(
      [...stats.classes.map((c) => c.currentBytes)].sort((a, b) => b - a),
    );
  });

  it('lists the biggest current objects, biggest first, as many as asked', () => {
    const { biggest } = collectStatistics(sample, { top: 3 });
    expect(biggest).toHaveLength(3);
    expect(biggest[0]!.bytes).toBeGreaterThanOrEqual(biggest[1]!.bytes);
    expect(biggest[1]!.bytes).toBeGreaterThanOrEqual(biggest[2]!.bytes);
    const current = sample.loadAt(biggest[0]!.oid, sample.lastTransaction())!;
    expect(current.data!.byteLength).toBe(biggest[0]!.bytes);
  });

  it('reports growth per day with the objects new that day', () => {
    const { days, objects } = collectStatistics(sample);
    expect(days.slice(0, 3).map((d) => [d.day, d.transactions])).toEqual([
      ['2024-01-01', 1],
      ['2024-01-02', 1],
      ['2024-01-03', 1],
    ]);
    expect(days.reduce((n, d) => n + d.newObjects, 0)).toBe(objects);
    expect(days[1]!.newObjects).toBeGreaterThanOrEqual(200);
  });

  it('counts deletions under their own name', async () => {
    const broken = new FileStorage(samples.broken, { readOnly: true });
    try {
      const deletions = collectStatistics(broken).classes.find(
        (c) => c.className === DELETION_CLASS,
      );
      expect(deletions).toMatchObject({ objects: 0, revisions: 1, totalBytes: 0 });
    } finally {
      await broken.close();
    }
  });
});

describe('dumping transactions', () => {
  it('lists every transaction, oldest first, with its metadata and records', () => {
    const dumped = [...dumpTransactions(sample)];
    expect(dumped).toHaveLength(samples.transactions);
    expect(dumped[0]).toMatchObject({
      description: 'create structures',
      status: ' ',
      time: new Date('2024-01-01T10:00:00Z'),
    });
    expect(dumped.at(-1)).toMatchObject({
      user: 'alice',
      description: 'retitle document 2',
      tid: samples.lastTid,
    });
    const root = dumped[0]!.records.find((r) => r.oid === 0)!;
    expect(root).toMatchObject({
      className: 'zodb.Root',
      deleted: false,
      references: [samples.docsTree, samples.indexTree, 3],
    });
    expect(root.state).toBeUndefined();
  });

  it('filters by tid range and by oid', () => {
    const jan2 = TimeStamp.fromDate(new Date('2024-01-02T00:00:00Z')).value;
    const jan3 = TimeStamp.fromDate(new Date('2024-01-03T00:00:00Z')).value;
    expect(
      [...dumpTransactions(sample, { from: jan2, to: jan3 })].map((t) => t.description),
    ).toEqual(['add 200 documents']);
    const document = samples.documents[2]!;
    const history = [...dumpTransactions(sample, { oids: [document] })];
    expect(history.map((t) => t.description)).toEqual([
      'add application documents',
      'retitle document 2',
    ]);
    expect(history.every((t) => t.records.length === 1 && t.records[0]!.oid === document)).toBe(
      true,
    );
  });

  it('decodes states without the application classes on request', () => {
    const [last] = [...dumpTransactions(sample, { from: samples.lastTid, state: true })];
    expect(last!.records[0]).toMatchObject({
      className: 'app.Document',
      state: {
        title: 'Retitled',
        tags: { $set: ['x'] },
        created: { $date: '2024-01-04T00:00:00.000Z' },
      },
    });
  });
});
