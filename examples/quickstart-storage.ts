/**
 * The storage the quick start uses: the embedded default (a FileStorage in
 * `examples/quickstart-data/`) once it is available, else the in-memory
 * MappingStorage.
 */
import { MappingStorage, type Storage } from 'zodb';

export async function openQuickstartStorage(): Promise<{ storage: Storage; description: string }> {
  return {
    storage: new MappingStorage({ name: 'quickstart' }),
    description: 'in memory (MappingStorage)',
  };
}
