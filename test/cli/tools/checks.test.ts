/**
 * The library checks behind `zodb check`: dangling references and BTree
 * consistency, on databases holding classes this process does not know.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../src/serialize/class-registry.js';
import { FileStorage } from '../../../src/storage/file/file-storage.js';
import { MappingStorage } from '../../../src/storage/mapping/mapping-storage.js';
import type { BTreeFinding, BTreeCheckSummary } from '../../../src/tools/index.js';
import {
  checkBTrees,
  checkReferences,
  openToolDatabase,
  UnknownPersistentObject,
} from '../../../src/tools/index.js';
import { Unsupported } from '../../../src/errors.js';
import { encodeRecord, PersistentReference } from '../../../src/serialize/index.js';
import type { SampleDatabases } from '../support/sample-databases.js';
import { buildSampleDatabases } from '../support/sample-databases.js';
import { temporaryDirectory } from '../support/temporary-directory.js';

const dir = temporaryDirectory('tool-checks');
let samples: SampleDatabases;
beforeAll(async () => {
  samples = await buildSampleDatabases(dir);
});

async function withStorage<T>(file: string, fn: (storage: FileStorage) => T): Promise<T> {
  const storage = new FileStorage(file, { readOnly: true });
  try {
    return fn(storage);
  } finally {
    await storage.close();
  }
}

function runBTreeCheck(storage: FileStorage): {
  findings: BTreeFinding[];
  summary: BTreeCheckSummary;
} {
  const findings: BTreeFinding[] = [];
  const run = checkBTrees(storage);
  for (let step = run.next(); ; step = run.next()) {
    if (step.done === true) return { findings, summary: step.value };
    findings.push(step.value);
  }
}

describe('the reference check', () => {
  it('finds nothing in a sound database', async () => {
    expect(defaultRegistry.has('app.Document')).toBe(false);
    expect(await withStorage(samples.sample, (s) => [...checkReferences(s)])).toEqual([]);
  });

  it('names each referring object and the missing oid, deleted or never created', async () => {
    const findings = await withStorage(samples.broken, (s) => [...checkReferences(s)]);
    expect(findings).toEqual([
      {
        kind: 'dangling-reference',
        oid: 0,
        className: 'zodb.Root',
        missing: samples.deletedDocument,
        missingState: 'deleted',
      },
      {
        kind: 'dangling-reference',
        oid: samples.documents[1],
        className: 'app.Document',
        missing: samples.absentOid,
        missingState: 'absent',
      },
    ]);
  });

  it('finds a missing smaller oid and a missing larger oid, each on its own', async () => {
    const ref = (oid: number) => new PersistentReference(oid, 'app.Thing');
    const context = {
      persistentRef: (v: object) => (v instanceof PersistentReference ? v : undefined),
    };
    async function storageWith(records: [number, number[]][]): Promise<MappingStorage> {
      const storage = new MappingStorage();
      const txn = { user: '', description: '', extension: {} };
      await storage.tpcBegin(txn);
      for (const [oid, refs] of records)
        storage.store(oid, 0n, encodeRecord('app.Thing', { refs: refs.map(ref) }, context), txn);
      await storage.tpcVote(txn);
      await storage.tpcFinish(txn);
      return storage;
    }
    const dangling = (storage: MappingStorage) =>
      [...checkReferences(storage)].map(
        (f) => f.kind === 'dangling-reference' && [f.oid, f.missing],
      );
    expect(
      dangling(
        await storageWith([
          [0, [7, 3]],
          [7, []],
        ]),
      ),
    ).toEqual([[0, 3]]);
    expect(
      dangling(
        await storageWith([
          [0, []],
          [5, [0, 2]],
        ]),
      ),
    ).toEqual([[5, 2]]);
  });

  it('reports a record whose header cannot be read', async () => {
    const storage = new MappingStorage();
    const txn = { user: '', description: '', extension: {} };
    await storage.tpcBegin(txn);
    storage.store(storage.newOid(), 0n, new Uint8Array([1, 2, 3]), txn);
    await storage.tpcVote(txn);
    await storage.tpcFinish(txn);
    const [finding] = [...checkReferences(storage)];
    expect(finding).toMatchObject({
      kind: 'unreadable-record',
      oid: 1,
      message: expect.stringContaining('not a record'),
    });
  });

  it('refuses a storage that cannot list its records', () => {
    const bare = { name: 'bare', lastTransaction: () => 0n } as unknown as FileStorage;
    expect(() => [...checkReferences(bare)]).toThrow(Unsupported);
  });
});

describe('the BTree check', () => {
  it('checks every structure that is not a node of another, and finds nothing in a sound database', async () => {
    const { findings, summary } = await withStorage(samples.sample, runBTreeCheck);
    expect(findings).toEqual([]);
    // the OOBTree of documents, the IIBTree index and the OOTreeSet of tags
    expect(summary.structures).toBe(3);
  });

  it('reports a bucket whose keys are out of order, at its path in the tree', async () => {
    const { findings } = await withStorage(samples.broken, runBTreeCheck);
    expect(findings).toEqual([
      {
        oid: samples.indexTree,
        className: 'BTrees.IIBTree.IIBTree',
        path: 'root/0',
        message: 'keys 0 and 1 are out of order',
      },
    ]);
  });
});

describe('the tool database', () => {
  it('loads objects of unknown classes as stand-ins holding their decoded state', async () => {
    await withStorage(samples.sample, (storage) => {
      const conn = openToolDatabase(storage).open();
      const document = conn.get<UnknownPersistentObject>(samples.documents[2]!);
      expect(document).toBeInstanceOf(UnknownPersistentObject);
      expect(document.__state__).toMatchObject({ title: 'Retitled', tags: new Set(['x']) });
      conn.close();
    });
  });
});
