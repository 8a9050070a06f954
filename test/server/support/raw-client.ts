/**
 * A minimal protocol client for the server tests, built only on
 * src/protocol: real sockets, raw frames, replies matched by id, server
 * notifications recorded in arrival order.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { readTid, type Tid } from '../../../src/ids.js';
import { decodeMessage, encodeMessage, encodeMessageFrame } from '../../../src/protocol/codec.js';
import { FrameDecoder } from '../../../src/protocol/frame.js';
import { errorFromWire } from '../../../src/protocol/wire-errors.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/limits.js';
import type { ServerAddress } from '../../../src/server/listen-address.js';

export type Frame = unknown[];

export interface ConnectOptions {
  readonly ca?: string;
}

export class RawClient {
  /** Every frame received, in order. */
  readonly frames: Frame[] = [];
  private readonly pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  private nextId = 1;
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;
  isClosed = false;

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const payload of decoder.push(chunk)) this.receive(decodeMessage(payload) as Frame);
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true;
        for (const p of this.pending.values()) p.reject(new Error('connection closed'));
        this.pending.clear();
        this.wake();
        resolve();
      }),
    );
  }

  static connect(address: ServerAddress, options: ConnectOptions = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      let socket: net.Socket;
      const target =
        address.kind === 'unix'
          ? { path: address.path }
          : { host: address.host, port: address.port };
      if (address.tls) {
        socket = tls.connect(
          { ...target, ca: options.ca, servername: 'localhost' } as tls.ConnectionOptions,
          () => resolve(client),
        );
      } else {
        socket = net.connect(target as net.NetConnectOpts, () => resolve(client));
      }
      const client = new RawClient(socket);
      socket.once('error', reject);
    });
  }

  private receive(frame: Frame): void {
    this.frames.push(frame);
    if (frame[0] === 1 || frame[0] === 2) {
      const waiter = this.pending.get(frame[1] as number);
      this.pending.delete(frame[1] as number);
      if (frame[0] === 1) waiter?.resolve(frame[2]);
      else waiter?.reject(errorFromWire(frame[2]));
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Sends a request and resolves with its raw result (rejects with the rebuilt error). */
  request(method: string, args: unknown[]): Promise<any> {
    const id = this.nextId++;
    const promise = new Promise<any>((resolve, reject) =>
      this.pending.set(id, { resolve, reject }),
    );
    this.socket.write(encodeMessageFrame([0, id, method, args]));
    return promise;
  }

  /** Sends a notification. */
  notify(method: string, args: unknown[]): void {
    this.socket.write(encodeMessageFrame([3, method, args]));
  }

  /** Writes raw bytes. */
  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Writes a frame whose payload is `value` encoded as is. */
  writePayload(value: unknown): void {
    const payload = encodeMessage(value);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(payload.length);
    this.socket.write(Buffer.concat([header, payload]));
  }

  /** Server notifications named `method`, in order. */
  notifications(method: string): unknown[][] {
    return this.frames.filter((f) => f[0] === 3 && f[1] === method).map((f) => f[2] as unknown[]);
  }

  /** Resolves when `predicate` holds (checked after each frame), or rejects if the connection closes first. */
  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) {
      if (this.isClosed) throw new Error('connection closed while waiting');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Registers on `storage` (default "1") with a cold cache. */
  register(fields: Record<string, unknown> = {}): Promise<any> {
    return this.request('register', [
      { protocol: PROTOCOL_VERSION, storage: '1', readOnly: false, lastTid: null, ...fields },
    ]);
  }

  close(): Promise<void> {
    this.socket.end();
    return this.closed;
  }
}

/** A tid from its wire form. */
export function tidOf(value: unknown): Tid {
  return readTid(value as Uint8Array, 0);
}

export const META = { user: 'tester', description: 'test', extension: {} };

/** Begins, stores, votes and finishes one transaction; resolves with its tid. */
export async function commit(
  client: RawClient,
  txnId: number,
  stores: [oid: number, oldSerial: bigint, data: Uint8Array][],
): Promise<bigint> {
  client.notify('tpcBegin', [txnId, META, null]);
  for (const [oid, oldSerial, data] of stores)
    client.notify('store', [txnId, oid, oldSerial, data]);
  const vote = await client.request('vote', [txnId]);
  if (vote.conflicts.length > 0)
    throw new Error(`unexpected conflicts: ${JSON.stringify(vote.conflicts)}`);
  return tidOf(await client.request('tpcFinish', [txnId]));
}

export function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}
