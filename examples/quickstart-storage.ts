/**
 * The storage the quick start uses: the embedded default, a FileStorage in
 * `examples/quickstart-data/Data.fs` (ignored by git).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStorage, type Storage } from 'zodb';

export async function openQuickstartStorage(): Promise<{ storage: Storage; description: string }> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'quickstart-data');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'Data.fs');
  return { storage: await FileStorage.open(path), description: `FileStorage ${path}` };
}
