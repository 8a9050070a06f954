/**
 * One client connection: the handshake (`hello`, `register` with
 * authentication and cache verification), the dispatch of every request
 * and notification of PROTOCOL.md after narrowing its arguments, and the
 * refusal of anything malformed or out of order (logged; that connection
 * closed, others unaffected).
 *
 * @module
 */

import type { Socket } from 'node:net';
import {
  AuthenticationError,
  ProtocolError,
  ReadOnlyError,
  StorageError,
  ZODBError,
} from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import { PROTOCOL_VERSION } from '../protocol/limits.js';
import type {
  ClientNotificationMethod,
  HelloInfo,
  RegisterArgs,
  RegisterReply,
  RequestMethod,
} from '../protocol/messages.js';
import { decodeMessage } from '../protocol/codec.js';
import { readEnvelope } from '../protocol/envelope.js';
import { readStorePayload } from '../protocol/store-payload.js';
import {
  isClientNotificationMethod,
  isRequestMethod,
  parseClientNotificationArgs,
  parseRequestArgs,
} from '../protocol/request-args.js';
import { errorToWire } from '../protocol/wire-errors.js';
import type { Authenticator } from './authentication.js';
import { Committer } from './committer.js';
import { FrameChannel } from './frame-channel.js';
import { ASYNC_REQUESTS_PER_CONNECTION_MAX } from './limits.js';
import { ConnectionIterators } from './iteration.js';
import type { PendingTransaction } from './pending-transaction.js';
import { REPLIED, type RequestContext, REQUEST_HANDLERS } from './request-handlers.js';
import { NOTIFICATION_HANDLERS, type NotificationContext } from './notification-handlers.js';
import type { InvalidationTarget, ServedStorage } from './served-storage.js';
import type { ServerLog } from './server-log.js';
import { storageSupports } from './storage-capabilities.js';

/** What a session needs from its server. */
export interface SessionHost {
  readonly log: ServerLog;
  readonly authenticator: Authenticator;
  readonly storages: ReadonlyMap<string, ServedStorage>;
  readonly hello: HelloInfo;
  readonly maxFrameBytes: number;
  readonly transactionTimeoutMs: number;
  readonly registerTimeoutMs: number;
  sessionClosed(session: Session): void;
}

/** The state of a registered session. */
export interface Registration {
  readonly served: ServedStorage;
  readonly readOnly: boolean;
  readonly committer: Committer;
  readonly iterators: ConnectionIterators;
  readonly client: string;
  readonly user: string;
}

/** One connection. */
export class Session implements InvalidationTarget {
  private readonly channel: FrameChannel;
  private registration: Registration | undefined;
  /** What notification handlers get, once registered. */
  private notificationContext: NotificationContext | undefined;
  private registering = false;
  /** Transactions begun and not ended, by the client's txnId. */
  readonly transactions = new Map<number, PendingTransaction>();
  /** Errors of pipelined messages naming no open transaction, reported at that txnId's vote. */
  readonly orphanErrors = new Map<number, Error>();
  private cleanup: Promise<void> | undefined;
  private readonly registerTimer: NodeJS.Timeout;
  private asyncRequests = 0;
  private closeWaiters: (() => void)[] = [];

  constructor(
    socket: Socket,
    private readonly host: SessionHost,
    readonly peer: string,
  ) {
    this.channel = new FrameChannel(socket, host.maxFrameBytes, {
      onPayload: (payload) => this.receive(payload),
      onFramingError: (error) => this.refuse(error),
      onClose: () => void this.closed(),
      onWriteBackpressure: (bytes) =>
        host.log.warn('client does not read its replies; pausing its requests', {
          peer,
          bufferedBytes: bytes,
        }),
    });
    host.log.info('client connected', { peer });
    this.channel.send([3, 'hello', [host.hello]]);
    this.registerTimer = setTimeout(() => {
      if (this.registration === undefined) {
        this.refuse(new AuthenticationError(`no register within ${host.registerTimeoutMs} ms`));
      }
    }, host.registerTimeoutMs);
    this.registerTimer.unref();
  }

  /** The registration, once `register` succeeded. */
  get registered(): Registration | undefined {
    return this.registration;
  }

  /** InvalidationTarget: writes `invalidate` for a transaction committed elsewhere. */
  sendInvalidation(tid: Tid, oids: readonly Oid[]): void {
    this.channel.send([3, 'invalidate', [tid, oids]]);
  }

