import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  databaseFromURI,
  registerUriScheme,
  resolveURI,
  storageFromURI,
  mappingStorageFactory,
} from '../../src/config/index.js';
import { DB } from '../../src/connection/db.js';
import { DemoStorage } from '../../src/storage/demo/demo-storage.js';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import { MappingStorage } from '../../src/storage/mapping/mapping-storage.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zodb-config-uri-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const fileURI = (name: string) => pathToFileURL(path.join(dir, name)).href;

describe('storage URIs', () => {
  it('opens a FileStorage from file:///path with its storage parameters', async () => {
    const storage = await storageFromURI(
      `${fileURI('a.fs')}?create=true&quota=10MB&pack_gc=false&pack_keep_old=no&blobstorage_dir=${encodeURIComponent(path.join(dir, 'blobs'))}`,
    );
    expect(storage).toBeInstanceOf(FileStorage);
    expect(storage.name).toBe(path.join(dir, 'a.fs'));
    expect((storage as FileStorage).options).toMatchObject({
      create: true,
      quota: 10 * 1024 ** 2,
      packGc: false,
      packKeepOld: false,
      blobDir: path.join(dir, 'blobs'),
    });
    await storage.close();
    const readOnly = await storageFromURI(`${fileURI('a.fs')}?read_only=true`);
    expect(readOnly.isReadOnly()).toBe(true);
    await readOnly.close();
  });

  it('applies the database parameters to the database (DB.fromURI)', async () => {
    const db = await databaseFromURI(
      `${fileURI('b.fs')}?database_name=main&connection_cache_size=20000&connection_cache_size_bytes=1MB` +
        '&connection_pool_size=3&connection_historical_pool_size=2&connection_historical_cache_size=50' +
        '&connection_historical_cache_size_bytes=1KB&large_record_size=1MB&connection_pool_timeout=1m&connection_historical_timeout=1h',
    );
    try {
      expect(db.databaseName).toBe('main');
      expect([db.getCacheSize(), db.getCacheSizeBytes(), db.poolSize]).toEqual([
        20000,
        1024 ** 2,
        3,
      ]);
      expect([
        db.historicalPoolSize,
        db.getHistoricalCacheSize(),
        db.getHistoricalCacheSizeBytes(),
      ]).toEqual([2, 50, 1024]);
      expect(db.largeRecordSize).toBe(1024 ** 2);
    } finally {
      await db.close();
    }
    const resolved = await resolveURI(
      'memory://?connection_pool_timeout=1m&connection_historical_timeout=1h',
    );
    expect(resolved.databaseOptions).toEqual({ poolTimeout: 60, historicalTimeout: 3600 });
  });

  it('is reachable as DB.fromURI', async () => {
    const db = await DB.fromURI('memory://via-db?connection_cache_size=9');
    expect([db.storage.name, db.getCacheSize()]).toEqual(['via-db', 9]);
    await db.close();
  });

  it('opens a named, empty MappingStorage from memory://name', async () => {
    const named = await storageFromURI('memory://scratch');
    expect(named).toBeInstanceOf(MappingStorage);
    expect(named.name).toBe('scratch');
    const unnamed = await storageFromURI('memory://');
    expect(unnamed.name).toBe('MappingStorage');
    await Promise.all([named.close(), unnamed.close()]);
  });

  it('composes demo:(base)/(changes) from two URIs, either of which may be empty', async () => {
    const base = path.join(dir, 'demo-base.fs');
    await (await FileStorage.open(base)).close();
    const demo = (await storageFromURI(
      `demo:(${pathToFileURL(base).href})/(memory://changes)`,
    )) as DemoStorage;
    expect(demo).toBeInstanceOf(DemoStorage);
    expect(demo.base).toBeInstanceOf(FileStorage);
    expect(demo.base.isReadOnly()).toBe(true);
    expect(demo.changes.name).toBe('changes');
    await demo.close();
    expect((await resolveURI(`demo:(${pathToFileURL(base).href})/()`)).storage.dataFiles).toEqual([
      base,
    ]);
    const nested = (await storageFromURI(
      'demo:(demo:(memory://a)/(memory://b))/()',
    )) as DemoStorage;
    expect(nested.base).toBeInstanceOf(DemoStorage);
    await nested.close();
  });

  it('takes a database or storage from a configuration file with zconfig:///path#name', async () => {
    const conf = path.join(dir, 'zodb.conf');
    fs.writeFileSync(
      conf,
      '<zodb main>\ncache-size 77\n<mappingstorage>\nname M\n</mappingstorage>\n</zodb>\n<zodb other>\n<mappingstorage>\nname O\n</mappingstorage>\n</zodb>\n',
    );
    const other = await databaseFromURI(`zconfig://${conf}#other`);
    expect(other.storage.name).toBe('O');
    await other.close();
    const first = await databaseFromURI(`zconfig://${conf}`);
    expect([first.storage.name, first.getCacheSize()]).toEqual(['M', 77]);
    await first.close();
    await expect(resolveURI(`zconfig://${conf}#nope`)).rejects.toThrow(
      /no <zodb nope> section; it has "main", "other"/,
    );
  });

  it('plugs in schemes registered later', async () => {
    registerUriScheme('testscheme', async (uri) => ({
      storage: mappingStorageFactory(uri.slice('testscheme:'.length)),
      databaseOptions: {},
    }));
    const storage = await storageFromURI('testscheme:plugged');
    expect(storage.name).toBe('plugged');
    await storage.close();
  });

  it.each([
    ['file:///tmp/x.fs?quta=1', 18, /unknown parameter "quta" \(did you mean "quota"\?\)/],
    ['file:///tmp/x.fs?create=true&quota=lots', 30, /parameter "quota" needs a byte size/],
    ['file:///tmp/x.fs?create=1&create=0', 27, /given twice/],
    ['file://tmp/x.fs', 8, /"tmp" is read as a host/],
    ['file:///', 1, /names no file/],
    ['fiel:///tmp/x.fs', 1, /unknown URI scheme "fiel:" \(did you mean "file"\?\)/],
    ['/tmp/Data.fs', 1, /is not a URI/],
    ['demo:memory://', 6, /expected "\("/],
    ['demo:(memory://)(memory://)', 17, /expected "\/" between/],
    ['demo:(memory://)/(memory://', 18, /never closed/],
    ['demo:(memory://)/(memory://)x', 29, /unexpected "x"/],
    ['memory://x?cache_size=5', 12, /unknown parameter "cache_size"/],
  ])('refuses %s at column %i', async (uri, column, reason) => {
    const error = await resolveURI(uri).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).reason).toMatch(reason);
    expect((error as ConfigError).column).toBe(column);
    expect((error as ConfigError).source).toBe(uri);
  });
});
