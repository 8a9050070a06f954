/**
 * A connection's savepoint: the encoded states of every object changed or
 * added so far in the transaction, kept in memory until the transaction
 * ends (so savepoint data stays readable: ZODB#16, #402), and restored by
 * `rollback()` as often as asked.
 *
 * @module
 */

import { InvalidSavepointRollbackError } from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import type { PersistentObject, PersistentStateCode } from '../persistent/interfaces.js';
import { GHOST } from '../persistent/interfaces.js';
import { installState } from '../persistent/persistent.js';
import { OidMap } from '../oid-map.js';
import { ghostify, slotOf } from '../persistent/slot.js';
import type { DataManagerSavepoint } from '../transaction/interfaces.js';
import type { ObjectWriter } from './object-writer.js';

/** What a savepoint needs from its connection. */
export interface SavepointHost {
  registered(): PersistentObject[];
  added(): OidMap<PersistentObject>;
  readCurrents(): Map<Oid, Tid>;
  restore(
    registered: PersistentObject[],
    added: OidMap<PersistentObject>,
    readCurrents: Map<Oid, Tid>,
  ): void;
  writer(): ObjectWriter;
  decode(data: Uint8Array): { state: unknown };
  discardChanges(obj: PersistentObject): void;
  forgetNew(obj: PersistentObject): void;
}

interface SavedState {
  data: Uint8Array;
  serial: Tid;
  state: PersistentStateCode;
}

/** The connection's part of a transaction savepoint. */
export class ConnectionSavepoint implements DataManagerSavepoint {
  private readonly host: SavepointHost;
  private readonly owner: object;
  private readonly states = new Map<PersistentObject, SavedState>();
  private readonly registered: PersistentObject[];
  private readonly added: OidMap<PersistentObject>;
  private readonly readCurrents: Map<Oid, Tid>;
  private valid = true;

  constructor(owner: object, host: SavepointHost) {
    this.owner = owner;
    this.host = host;
    const writer = host.writer();
    for (const obj of host.added().values()) writer.enqueue(slotOf(obj));
    for (const obj of host.registered()) writer.enqueue(slotOf(obj));
    for (let slot = writer.next(); slot !== undefined; slot = writer.next()) {
      const obj = slot.proxy;
      if (this.states.has(obj) || slot.state === GHOST) continue;
      this.states.set(obj, { data: writer.encode(slot), serial: slot.serial, state: slot.state });
    }
    this.registered = [...host.registered()];
    this.added = new OidMap(host.added());
    this.readCurrents = new Map(host.readCurrents());
  }

  /** Restores every object changed or added since the savepoint to its state at the savepoint. */
  rollback(): void {
    if (!this.valid) {
      throw new InvalidSavepointRollbackError(
        `savepoint of ${String(this.owner)} is no longer valid: its transaction ended`,
      );
    }
    for (const obj of this.host.registered()) {
      if (!this.states.has(obj)) this.host.discardChanges(obj);
    }
    for (const [oid, obj] of this.host.added()) {
      if (!this.added.has(oid)) this.host.forgetNew(obj);
    }
    for (const [obj, saved] of this.states) {
      const slot = slotOf(obj);
      ghostify(slot);
      installState(obj, this.host.decode(saved.data).state, saved.serial, saved.data.length);
      slot.state = saved.state;
    }
    this.host.restore([...this.registered], new OidMap(this.added), new Map(this.readCurrents));
  }

  /** @internal The transaction ended. */
  invalidate(): void {
    this.valid = false;
  }
}
