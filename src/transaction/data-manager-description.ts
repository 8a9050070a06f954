/**
 * Names a data manager in error messages.
 *
 * @internal
 * @module
 */

import type { DataManager } from './interfaces.js';

/**
 * A short description of `dm` for messages: its class name and sort key,
 * e.g. `Connection (sort key "Data.fs")`. Never throws.
 *
 * @internal
 */
export function describeDataManager(dm: DataManager): string {
  const className = (dm as { constructor?: { name?: unknown } }).constructor?.name;
  const name = typeof className === 'string' && className !== '' ? className : 'object';
  let key: string;
  try {
    key = JSON.stringify(dm.sortKey());
  } catch {
    key = '(sortKey() failed)';
  }
  return `${name} (sort key ${key})`;
}
