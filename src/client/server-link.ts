/**
 * The worker-thread end of a client storage: owns the socket to the server
 * (TCP, Unix socket, either over TLS), frames and routes messages, does the
 * `hello`/`register` handshake on every connection, reconnects with
 * exponential backoff and jitter, and sends a heartbeat `ping` when idle.
 *
 * Requests from the main thread that need a connection wait for one up to
 * the wait timeout, then fail with ClientDisconnectedError. When the
 * connection drops, outstanding requests fail the same way and every
 * transaction begun on it is lost: its later messages are dropped and its
 * vote fails (the application retries the transaction).
 *
 * @internal
 * @module
 */

import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { decodeMessage, encodeMessageFrame } from '../protocol/codec.js';
import { FrameDecoder } from '../protocol/frame.js';
import { PROTOCOL_VERSION } from '../protocol/limits.js';
import {
  DISCONNECTED_ERROR_TYPE,
  describeAddress,
  SIGNAL_REPLIES,
  type AsyncMessage,
  type FramesMessage,
  type ReplyChannel,
  type ReplyMessage,
  type ToWorker,
  type WireErrorValue,
  type WorkerConfig,
} from './bridge-messages.js';
import {
  HANDSHAKE_TIMEOUT_MS,
  HEARTBEAT_INTERVAL_MS,
  RECONNECT_DELAY_MS_MAX,
  RECONNECT_DELAY_MS_MIN,
} from './limits.js';
import { fetchBlobFile, sendBlobFile } from './worker-blobs.js';

/** A request sent to the server whose reply is awaited. */
type Outstanding =
  | {
      readonly kind: 'forward';
      readonly mainId: number;
      readonly channel: ReplyChannel;
      readonly method: string;
    }
  | {
      readonly kind: 'internal';
      readonly resolve: (result: unknown) => void;
      readonly reject: (error: WireErrorValue) => void;
    };

/** Something waiting for the connection. */
interface Waiter {
  readonly run: () => void;
  readonly fail: (error: WireErrorValue) => void;
  readonly timer: NodeJS.Timeout;
}

function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

function localError(
  type: string,
  message: string,
  details?: Record<string, unknown>,
): WireErrorValue {
  return details === undefined ? { type, message } : { type, message, details };
}

/** The connection manager living in the worker thread. */
export class ServerLink {
  private socket: net.Socket | undefined;
  private registered = false;
  private addressIndex = 0;
  private currentAddress: string;
  private failures = 0;
  private nextWireId = 1;
  private readonly outstanding = new Map<number, Outstanding>();
  private waiters: Waiter[] = [];
  private readonly liveTxns = new Set<number>();
  private readonly lostTxns = new Set<number>();
  private lastTid: Uint8Array | null;
  private readOnly: boolean;
  private fatal: WireErrorValue | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private awaitingPing = false;
  private heardSinceTick = false;
  /** The wire id of the pending `register` request (0: none). */
  private registerId = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;

