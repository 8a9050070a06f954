/**
 * The messages between client storages (main thread) and the network
 * worker thread they share; each storage has its own link (id, ports and
 * signal array) in it. Values of the wire protocol travel as the codec decodes
 * them (tids as 8-byte arrays); the main thread converts them.
 *
 * The worker has three channels to the main thread:
 * - the **sync port**: replies to synchronous requests; after posting one
 *   the worker increments `signal[SIGNAL_REPLIES]` and notifies it, and the
 *   main thread, blocked in `Atomics.wait`, reads the port with
 *   `receiveMessageOnPort`;
 * - the **async port**: replies to asynchronous requests, server
 *   notifications and connection events, in the order the worker saw them;
 * - `signal[SIGNAL_DEAD]`, set when the worker fails unexpectedly so that a
 *   blocked main thread stops waiting.
 *
 * @internal
 * @module
 */

import type { MessagePort } from 'node:worker_threads';

/** Index in the signal array of the count of replies posted to the sync port. */
export const SIGNAL_REPLIES = 0;
/** Index in the signal array of the "worker failed" flag. */
export const SIGNAL_DEAD = 1;
/** Length of the signal array (Int32 slots). */
export const SIGNAL_SLOTS = 2;

/** A server address: TCP host and port, or a Unix socket path. */
export type ServerAddress =
  { readonly host: string; readonly port: number } | { readonly path: string };

/** TLS settings of the client (Node's `tls.connect` options of the same names). */
export interface ClientTlsOptions {
  /** CA certificates (PEM) the server's certificate must chain to; the system store when absent. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** A PEM file of CA certificates, read at each connection (used when `ca` is absent). */
  readonly caFile?: string;
  /** Whether to refuse a server whose certificate does not verify (default true). */
  readonly rejectUnauthorized?: boolean;
  /** The name to verify the certificate against (default: the host). */
  readonly servername?: string;
}

/** Everything the worker needs to connect one client storage (sent with the `open` message). */
export interface WorkerConfig {
  readonly addresses: readonly ServerAddress[];
  readonly storage: string;
  readonly readOnly: boolean;
  readonly readOnlyFallback: boolean;
  readonly token: string | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly tls: ClientTlsOptions | undefined;
  /** The last transaction the client's cache knows (8 bytes), or null for a cold cache. */
  readonly lastTid: Uint8Array | null;
  readonly waitTimeoutMs: number;
  readonly maxFrameBytes: number;
  readonly clientLabel: string;
  readonly signal: SharedArrayBuffer;
  readonly syncPort: MessagePort;
  readonly asyncPort: MessagePort;
}

/**
 * A message to the shared worker: `message` for the link `link`, after
 * `before` (the frames encoded on the main thread since the last message,
 * carried along instead of posted on their own).
 */
export interface LinkMessage {
  readonly link: number;
  readonly message: ToWorker;
  readonly before?: FramesMessage;
}

/**
 * Encoded notification frames of transaction `txnId`, in order, written
 * to the socket with one write (dropped like its other notifications once
 * the transaction is lost). `frames` is a transferred buffer; `begins`
 * says that they start with the transaction's `tpcBegin`.
 */
export interface FramesMessage {
  readonly kind: 'frames';
  readonly txnId: number;
  readonly frames: Uint8Array;
  readonly begins: boolean;
}

/** A notification of a transaction in progress (`store`, `tpcBegin`, ...). */
export interface NotifyMessage {
  readonly kind: 'notify';
  readonly method: string;
  readonly args: readonly unknown[];
  readonly txnId: number;
}

/** Which channel a request's reply goes to. */
export type ReplyChannel = 'sync' | 'async';

/**
 * Messages from the main thread to the worker, for one client storage's
 * link (one worker thread serves every client storage of a process).
 */
export type ToWorker =
  /** Creates the link and starts connecting. */
  | { readonly kind: 'open'; readonly config: WorkerConfig }
  | {
      readonly kind: 'request';
      readonly id: number;
      readonly method: string;
      readonly args: readonly unknown[];
      readonly reply: ReplyChannel;
      /** The transaction this request belongs to (vote, tpcFinish, tpcAbort, undo). */
      readonly txnId?: number;
    }
  | NotifyMessage
  | FramesMessage
  /** Replies `null` once registered with the server (or an error after the wait timeout). */
  | { readonly kind: 'awaitConnection'; readonly id: number; readonly reply: ReplyChannel }
  /** Streams the file at `path` as `blobChunk` notifications of `txnId`/`blobId`. */
  | {
      readonly kind: 'sendBlob';
      readonly txnId: number;
      readonly blobId: number;
      readonly path: string;
    }
  /** Fetches a blob with `blobSize`/`blobRead` into `target` (temporary file, then rename); replies `target`. */
  | {
      readonly kind: 'fetchBlob';
      readonly id: number;
      readonly oid: number;
      readonly serial: Uint8Array;
      readonly target: string;
      readonly reply: ReplyChannel;
    }
  | { readonly kind: 'close' };

/** An error as the protocol carries it (`{ type, message, details }`). */
export interface WireErrorValue {
  readonly type: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * A reply to a request, on either port: the server's reply frame
 * (`payload`, decoded by the main thread), a value the worker produced
 * itself (`result`), or an error the worker produced (`error`).
 */
export interface ReplyMessage {
  readonly kind: 'reply';
  readonly id: number;
  readonly payload?: Uint8Array;
  readonly result?: unknown;
  readonly error?: WireErrorValue;
}

/** Messages on the async port. */
export type AsyncMessage =
  | ReplyMessage
  /** A server notification frame (`[3, method, args]`). */
  | { readonly kind: 'notification'; readonly payload: Uint8Array }
  /** Registered with the server; `payload` is the `register` reply frame. */
  | { readonly kind: 'connected'; readonly address: string; readonly payload: Uint8Array }
  | { readonly kind: 'disconnected'; readonly address: string; readonly reason: string }
  | { readonly kind: 'closed' };

/** The error type the worker uses for its own "no connection" failures. */
export const DISCONNECTED_ERROR_TYPE = 'ClientDisconnectedError';

/** Formats an address for messages and logs. */
export function describeAddress(address: ServerAddress): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`;
}
