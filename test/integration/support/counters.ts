/**
 * The multi-object invariant of the load/invalidation race test:
 * `root.groups` maps a group name to a list of counters (each its own
 * persistent object), and a writer always sets every counter of its group
 * to the same new value in one transaction. A consistent snapshot therefore
 * sees, in each group, every counter equal.
 */

import { DB } from '../../../src/connection/db.js';
import { PersistentList, PersistentMapping } from '../../../src/persistent/index.js';
import type { Storage } from '../../../src/storage/interfaces.js';
import { TransactionManager } from '../../../src/transaction/index.js';

/** One counter. */
export type Counter = PersistentMapping<'value', number>;

/** The counter groups of a root. */
export function groupsOf(
  root: Record<string, unknown>,
): PersistentMapping<string, PersistentList<Counter>> {
  const groups = root.groups;
  if (!(groups instanceof PersistentMapping)) throw new TypeError('the root has no counter groups');
  return groups as PersistentMapping<string, PersistentList<Counter>>;
}

/** Creates the groups `names`, each of `size` counters at 0, in an empty storage; closes it. */
export async function createCounters(
  storage: Storage,
  names: readonly string[],
  size: number,
): Promise<void> {
  const db = new DB(storage);
  const tm = new TransactionManager();
  const conn = db.open({ transactionManager: tm });
  const groups = new PersistentMapping<string, PersistentList<Counter>>();
  for (const name of names) {
    const counters = new PersistentList<Counter>();
    for (let i = 0; i < size; i++) counters.push(new PersistentMapping([['value', 0]]));
    groups.set(name, counters);
  }
  conn.root.groups = groups;
  await tm.commit();
  await db.close();
}

/** Sets every counter of `group` to one more than its first counter; returns the new value. */
export function bumpGroup(root: Record<string, unknown>, group: string): number {
  const counters = groupsOf(root).get(group);
  if (counters === undefined) throw new RangeError(`no counter group "${group}"`);
  const value = (counters.get(0)?.get('value') ?? 0) + 1;
  for (const counter of counters) counter.set('value', value);
  return value;
}

/** What one read of every group saw. */
export interface SnapshotRead {
  /** The common value of each group's counters (when they agreed). */
  readonly values: ReadonlyMap<string, number>;
  /** A description of each group whose counters disagreed (a torn snapshot). */
  readonly torn: readonly string[];
}

/** Reads every counter of every group in the current transaction. */
export function readSnapshot(root: Record<string, unknown>): SnapshotRead {
  const values = new Map<string, number>();
  const torn: string[] = [];
  for (const [name, counters] of groupsOf(root)) {
    const seen = [...counters].map((c) => c.get('value'));
    if (seen.every((v) => v === seen[0])) values.set(name, seen[0] ?? NaN);
    else torn.push(`${name}: ${seen.join(',')}`);
  }
  return { values, torn };
}