  /**
   * @param config the link's settings and channels
   * @param onClosed called once the link has closed its connection
   */
  constructor(
    private readonly config: WorkerConfig,
    private readonly onClosed: () => void,
  ) {
    this.lastTid = config.lastTid;
    this.readOnly = config.readOnly;
    const first = config.addresses[0];
    if (first === undefined) throw new RangeError('a client storage needs a server address');
    this.currentAddress = describeAddress(first);
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS);
  }

  /** Starts connecting. */
  start(): void {
    this.connect();
  }

  /** Handles one message from the main thread. */
  handle(message: ToWorker): void {
    switch (message.kind) {
      case 'open':
        return;
      case 'request':
        this.handleRequest(message);
        return;
      case 'notify':
        this.handleNotify(message.method, message.args, message.txnId);
        return;
      case 'frames':
        this.handleFrames(message);
        return;
      case 'awaitConnection':
        this.whenConnected(
          () => this.reply(message.reply, { kind: 'reply', id: message.id, result: null }),
          (error) => this.reply(message.reply, { kind: 'reply', id: message.id, error }),
        );
        return;
      case 'sendBlob':
        this.handleSendBlob(message.txnId, message.blobId, message.path);
        return;
      case 'fetchBlob':
        this.whenConnected(
          () => {
            fetchBlobFile(message, (method, args) => this.internalRequest(method, args)).then(
              (path) => this.reply(message.reply, { kind: 'reply', id: message.id, result: path }),
              (error: WireErrorValue) =>
                this.reply(message.reply, { kind: 'reply', id: message.id, error }),
            );
          },
          (error) => this.reply(message.reply, { kind: 'reply', id: message.id, error }),
        );
        return;
      case 'close':
        this.close();
        return;
    }
  }

  private handleRequest(message: Extract<ToWorker, { kind: 'request' }>): void {
    const { id, method, args, reply, txnId } = message;
    if (txnId !== undefined && this.lostTxns.has(txnId)) {
      if (method === 'tpcAbort') {
        this.lostTxns.delete(txnId);
        this.reply(reply, { kind: 'reply', id, result: null });
      } else {
        this.reply(reply, {
          kind: 'reply',
          id,
          error: this.disconnectedError('the connection was lost during the commit'),
        });
      }
      return;
    }
    if (method === 'tpcAbort' && txnId !== undefined && !this.registered) {
      this.reply(reply, { kind: 'reply', id, result: null });
      return;
    }
    this.whenConnected(
      () => {
        const wireId = this.nextWireId++;
        this.outstanding.set(wireId, { kind: 'forward', mainId: id, channel: reply, method });
        if (method === 'tpcFinish' || method === 'tpcAbort') {
          if (txnId !== undefined) this.liveTxns.delete(txnId);
        }
        this.write([0, wireId, method, args]);
      },
      (error) => this.reply(reply, { kind: 'reply', id, error }),
    );
  }

  private handleNotify(method: string, args: readonly unknown[], txnId: number): void {
    if (this.lostTxns.has(txnId)) return;
    if (!this.registered) {
      this.lostTxns.add(txnId);
      return;
    }
    if (method === 'tpcBegin') this.liveTxns.add(txnId);
    this.write([3, method, args]);
  }

  /** Writes a run of encoded notification frames with one socket write. */
  private handleFrames({ txnId, frames, begins }: FramesMessage): void {
    if (this.lostTxns.has(txnId)) return;
    if (!this.registered) {
      this.lostTxns.add(txnId);
      return;
    }
    if (begins) this.liveTxns.add(txnId);
    this.socket?.write(frames);
  }

  private handleSendBlob(txnId: number, blobId: number, path: string): void {
    if (this.lostTxns.has(txnId)) return;
    if (!this.registered) {
      this.lostTxns.add(txnId);
      return;
    }
    try {
      sendBlobFile(path, (chunk) => this.write([3, 'blobChunk', [txnId, blobId, chunk]]));
    } catch {
      // The server reports the missing blob at vote; the transaction fails there.
      this.lostTxns.add(txnId);
    }
  }

  /** Sends a request of the worker's own (`register`, `ping`, blob reads). */
  private internalRequest(method: string, args: readonly unknown[]): Promise<unknown> {
    if (!this.registered && method !== 'register') {
      return Promise.reject(this.disconnectedError('not connected'));
    }
    return new Promise((resolve, reject) => {
      const wireId = this.nextWireId++;
      this.outstanding.set(wireId, { kind: 'internal', resolve, reject });
      this.write([0, wireId, method, args]);
    });
  }

  private whenConnected(run: () => void, fail: (error: WireErrorValue) => void): void {
    if (this.fatal !== undefined) {
      fail(this.fatal);
      return;
    }
    if (this.closed) {
      fail(this.disconnectedError('the client storage is closed'));
      return;
    }
    if (this.registered) {
      run();
      return;
    }
    const waiter: Waiter = {
      run,
      fail,
      timer: setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        fail(
          this.disconnectedError(
            `no connection to the storage server within ${this.config.waitTimeoutMs} ms`,
          ),
        );
      }, this.config.waitTimeoutMs),
    };
    this.waiters.push(waiter);
  }

  private disconnectedError(reason: string): WireErrorValue {
    const addresses = this.config.addresses.map(describeAddress).join(', ');
    return localError(DISCONNECTED_ERROR_TYPE, `${reason} (server ${addresses})`, {
      address: this.currentAddress,
    });
  }

  private reply(channel: ReplyChannel, message: ReplyMessage): void {
    if (channel === 'async') {
      this.post(message);
      return;
    }
    this.config.syncPort.postMessage(message);
    const signal = new Int32Array(this.config.signal);
    Atomics.add(signal, SIGNAL_REPLIES, 1);
    Atomics.notify(signal, SIGNAL_REPLIES);
  }

  private post(message: AsyncMessage): void {
    const transfer =
      'payload' in message && message.payload !== undefined ? [message.payload.buffer] : [];
    this.config.asyncPort.postMessage(message, transfer as ArrayBuffer[]);
  }

  private write(message: unknown): void {
    this.socket?.write(encodeMessageFrame(message));
  }

  // -------------------------------------------------------------------------
  // Connecting

  private connect(): void {
    if (this.closed || this.fatal !== undefined) return;
    const address = this.config.addresses[this.addressIndex % this.config.addresses.length]!;
    this.addressIndex++;
    this.currentAddress = describeAddress(address);
    let socket: net.Socket;
    try {
      socket = this.openSocket(address);
    } catch (error) {
      this.fail(
        localError(
          'StorageError',
          `cannot connect to ${this.currentAddress}: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
      return;
    }
    this.socket = socket;
    const decoder = new FrameDecoder(this.config.maxFrameBytes);
    const handshakeTimer = setTimeout(
      () => socket.destroy(new Error('handshake timed out')),
      HANDSHAKE_TIMEOUT_MS,
    );
    let greeted = false;
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    socket.on('data', (chunk: Buffer) => {
      this.heardSinceTick = true;
      try {
        for (const payload of decoder.push(chunk)) {
          if (!greeted) {
            greeted = true;
            this.greet(decodeMessage(payload), handshakeTimer);
          } else {
            this.receive(payload);
          }
        }
      } catch (error) {
        socket.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(handshakeTimer);
      if (this.socket === socket) this.lostConnection('the connection closed');
    });
  }

  private openSocket(address: WorkerConfig['addresses'][number]): net.Socket {
    const tlsOptions = this.config.tls;
    if (tlsOptions === undefined) {
      return 'path' in address
        ? net.connect(address.path)
        : net.connect(address.port, address.host);
    }
    const common: tls.ConnectionOptions = {
      rejectUnauthorized: tlsOptions.rejectUnauthorized ?? true,
      ...(tlsOptions.ca === undefined
        ? tlsOptions.caFile === undefined
          ? {}
          : { ca: fs.readFileSync(tlsOptions.caFile) }
        : { ca: tlsOptions.ca as tls.ConnectionOptions['ca'] }),
    };
    if ('path' in address) {
      return tls.connect({ ...common, path: address.path, servername: tlsOptions.servername });
    }
    return tls.connect({
      ...common,
      host: address.host,
      port: address.port,
      servername:
        tlsOptions.servername ?? (net.isIP(address.host) === 0 ? address.host : undefined),
    });
  }

  private greet(hello: unknown, handshakeTimer: NodeJS.Timeout): void {
    if (!isArray(hello) || hello[0] !== 3 || hello[1] !== 'hello') {
      throw new Error('the server did not greet with hello');
    }
    const register: Record<string, unknown> = {
      protocol: PROTOCOL_VERSION,
      storage: this.config.storage,
      readOnly: this.readOnly,
      lastTid: this.lastTid,
      client: this.config.clientLabel,
    };
    if (this.config.token !== undefined) register.token = this.config.token;
    if (this.config.user !== undefined) register.user = this.config.user;
    if (this.config.password !== undefined) register.password = this.config.password;
    const wireId = this.nextWireId++;
    this.registerId = wireId;
    this.handshakeTimer = handshakeTimer;
    this.write([0, wireId, 'register', [register]]);
  }

  private receive(payload: Buffer): void {
    const message = decodeMessage(payload);
    if (!isArray(message)) throw new Error('a server message is not an array');
    const kind = message[0];
    if (kind === 3) {
      if (message[1] === 'invalidate' && isArray(message[2])) this.noteTid(message[2][0]);
      this.post({ kind: 'notification', payload: new Uint8Array(payload) });
      return;
    }
    const wireId = message[1];
    if (typeof wireId !== 'number') throw new Error('a server reply has no id');
    if (wireId === this.registerId) {
      this.registerId = 0;
      this.registerReplied(kind === 1, message[2], payload);
      return;
    }
    const outstanding = this.outstanding.get(wireId);
    if (outstanding === undefined) return;
    this.outstanding.delete(wireId);
    if (outstanding.kind === 'internal') {
      if (kind === 1) outstanding.resolve(message[2]);
      else outstanding.reject(message[2] as WireErrorValue);
      return;
    }
    if (kind === 1 && outstanding.method === 'tpcFinish') this.noteTid(message[2]);
    this.reply(outstanding.channel, {
      kind: 'reply',
      id: outstanding.mainId,
      payload: new Uint8Array(payload),
    });
  }

  private registerReplied(ok: boolean, result: unknown, payload: Buffer): void {
    clearTimeout(this.handshakeTimer);
    if (!ok) {
      const error = result as WireErrorValue;
      if (error.type === 'ReadOnlyError' && this.config.readOnlyFallback && !this.readOnly) {
        this.readOnly = true;
        this.failures = 0;
        this.socket?.destroy();
        return;
      }
      this.fail(localError(error.type, error.message, error.details as Record<string, unknown>));
      this.socket?.destroy();
      return;
    }
    if (typeof result === 'object' && result !== null) {
      this.noteTid((result as Record<string, unknown>).lastTid);
    }
    this.registered = true;
    this.failures = 0;
    this.post({
      kind: 'connected',
      address: this.currentAddress,
      payload: new Uint8Array(payload),
    });
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.run();
    }
  }

  /** Stops for good: every waiter and every later request fails with `error`. */
  private fail(error: WireErrorValue): void {
    this.fatal = error;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.fail(error);
    }
  }

  private noteTid(value: unknown): void {
    if (value instanceof Uint8Array && value.length === 8) this.lastTid = new Uint8Array(value);
  }

  private lostConnection(reason: string): void {
    const wasRegistered = this.registered;
    this.registered = false;
    this.socket = undefined;
    this.registerId = 0;
    this.awaitingPing = false;
    for (const txnId of this.liveTxns) this.lostTxns.add(txnId);
    this.liveTxns.clear();
    const error = this.disconnectedError(`${reason} while waiting for a reply`);
    for (const [wireId, outstanding] of this.outstanding) {
      this.outstanding.delete(wireId);
      if (outstanding.kind === 'internal') outstanding.reject(error);
      else this.reply(outstanding.channel, { kind: 'reply', id: outstanding.mainId, error });
    }
    if (wasRegistered) {
      this.post({ kind: 'disconnected', address: this.currentAddress, reason });
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.fatal !== undefined) return;
    const base = Math.min(RECONNECT_DELAY_MS_MAX, RECONNECT_DELAY_MS_MIN * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 30);
    const delay = base * (0.5 + Math.random() * 0.5);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private beat(): void {
    if (!this.registered) return;
    if (this.awaitingPing && !this.heardSinceTick) {
      this.socket?.destroy(new Error('the server did not answer the heartbeat'));
      return;
    }
    this.heardSinceTick = false;
    if (this.awaitingPing) return;
    this.awaitingPing = true;
    this.internalRequest('ping', []).then(
      () => {
        this.awaitingPing = false;
      },
      () => undefined,
    );
  }

  private close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.reconnectTimer);
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.fail(this.disconnectedError('the client storage is closed'));
    }
    const socket = this.socket;
    this.socket = undefined;
    this.registered = false;
    const done = (): void => {
      this.post({ kind: 'closed' });
      this.config.asyncPort.close();
      this.config.syncPort.close();
      this.onClosed();
    };
    if (socket === undefined || socket.destroyed) {
      done();
      return;
    }
    socket.once('close', done);
    socket.end();
    setTimeout(() => socket.destroy(), 500).unref();
  }
}
