/**
 * The BTree check of a whole database (ZODB's `checkbtrees`): finds every
 * BTree, TreeSet, Bucket and Set that is not a node of a larger structure,
 * and runs the BTrees module's `findProblems()` on it.
 *
 * Structures are found from the records alone (class names under
 * `BTrees.`, and which records other BTree records hold as children, first
 * bucket or next bucket), then loaded through a {@link openToolDatabase}
 * connection, so the application's classes are not needed.
 *
 * @module
 */

import { CollectionBase, findProblems } from '../btrees/index.js';
import type { Oid } from '../ids.js';
import { PersistentReference } from '../serialize/persistent-reference.js';
import { decodeRecordGeneric } from '../serialize/record-decoder.js';
import { readRecordHeader } from '../serialize/record-header.js';
import type { Storage } from '../storage/interfaces.js';
import { OidTable } from './oid-table.js';
import type { ProgressCallback } from './progress.js';
import { requireRecordIterator } from './reference-check.js';
import { openToolDatabase } from './tool-database.js';

/** One problem in one structure. */
export interface BTreeFinding {
  /** The structure's root oid and class. */
  readonly oid: Oid;
  readonly className: string;
  /** Where in the structure (`root/3/17`, `chain`, `load`), as `findProblems` reports it. */
  readonly path: string;
  readonly message: string;
}

/** What {@link checkBTrees} looked at. */
export interface BTreeCheckSummary {
  /** Structures checked. */
  readonly structures: number;
}

/** Options of {@link checkBTrees}. */
export interface BTreeCheckOptions {
  /** Progress in structures checked. */
  readonly onProgress?: ProgressCallback;
}

const STRUCTURE_CLASS = /^BTrees\.[A-Za-z0-9_]+\.[A-Za-z0-9_]*(BTree|TreeSet|Bucket|Set)$/;

/**
 * Streams the problems of every BTree structure in `storage`; returns how
 * many structures were checked. The storage stays open (the tool database
 * used for loading is left to the garbage collector, not closed).
 *
 * @throws Unsupported when the storage cannot list its current records.
 */
export function* checkBTrees(
  storage: Storage,
  options: BTreeCheckOptions = {},
): Generator<BTreeFinding, BTreeCheckSummary> {
  const { structures, classNames } = findStructures(storage);
  const db = openToolDatabase(storage);
  const connection = db.open();
  let checked = 0;
  try {
    for (const [oid, classIndex] of structures) {
      const className = classNames[classIndex]!;
      for (const problem of checkOne(connection.get<object>(oid)))
        yield { oid, className, ...problem };
      connection.cacheMinimize();
      checked++;
      options.onProgress?.(checked, structures.length);
    }
  } finally {
    connection.close();
  }
  return { structures: checked };
}

function checkOne(structure: object): { path: string; message: string }[] {
  try {
    if (!(structure instanceof CollectionBase)) {
      return [
        { path: 'root', message: `is not a BTree structure (${structure.constructor.name})` },
      ];
    }
    return findProblems(structure as CollectionBase<unknown>);
  } catch (error) {
    return [{ path: 'load', message: error instanceof Error ? error.message : String(error) }];
  }
}

/** The oids of the structures to check (not held by another BTree record), with their class. */
function findStructures(storage: Storage): { structures: [Oid, number][]; classNames: string[] } {
  const candidates = new OidTable();
  const nodes = new OidTable();
  const classNames: string[] = [];
  const classIndexes = new Map<string, number>();
  for (const { oid, data } of requireRecordIterator(storage).recordIterator()) {
    let className: string;
    try {
      className = readRecordHeader(data).className;
    } catch {
      continue; // unreadable records are the reference check's finding
    }
    if (!STRUCTURE_CLASS.test(className)) continue;
    let index = classIndexes.get(className);
    if (index === undefined) {
      index = classNames.push(className) - 1;
      classIndexes.set(className, index);
    }
    candidates.set(oid, index);
    for (const child of structuralReferences(data)) nodes.set(child);
  }
  const structures: [Oid, number][] = [];
  candidates.forEach((oid, index) => {
    if (!nodes.has(oid)) structures.push([oid, index]);
  });
  return { structures, classNames };
}

/** The records a BTree record holds as parts of its structure: children, first bucket, next bucket. */
function structuralReferences(data: Uint8Array): Oid[] {
  let state: unknown;
  try {
    state = decodeRecordGeneric(data).state;
  } catch {
    return [];
  }
  const found: Oid[] = [];
  const add = (value: unknown) => {
    if (value instanceof PersistentReference) found.push(value.oid);
  };
  if (Array.isArray(state)) add(state[state.length - 1]);
  else if (typeof state === 'object' && state !== null) {
    const tree = state as { children?: unknown; first?: unknown };
    if (Array.isArray(tree.children)) tree.children.forEach(add);
    add(tree.first);
  }
  return found;
}
