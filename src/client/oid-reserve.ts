/**
 * The oids a client storage reserved on the server (`newOids`), refilled
 * one batch ahead: once a batch runs low (see `NEW_OIDS_REFILL_AT`), the
 * next one is asked for without waiting, so a commit of many new objects
 * rarely blocks on a `newOids` round trip.
 *
 * @internal
 * @module
 */

import type { Oid } from '../ids.js';
import { wireOids } from '../protocol/wire-values.js';
import { NEW_OIDS_BATCH, NEW_OIDS_REFILL_AT } from './limits.js';
import type { WorkerBridge } from './worker-bridge.js';

/** Oids reserved on the server and not handed out yet. */
export class OidReserve {
  /** The reserved oids, the next one last. */
  private oids: Oid[] = [];
  /** The id of the refill request in flight (see {@link WorkerBridge.startCall}). */
  private refill: number | undefined;

  constructor(private readonly bridge: WorkerBridge) {}

  /**
   * A new oid. Asks for the next batch when this one runs low; blocks only
   * when the batch is empty and that request has not been answered yet.
   *
   * @throws ClientDisconnectedError (or the server's error) when no batch
   *   can be had from the server
   */
  next(): Oid {
    if (this.oids.length <= NEW_OIDS_REFILL_AT && this.refill === undefined) {
      this.refill = this.bridge.startCall((id) => ({
        kind: 'request',
        id,
        method: 'newOids',
        args: [NEW_OIDS_BATCH],
        reply: 'sync',
      }));
    }
    if (this.oids.length === 0) this.oids = this.takeRefill().reverse();
    return this.oids.pop()!;
  }

  /**
   * The refill's oids. A refill that failed (sent before a disconnection,
   * say) is asked for again at once, so only a present failure is thrown.
   */
  private takeRefill(): Oid[] {
    const refill = this.refill;
    this.refill = undefined;
    let reply: unknown;
    try {
      reply = refill === undefined ? undefined : this.bridge.finishCall(refill);
    } catch {
      reply = undefined;
    }
    reply ??= this.bridge.callMethod('newOids', [NEW_OIDS_BATCH]);
    return wireOids(reply, 'newOids reply', NEW_OIDS_BATCH);
  }
}