  /** Sends a notification. */
  notify(method: string, args: readonly unknown[]): void {
    this.channel.send([3, method, args]);
  }

  /** Writes the reply to request `id`. */
  reply(id: number, result: unknown): void {
    this.channel.send([1, id, result]);
  }

  /** InvalidationTarget: closes the connection, logging why. */
  disconnect(reason: string): void {
    if (this.channel.closed) return;
    this.host.log.warn('closing connection', { peer: this.peer, reason });
    this.channel.close();
  }

  /** Refuses a protocol violation: logged, an `error` notification (best effort), connection closed. */
  refuse(error: Error): void {
    if (this.channel.closed) return;
    this.host.log.warn('protocol error', { peer: this.peer, reason: error.message });
    this.channel.send([3, 'error', [errorToWire(error)]]);
    this.channel.close();
  }

  private receive(payload: Buffer): void {
    try {
      // The bulk of a commit: stores, read straight from their bytes.
      const context = this.notificationContext;
      const store = context === undefined ? undefined : readStorePayload(payload);
      if (store !== undefined) return NOTIFICATION_HANDLERS.store(context!, store);
      const envelope = readEnvelope(decodeMessage(payload));
      if (envelope.kind === 0) this.request(envelope.id, envelope.method, envelope.args);
      else if (envelope.kind === 3) this.notification(envelope.method, envelope.args);
      else throw new ProtocolError('a client may not send replies');
    } catch (error) {
      this.refuse(error instanceof Error ? error : new ProtocolError(String(error)));
    }
  }

  private request(id: number, method: string, rawArgs: readonly unknown[]): void {
    if (!isRequestMethod(method))
      return this.failRequest(id, new ProtocolError(`unknown request method "${method}"`), true);
    if (method !== 'register' && this.registration === undefined) {
      return this.failRequest(
        id,
        new AuthenticationError(`request ${method} before a successful register`),
        true,
      );
    }
    let args: unknown[];
    try {
      args = parseRequestArgs(method, rawArgs);
    } catch (error) {
      return this.failRequest(id, error as Error, true);
    }
    if (method === 'register') {
      void this.register(id, args[0] as RegisterArgs);
      return;
    }
    this.run(id, method, args);
  }

  private run(id: number, method: Exclude<RequestMethod, 'register'>, args: unknown[]): void {
    const context: RequestContext = { session: this, registration: this.registration!, id };
    let result: unknown;
    try {
      result = REQUEST_HANDLERS[method](context, args as never);
    } catch (error) {
      return this.failRequest(id, error, error instanceof ProtocolError);
    }
    if (result instanceof Promise) {
      if (++this.asyncRequests === ASYNC_REQUESTS_PER_CONNECTION_MAX) this.channel.hold('requests');
      const settled = (): void => {
        if (this.asyncRequests-- === ASYNC_REQUESTS_PER_CONNECTION_MAX) {
          this.channel.release('requests');
        }
      };
      result.then(
        (value: unknown) => {
          settled();
          if (value !== REPLIED) this.reply(id, value);
        },
        (error: unknown) => {
          settled();
          this.failRequest(id, error, error instanceof ProtocolError);
        },
      );
    } else if (result !== REPLIED) this.reply(id, result);
  }

