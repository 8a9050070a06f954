/**
 * FileStorage against the shared storage conformance suite, each test on a
 * fresh Data.fs in its own temporary directory.
 */

import { afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStorage } from '../../../src/storage/file/index.js';
import type { Storage } from '../../../src/storage/interfaces.js';
import { describeStorageConformance } from '../conformance.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-conformance-'));
let counter = 0;

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function pathOf(storage: Storage): string {
  if (!(storage instanceof FileStorage)) throw new TypeError('not a FileStorage');
  return storage.name;
}

function freshPath(): string {
  const directory = path.join(root, `${++counter}`);
  fs.mkdirSync(directory);
  return path.join(directory, 'Data.fs');
}

describeStorageConformance('FileStorage', {
  make: () => new FileStorage(freshPath(), { create: true }),
  reopen: (storage) => new FileStorage(pathOf(storage)),
  openReadOnly: (storage) => new FileStorage(pathOf(storage), { readOnly: true }),
});
