/**
 * FileStorage against the shared storage conformance suite, each test on a
 * fresh Data.fs in its own temporary directory. No area is skipped.
 */

import { FileStorage } from '../../../src/storage/file/index.js';
import type { Storage } from '../../../src/storage/interfaces.js';
import { describeStorageConformance } from '../conformance.js';
import { useTempDataPaths } from './temp-files.js';

const freshPath = useTempDataPaths('fs-conformance');

function pathOf(storage: Storage): string {
  if (!(storage instanceof FileStorage)) throw new TypeError('not a FileStorage');
  return storage.name;
}

describeStorageConformance('FileStorage', {
  make: () => new FileStorage(freshPath(), { create: true }),
  reopen: (storage) => new FileStorage(pathOf(storage)),
  openReadOnly: (storage) => new FileStorage(pathOf(storage), { readOnly: true }),
});
