/**
 * The main-thread end of the synchronous bridge (DESIGN.md, "Reads are
 * synchronous"): starts the network worker, sends it requests, and either
 * blocks in `Atomics.wait` until the reply is on the sync port or returns a
 * promise settled from the async port.
 *
 * Async-port messages are handled in the order the worker posted them,
 * whether they arrive through the event loop or through {@link drain}
 * (which reads them synchronously with `receiveMessageOnPort`).
 *
 * @internal
 * @module
 */

import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { ClientDisconnectedError, ProtocolError } from '../errors.js';
import { decodeMessage } from '../protocol/codec.js';
import { readEnvelope } from '../protocol/envelope.js';
import { errorFromWire } from '../protocol/wire-errors.js';
import type { Oid, Tid } from '../ids.js';
import { FrameBatch } from '../protocol/frame-batch.js';
import { NOTIFY_BATCH_BYTES, NOTIFY_BATCH_CAPACITY_BYTES, NOTIFY_BATCH_COUNT } from './limits.js';
import { workerScriptUrl } from '../protocol/worker-url.js';
import {
  SIGNAL_DEAD,
  SIGNAL_REPLIES,
  SIGNAL_SLOTS,
  type AsyncMessage,
  type FramesMessage,
  type LinkMessage,
  type ReplyMessage,
  type ToWorker,
  type WireErrorValue,
  type WorkerConfig,
} from './bridge-messages.js';

/** How long one `Atomics.wait` sleeps before re-checking that the worker is alive, in milliseconds. */
const WAIT_SLICE_MS = 1000;
/** How long `close()` waits for the worker to close its socket, in milliseconds. */
const CLOSE_WAIT_MS = 2000;

/** What the bridge hands to its owner: notifications and connection events. */
export type EventHandler = (message: AsyncMessage) => void;

/** Turns a wire error into the error to throw. */
export type ErrorDecoder = (error: WireErrorValue) => Error;

/** An outstanding asynchronous request. */
interface Pending {
  /** Runs synchronously when the reply is handled; its value settles the promise. */
  readonly onResult: (result: unknown) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** Options of {@link WorkerBridge.request}. */
export interface RequestOptions {
  readonly txnId?: number;
  /** Applied to the result inside the async-port handler, in stream order. */
  readonly onResult?: (result: unknown) => unknown;
}

type ConfigWithoutChannels = Omit<WorkerConfig, 'signal' | 'syncPort' | 'asyncPort'>;

/** The worker thread shared by every client storage of this process. */
interface SharedWorker {
  readonly worker: Worker;
  /** Its open links' bridges (failed if the worker fails). */
  readonly bridges: Map<number, WorkerBridge>;
}

let shared: SharedWorker | undefined;
let nextLink = 1;

/** The process's network worker, started on first use; it never keeps the process alive. */
function sharedWorker(): SharedWorker {
  if (shared !== undefined) return shared;
  const worker = new Worker(workerScriptUrl(import.meta.url, 'client-worker'));
  worker.unref();
  const current: SharedWorker = { worker, bridges: new Map() };
  const fail = (): void => {
    if (shared === current) shared = undefined;
    for (const bridge of current.bridges.values()) bridge.workerFailed();
  };
  worker.on('error', fail);
  worker.on('exit', fail);
  shared = current;
  return current;
}

/** The main-thread side of one client storage's link in the network worker. */
export class WorkerBridge {
  private readonly shared: SharedWorker;
  private readonly link = nextLink++;
  private readonly syncPort: MessagePort;
  private readonly asyncPort: MessagePort;
  private readonly signal: Int32Array;
  private readonly pending = new Map<number, Pending>();
  /** Synchronous requests started by {@link startCall} and not finished: their early replies. */
  private readonly started = new Map<number, ReplyMessage | undefined>();
  private consumedReplies = 0;
  private nextId = 1;
  private closed = false;
  /** Commit notifications encoded and not posted yet (see {@link bufferStore}). */
  private readonly batch = new FrameBatch(NOTIFY_BATCH_CAPACITY_BYTES);
  /** The transaction of the frames in {@link batch}. */
  private batchTxnId = 0;
  /** Whether {@link batch} starts with its transaction's `tpcBegin`. */
  private batchBegins = false;

