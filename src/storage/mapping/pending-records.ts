/**
 * {@link PendingRecords}: the revisions a MappingStorage transaction has
 * stored so far, in store order, found by oid.
 *
 * A `Map` per transaction cost ~0.5 us per stored record (insertion and
 * growth at tens of thousands of entries); here the records go into an
 * array, and the oid lookup that catches a second store of one oid uses an
 * {@link OidMap} the storage keeps from one transaction to the next. An
 * entry of that index counts only if it belongs to this transaction (its
 * revision carries this transaction's metadata object), so an entry left
 * by another transaction can never be taken for one of this one; the
 * entries are removed when the transaction ends, so they hold no bytes.
 *
 * @module
 */

import type { Oid } from '../../ids.js';
import type { OidMap } from '../../oid-map.js';
import type { Revision } from './revisions.js';

/** A revision of the pending transaction, with its place in store order. */
export interface PendingRevision extends Revision {
  /** The index of this revision in {@link PendingRecords.values} order. */
  position: number;
}

/** The stored revisions of one transaction; see the module comment. */
export class PendingRecords {
  readonly #list: PendingRevision[] = [];
  readonly #index: OidMap<PendingRevision>;
  /** The metadata object every revision of this transaction shares. */
  readonly #meta: object;

  /** `index` is the storage's oid index, shared by its transactions one after another. */
  constructor(index: OidMap<PendingRevision>, meta: object) {
    this.#index = index;
    this.#meta = meta;
  }

  /** The number of distinct oids stored. */
  get size(): number {
    return this.#list.length;
  }

  /** The revision stored for `oid` by this transaction, if any. */
  get(oid: Oid): PendingRevision | undefined {
    const found = this.#index.get(oid);
    return found !== undefined && found.meta === this.#meta ? found : undefined;
  }

  /** Stores `revision`; a second store of one oid replaces the first, in its place. */
  set(revision: PendingRevision): void {
    const earlier = this.get(revision.oid);
    if (earlier === undefined) {
      revision.position = this.#list.length;
      this.#list.push(revision);
    } else {
      revision.position = earlier.position;
      this.#list[earlier.position] = revision;
    }
    this.#index.set(revision.oid, revision);
  }

  /** The revisions in store order. */
  values(): readonly PendingRevision[] {
    return this.#list;
  }

  /** Removes this transaction's entries from the shared index (at its end, committed or not). */
  release(): void {
    for (const revision of this.#list) {
      if (this.#index.get(revision.oid) === revision) this.#index.delete(revision.oid);
    }
  }
}
