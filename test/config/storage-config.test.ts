import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  parseConfiguration,
  registerStorageSection,
  storageFromFile,
  storageFromString,
  storageSectionTypes,
} from '../../src/config/index.js';
import { DemoStorage } from '../../src/storage/demo/demo-storage.js';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import { MappingStorage } from '../../src/storage/mapping/mapping-storage.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zodb-config-storage-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('storage configuration', () => {
  it('opens a <mappingstorage> with its name', async () => {
    const storage = await storageFromString('<mappingstorage>\n  name Scratch\n</mappingstorage>');
    expect(storage).toBeInstanceOf(MappingStorage);
    expect(storage.name).toBe('Scratch');
    await storage.close();
  });

  it('opens a <filestorage> read-only when the caller overrides, without creating or truncating', async () => {
    const file = path.join(dir, 'ro.fs');
    await (await FileStorage.open(file)).close();
    const storage = await storageFromString(
      `<filestorage>\npath ${file}\ncreate true\n</filestorage>`,
      {
        readOnly: true,
      },
    );
    expect(storage.isReadOnly()).toBe(true);
    expect((storage as FileStorage).options.create).toBe(false);
    await storage.close();
  });

  it('resolves a relative filestorage path against the working directory at parse time', () => {
    const [configured] = parseConfiguration(
      '<filestorage>\npath relative/Data.fs\n</filestorage>',
    ).storages;
    expect(configured!.storage.description).toBe(`filestorage ${path.resolve('relative/Data.fs')}`);
  });

  it('treats an empty blob-dir as no blob directory, as ZODB does', async () => {
    const storage = await storageFromString(
      `<filestorage>\npath ${path.join(dir, 'noblobs.fs')}\nblob-dir\n</filestorage>`,
    );
    expect((storage as FileStorage).blobDir).toBeUndefined();
    await storage.close();
  });

  it('stacks a <demostorage> on its base and changes sections, opening the base read-only', async () => {
    const base = path.join(dir, 'base.fs');
    await (await FileStorage.open(base)).close();
    const storage = await storageFromString(
      `<demostorage>\n  name Staging\n  <filestorage base>\n    path ${base}\n  </filestorage>\n  <mappingstorage changes>\n    name Changes\n  </mappingstorage>\n</demostorage>`,
    );
    expect(storage).toBeInstanceOf(DemoStorage);
    const demo = storage as DemoStorage;
    expect(demo.name).toBe('Staging');
    expect(demo.base.isReadOnly()).toBe(true);
    expect(demo.changes.name).toBe('Changes');
    await storage.close();
  });

  it('gives unnamed demostorage sub-sections the free roles in order, base first', async () => {
    const storage = (await storageFromString(
      '<demostorage>\n<mappingstorage>\nname B\n</mappingstorage>\n<mappingstorage>\nname C\n</mappingstorage>\n</demostorage>',
    )) as DemoStorage;
    expect([storage.base.name, storage.changes.name]).toEqual(['B', 'C']);
    await storage.close();
    const onlyChanges = (await storageFromString(
      '<demostorage>\n<mappingstorage changes>\nname C\n</mappingstorage>\n</demostorage>',
    )) as DemoStorage;
    expect(onlyChanges.changes.name).toBe('C');
    await onlyChanges.close();
  });

  it('reads a storage configuration file', async () => {
    const file = path.join(dir, 'storage.conf');
    fs.writeFileSync(file, '<mappingstorage>\nname FromFile\n</mappingstorage>\n');
    const storage = await storageFromFile(file);
    expect(storage.name).toBe('FromFile');
    await storage.close();
  });

  it('refuses a database configuration where a storage one is expected, and the reverse', async () => {
    await expect(storageFromString('<zodb>\n<mappingstorage/>\n</zodb>')).rejects.toThrow(
      /use databaseFromString/,
    );
    await expect(storageFromString('<mappingstorage/>\n<mappingstorage/>')).rejects.toThrow(
      /exactly one storage section; found 2/,
    );
  });

  it('accepts storage section types registered later, such as those of other storages', async () => {
    registerStorageSection({
      type: 'teststorage',
      build: () => ({
        type: 'teststorage',
        description: 'teststorage',
        dataFiles: [],
        open: async () => new MappingStorage({ name: 'from a plugged-in section' }),
      }),
    });
    expect(storageSectionTypes()).toContain('teststorage');
    const storage = await storageFromString('<teststorage/>');
    expect(storage.name).toBe('from a plugged-in section');
    await storage.close();
    expect(() =>
      registerStorageSection({
        type: 'filestorage',
        build: () => {
          throw new Error();
        },
      }),
    ).toThrow(TypeError);
  });

  it('throws ConfigError, a ZODBError with its position in fields', async () => {
    const error = await storageFromString('<mappingstorage>\n  nmae x\n</mappingstorage>').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ source: '<string>', line: 2, column: 3 });
  });
});