  /** Writes an error reply; a protocol violation also closes the connection. */
  failRequest(id: number, error: unknown, close = false): void {
    this.channel.send([2, id, errorToWire(error)]);
    if (close) {
      const reason = error instanceof Error ? error.message : String(error);
      this.host.log.warn('request refused', { peer: this.peer, reason });
      this.channel.close();
    } else if (!(error instanceof ZODBError)) {
      this.host.log.error('request failed', {
        peer: this.peer,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }

  private notification(method: string, rawArgs: readonly unknown[]): void {
    if (!isClientNotificationMethod(method))
      throw new ProtocolError(`unknown notification "${method}"`);
    if (this.registration === undefined) {
      throw new AuthenticationError(`notification ${method} before a successful register`);
    }
    const args = parseClientNotificationArgs(method as ClientNotificationMethod, rawArgs);
    NOTIFICATION_HANDLERS[method](this.notificationContext!, args as never);
  }

  private async register(id: number, args: RegisterArgs): Promise<void> {
    const log = this.host.log;
    const fields = { peer: this.peer, storage: args.storage, client: args.client };
    try {
      if (this.registration !== undefined || this.registering)
        throw new ProtocolError('register was already called');
      this.registering = true;
      if (args.protocol !== PROTOCOL_VERSION) {
        throw new ProtocolError(
          `protocol "${args.protocol}" is not spoken here; this server speaks ${PROTOCOL_VERSION}`,
        );
      }
      const user = await this.host.authenticator.check(args);
      const served = this.host.storages.get(args.storage);
      if (served === undefined) {
        throw new StorageError(
          `no storage named "${args.storage}"; this server serves ${[...this.host.storages.keys()].map((n) => `"${n}"`).join(', ')}`,
        );
      }
      if (served.readOnly && !args.readOnly)
        throw new ReadOnlyError(`storage "${args.storage}" is served read-only`);
      if (this.channel.closed) return;
      clearTimeout(this.registerTimer);
      this.reply(id, this.admit(served, args, user));
      log.info('client registered', {
        ...fields,
        user: user === '' ? undefined : user,
        readOnly: args.readOnly || served.readOnly,
      });
    } catch (error) {
      log.warn('register refused', {
        ...fields,
        reason: error instanceof Error ? error.message : String(error),
      });
      this.channel.send([2, id, errorToWire(error)]);
      this.channel.close();
    }
  }

  /** Registers on `served` and builds the reply, in one synchronous step with the fan-out. */
  private admit(served: ServedStorage, args: RegisterArgs, user: string): RegisterReply {
    const readOnly = args.readOnly || served.readOnly;
    this.registration = {
      served,
      readOnly,
      committer: new Committer(served, this, this.host.transactionTimeoutMs, (txn) =>
        this.transactionTimedOut(txn),
      ),
      iterators: new ConnectionIterators(served.storage),
      client: args.client ?? '',
      user,
    };
    this.notificationContext = { session: this, registration: this.registration };
    served.targets.add(this);
    const storage = served.storage;
    const lastTid = storage.lastTransaction();
    const verdict = served.recent.verify(args.lastTid, lastTid);
    const blobDir = (storage as { blobDir?: unknown }).blobDir;
    return {
      lastTid,
      readOnly,
      name: served.name,
      supports: storageSupports(storage),
      size: storage.getSize(),
      objectCount: storage.objectCount(),
      blobDir: typeof blobDir === 'string' ? blobDir : null,
      cache: verdict.cache,
      missed: verdict.missed,
    };
  }

  private transactionTimedOut(txn: PendingTransaction): void {
    const registration = this.registration;
    if (registration === undefined) return;
    this.host.log.warn('transaction timed out holding the commit lock; aborting it', {
      peer: this.peer,
      storage: registration.served.name,
      txn: txn.txnId,
    });
    this.transactions.delete(txn.txnId);
    void this.abortQuietly(registration, txn);
    this.channel.close();
  }

  /** The socket closed: aborts open transactions (releasing the lock), closes iterators, unregisters. */
  private closed(): Promise<void> {
    this.cleanup ??= this.cleanUp();
    return this.cleanup;
  }

  private async cleanUp(): Promise<void> {
    clearTimeout(this.registerTimer);
    const registration = this.registration;
    this.host.log.info('client disconnected', {
      peer: this.peer,
      storage: registration?.served.name,
    });
    try {
      if (registration !== undefined) {
        registration.served.targets.delete(this);
        registration.iterators.closeAll();
        const open = [...this.transactions.values()];
        this.transactions.clear();
        for (const txn of open) await this.abortQuietly(registration, txn);
      }
    } finally {
      this.host.sessionClosed(this);
      for (const wake of this.closeWaiters) wake();
      this.closeWaiters = [];
    }
  }

  /** Aborts `txn`, logging (never throwing) a failure. */
  private async abortQuietly(registration: Registration, txn: PendingTransaction): Promise<void> {
    try {
      await registration.committer.abort(txn);
    } catch (error) {
      this.host.log.error('aborting a transaction failed', {
        peer: this.peer,
        txn: txn.txnId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Closes the connection (server shutdown) and resolves when its cleanup is done. */
  closeAndWait(): Promise<void> {
    const done = this.cleanup ?? new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    this.channel.close();
    return done;
  }
}