  constructor(
    config: ConfigWithoutChannels,
    private readonly onEvent: EventHandler,
    private readonly decodeError: ErrorDecoder,
  ) {
    const sync = new MessageChannel();
    const events = new MessageChannel();
    const signal = new SharedArrayBuffer(SIGNAL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    this.signal = new Int32Array(signal);
    this.syncPort = sync.port1;
    this.asyncPort = events.port1;
    this.shared = sharedWorker();
    this.shared.bridges.set(this.link, this);
    const open: LinkMessage = {
      link: this.link,
      message: {
        kind: 'open',
        config: { ...config, signal, syncPort: sync.port2, asyncPort: events.port2 },
      },
    };
    this.shared.worker.postMessage(open, [sync.port2, events.port2]);
    this.asyncPort.on('message', (message: AsyncMessage) => this.dispatch(message));
    this.asyncPort.unref();
  }

  /**
   * Sends `message` (with a fresh id and `reply: 'sync'`) and blocks until
   * the worker replies; returns the result or throws the decoded error.
   */
  call(build: (id: number) => ToWorker): unknown {
    this.checkOpen();
    const id = this.nextId++;
    this.postToWorker(build(id));
    return this.unwrap(this.waitForSyncReply(id));
  }

  /**
   * Sends `message` (with a fresh id and `reply: 'sync'`) without waiting;
   * {@link finishCall} with the id returned gets its result later, blocking
   * only if the reply has not arrived by then. Other synchronous calls made
   * in between set its reply aside.
   */
  startCall(build: (id: number) => ToWorker): number {
    this.checkOpen();
    const id = this.nextId++;
    this.started.set(id, undefined);
    this.postToWorker(build(id));
    return id;
  }

  /** The result of the call started as `id` (see {@link startCall}), or throws its decoded error. */
  finishCall(id: number): unknown {
    if (!this.started.has(id)) throw new RangeError(`no call ${id} was started`);
    const early = this.started.get(id);
    this.started.delete(id);
    if (early !== undefined) return this.unwrap(early);
    this.checkOpen();
    return this.unwrap(this.waitForSyncReply(id));
  }

  /** A synchronous request of `method`. */
  callMethod(method: string, args: readonly unknown[]): unknown {
    return this.call((id) => ({ kind: 'request', id, method, args, reply: 'sync' }));
  }

  /** An asynchronous request of `method`; settles from the async port. */
  request(
    method: string,
    args: readonly unknown[],
    options: RequestOptions = {},
  ): Promise<unknown> {
    return this.post(
      (id) =>
        options.txnId === undefined
          ? { kind: 'request', id, method, args, reply: 'async' }
          : { kind: 'request', id, method, args, reply: 'async', txnId: options.txnId },
      options.onResult,
    );
  }

  /** Sends a message that expects an async reply (`awaitConnection`, `fetchBlob`, requests). */
  post(
    build: (id: number) => ToWorker,
    onResult: (result: unknown) => unknown = (r) => r,
  ): Promise<unknown> {
    if (this.closed) return Promise.reject(this.closedError());
    const id = this.nextId++;
    const promise = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { onResult, resolve, reject });
    });
    if (this.pending.size === 1) this.asyncPort.ref();
    this.postToWorker(build(id));
    return promise;
  }

  /** Sends a message that has no reply (notifications, `sendBlob`). */
  send(message: ToWorker): void {
    this.checkOpen();
    this.postToWorker(message);
  }

  /**
   * Queues the `store` notification of transaction `txnId` as an encoded
   * frame. Frames are posted together, as one transferred buffer, once
   * {@link NOTIFY_BATCH_COUNT} frames or {@link NOTIFY_BATCH_BYTES} bytes
   * are reached, and in any case before the next message to the worker, so
   * the worker sees every message in call order.
   */
  bufferStore(txnId: number, oid: Oid, oldSerial: Tid, data: Uint8Array): void {
    this.checkOpen();
    this.useBatchFor(txnId);
    this.batch.appendStore(txnId, oid, oldSerial, data);
    this.flushIfFull();
  }

  /**
   * Queues notification `[3, method, args]` of transaction `txnId` like
   * {@link bufferStore}; `begins` marks the transaction's `tpcBegin`.
   */
  bufferNotification(
    txnId: number,
    method: string,
    args: readonly unknown[],
    begins = false,
  ): void {
    this.checkOpen();
    this.useBatchFor(txnId);
    if (begins) this.batchBegins = true;
    this.batch.appendMessage([3, method, args]);
    this.flushIfFull();
  }

  /** Posts the buffered frames, if any, in one message (their buffer is transferred). */
  flush(): void {
    const frames = this.takeFrames();
    if (frames === undefined) return;
    const envelope: LinkMessage = { link: this.link, message: frames };
    this.shared.worker.postMessage(envelope, [frames.frames.buffer as ArrayBuffer]);
  }

  private takeFrames(): FramesMessage | undefined {
    const frames = this.batch.take();
    if (frames === undefined) return undefined;
    const begins = this.batchBegins;
    this.batchBegins = false;
    return { kind: 'frames', txnId: this.batchTxnId, frames, begins };
  }

  /** A batch holds one transaction's frames: another transaction's flush the batch first. */
  private useBatchFor(txnId: number): void {
    if (txnId !== this.batchTxnId) {
      this.flush();
      this.batchTxnId = txnId;
    }
  }

  private flushIfFull(): void {
    if (this.batch.count >= NOTIFY_BATCH_COUNT || this.batch.byteLength >= NOTIFY_BATCH_BYTES) {
      this.flush();
    }
  }

  /** Handles, synchronously and in order, every async-port message already posted. */
  drain(): void {
    for (;;) {
      const received = receiveMessageOnPort(this.asyncPort);
      if (received === undefined) return;
      this.dispatch(received.message as AsyncMessage);
    }
  }

  /** Closes the worker's connection and stops the worker; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    const closing = this.post(() => ({ kind: 'close' }));
    this.closed = true;
    const timer = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref());
    await Promise.race([closing.catch(() => undefined), timer]);
    this.drain();
    this.shared.bridges.delete(this.link);
    this.asyncPort.close();
    this.syncPort.close();
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(this.closedError());
    }
  }

  /**
   * @internal The network worker died: wake a blocked caller and fail every
   * outstanding request with ClientDisconnectedError.
   */
  workerFailed(): void {
    Atomics.store(this.signal, SIGNAL_DEAD, 1);
    Atomics.notify(this.signal, SIGNAL_REPLIES);
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(new ClientDisconnectedError('the client network worker thread failed'));
    }
    this.asyncPort.unref();
  }

  /** Posts `message`, carrying the buffered frames along (they are handled first). */
  private postToWorker(message: ToWorker): void {
    const before = this.takeFrames();
    if (before === undefined) {
      const envelope: LinkMessage = { link: this.link, message };
      this.shared.worker.postMessage(envelope);
      return;
    }
    const envelope: LinkMessage = { link: this.link, message, before };
    this.shared.worker.postMessage(envelope, [before.frames.buffer as ArrayBuffer]);
  }

  private dispatch(message: AsyncMessage): void {
    if (message.kind === 'closed') {
      this.settleAll();
      return;
    }
    if (message.kind !== 'reply') {
      this.onEvent(message);
      return;
    }
    this.settle(message);
  }

  private settle(message: ReplyMessage): void {
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.asyncPort.unref();
    try {
      pending.resolve(pending.onResult(this.unwrap(message)));
    } catch (error) {
      pending.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The result a reply carries, or throws the error it carries. */
  private unwrap(reply: ReplyMessage): unknown {
    if (reply.error !== undefined) throw this.decodeError(reply.error);
    if (reply.payload === undefined) return reply.result;
    const envelope = readEnvelope(decodeMessage(reply.payload));
    if (envelope.kind === 1) return envelope.result;
    if (envelope.kind === 2) throw errorFromWire(envelope.error);
    throw new ProtocolError(`a reply frame of kind ${envelope.kind} is not a reply`);
  }

  private settleAll(): void {
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.resolve(null);
    }
    this.asyncPort.unref();
  }

  private waitForSyncReply(id: number): ReplyMessage {
    for (;;) {
      const received = receiveMessageOnPort(this.syncPort);
      if (received !== undefined) {
        this.consumedReplies = (this.consumedReplies + 1) | 0;
        const reply = received.message as ReplyMessage;
        if (reply.id === id) return reply;
        if (this.started.has(reply.id)) this.started.set(reply.id, reply);
        continue; // else a late reply to an earlier request that gave up
      }
      if (Atomics.load(this.signal, SIGNAL_DEAD) !== 0) {
        throw new ClientDisconnectedError('the client storage worker thread failed');
      }
      const posted = Atomics.load(this.signal, SIGNAL_REPLIES);
      // Posted but not visible yet on the port: sleep a little and look again.
      // Otherwise sleep until the worker notifies (re-checking liveness).
      if (posted !== this.consumedReplies) Atomics.wait(this.signal, SIGNAL_REPLIES, posted, 1);
      else Atomics.wait(this.signal, SIGNAL_REPLIES, posted, WAIT_SLICE_MS);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw this.closedError();
  }

  private closedError(): Error {
    return new ClientDisconnectedError('the client storage is closed');
  }
}
