import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  databaseFromFile,
  databaseFromString,
  databaseFromURL,
  databasesFromFile,
  databasesFromString,
  databasesOf,
  parseConfiguration,
} from '../../src/config/index.js';
import { DB } from '../../src/connection/db.js';
import { DemoStorage } from '../../src/storage/demo/demo-storage.js';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import { MappingStorage } from '../../src/storage/mapping/mapping-storage.js';
import { PersistentMapping } from '../../src/persistent/index.js';
import { pathToFileURL } from 'node:url';

const corpus = path.join(import.meta.dirname, 'corpus');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zodb-config-db-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function everyOptionText(): string {
  return fs
    .readFileSync(path.join(corpus, 'every-option.conf'), 'utf8')
    .replace('placeholder-directory', dir);
}

describe('database configuration', () => {
  it('applies every <zodb> option to the database', async () => {
    const db = await databaseFromString(everyOptionText());
    try {
      expect(db.databaseName).toBe('maindb');
      expect(db.getCacheSize()).toBe(12345);
      expect(db.getCacheSizeBytes()).toBe(100 * 1024 ** 2);
      expect(db.poolSize).toBe(11);
      expect(db.historicalPoolSize).toBe(4);
      expect(db.getHistoricalCacheSize()).toBe(2000);
      expect(db.getHistoricalCacheSizeBytes()).toBe(2048);
      expect(db.largeRecordSize).toBe(32 * 1024 ** 2);
    } finally {
      await db.close();
    }
  });

  it('applies every <filestorage> option to the storage', async () => {
    const db = await databaseFromString(everyOptionText());
    try {
      expect(db.storage).toBeInstanceOf(FileStorage);
      const storage = db.storage as FileStorage;
      expect(storage.name).toBe(path.join(dir, 'Data.fs'));
      expect(storage.options).toMatchObject({
        create: true,
        readOnly: false,
        quota: 1024 ** 3,
        packGc: false,
        packKeepOld: false,
        blobDir: path.join(dir, 'blobs'),
      });
    } finally {
      await db.close();
    }
  });

  it('reads the interval options and the cross-reference flag into the parsed configuration', () => {
    const [database] = parseConfiguration(everyOptionText()).databases;
    expect(database!.options).toMatchObject({ poolTimeout: 300, historicalTimeout: 3600 });
    expect(database!.allowImplicitCrossReferences).toBe(false);
  });

  it('leaves unset options to the database defaults (ZODB: cache 5000, pool 7, historical pool 3 and cache 1000, 16MB records)', async () => {
    const db = await databaseFromString('<zodb>\n<mappingstorage/>\n</zodb>');
    try {
      expect(db.storage).toBeInstanceOf(MappingStorage);
      expect([db.getCacheSize(), db.getCacheSizeBytes(), db.poolSize]).toEqual([5000, 0, 7]);
      expect([db.historicalPoolSize, db.getHistoricalCacheSize()]).toEqual([3, 1000]);
      expect(db.largeRecordSize).toBe(16 * 1024 ** 2);
      expect(db.databaseName).toBe('unnamed');
      expect(databasesOf(db)?.size).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('makes a working database: what is committed is read back', async () => {
    const db = await databaseFromString(
      `<zodb>\n<filestorage>\npath ${path.join(dir, 'work.fs')}\n</filestorage>\n</zodb>`,
    );
    await db.transaction((conn) => {
      conn.root.things = new PersistentMapping([['a', 1]]);
    });
    await db.close();
    const again = await databaseFromFile(
      writeConfig(
        'work.conf',
        `<zodb>\n<filestorage>\npath ${path.join(dir, 'work.fs')}\nread-only true\n</filestorage>\n</zodb>`,
      ),
    );
    try {
      const conn = again.open();
      expect((conn.root.things as PersistentMapping<string, number>).get('a')).toBe(1);
      expect(again.storage.isReadOnly()).toBe(true);
      conn.close();
    } finally {
      await again.close();
    }
  });

  it('opens every database of a multi-database configuration, reachable from the first', async () => {
    const file = path.join(corpus, 'multi.conf');
    const first = await databaseFromFile(file);
    const all = databasesOf(first)!;
    try {
      expect([...all.keys()]).toEqual(['first', 'second', 'catalog-db']);
      expect(all.get('first')).toBe(first);
      expect(first.getCacheSizeBytes()).toBe(100 * 1024 ** 2);
      const catalog = all.get('catalog-db')!;
      expect(catalog.storage).toBeInstanceOf(DemoStorage);
      expect((catalog.storage as DemoStorage).base.name).toBe('CatalogBase');
      expect(catalog.storage.name).toBe('Catalog');
      expect(databasesOf(catalog)).toBe(all);
    } finally {
      for (const db of all.values()) await db.close();
    }
  });

  it('returns all databases by name with databasesFrom*, also from a file: URL', async () => {
    const byName = await databasesFromFile(path.join(corpus, 'multi.conf'));
    expect([...byName.values()].every((db) => db instanceof DB)).toBe(true);
    for (const db of byName.values()) await db.close();
    const viaUrl = await databaseFromURL(pathToFileURL(path.join(corpus, 'multi.conf')));
    expect(viaUrl.databaseName).toBe('first');
    for (const db of databasesOf(viaUrl)!.values()) await db.close();
  });

  it('refuses two databases with the same name, pointing at the second', async () => {
    const text =
      '<zodb a>\n<mappingstorage/>\n</zodb>\n<zodb>\ndatabase-name a\n<mappingstorage/>\n</zodb>';
    await expect(databasesFromString(text)).rejects.toMatchObject({
      line: 4,
      reason: expect.stringContaining('a second database named "a"'),
    });
  });

  it('closes the databases already opened when a later one fails to open', async () => {
    const locked = path.join(dir, 'locked.fs');
    const holder = new FileStorage(locked);
    try {
      const text = `<zodb a>\n<filestorage>\npath ${path.join(dir, 'free.fs')}\n</filestorage>\n</zodb>\n<zodb b>\n<filestorage>\npath ${locked}\n</filestorage>\n</zodb>`;
      await expect(databasesFromString(text)).rejects.toThrow(/lock/i);
      // the first database's storage was closed: its lock is free again
      const reopened = new FileStorage(path.join(dir, 'free.fs'));
      await reopened.close();
    } finally {
      await holder.close();
    }
  });

  it('says where the configuration file could not be read', async () => {
    await expect(databaseFromFile(path.join(dir, 'missing.conf'))).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(databaseFromURL('ftp://example.com/zodb.conf')).rejects.toThrow(/ftp: URL/);
  });
});

function writeConfig(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
