/**
 * One connection's byte stream as frames: incoming chunks cut into
 * payloads, outgoing messages encoded and written in order, and a close
 * that flushes what was written first.
 *
 * Backpressure: received payloads wait in a queue and are handled only
 * while nothing holds the channel. A socket whose write buffer is over
 * {@link WRITE_BUFFER_BYTES_MAX} holds it until the socket drains (so a
 * client that sends requests without reading replies cannot make the
 * server buffer without bound); the owner may hold it for its own reasons
 * (too many requests in flight). While held, the socket is not read.
 *
 * @module
 */

import type { Socket } from 'node:net';
import { encodeMessageFrame } from '../protocol/codec.js';
import { FrameDecoder } from '../protocol/frame.js';
import { CLOSE_FLUSH_MS, WRITE_BUFFER_BYTES_MAX } from './limits.js';

/** What the channel reports. */
export interface FrameChannelHandlers {
  /** A complete payload is to be handled. */
  onPayload(payload: Buffer): void;
  /** The stream broke the framing rules (the channel stops reading). */
  onFramingError(error: Error): void;
  /** The socket closed (either side). */
  onClose(): void;
  /** The peer does not read: its write buffer passed the limit and reading stops until it drains. */
  onWriteBackpressure?(bufferedBytes: number): void;
}

/** Why a channel is held. */
export type HoldReason = 'writes' | 'requests';

/** A socket carrying frames. */
export class FrameChannel {
  private readonly decoder: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private readonly holds = new Set<HoldReason>();
  private closing = false;
  private closedFlag = false;

  constructor(
    private readonly socket: Socket,
    maxFrameBytes: number,
    private readonly handlers: FrameChannelHandlers,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.release('writes'));
    socket.on('error', () => {
      /* reported by 'close' */
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.queue.length = 0;
      handlers.onClose();
    });
  }

  /** True once the socket has closed or a close was asked for. */
  get closed(): boolean {
    return this.closing || this.closedFlag;
  }

  /** Encodes and writes one message (dropped silently once closing). */
  send(message: unknown): void {
    if (this.closed) return;
    this.socket.write(encodeMessageFrame(message));
    if (!this.holds.has('writes') && this.socket.writableLength > WRITE_BUFFER_BYTES_MAX) {
      this.handlers.onWriteBackpressure?.(this.socket.writableLength);
      this.hold('writes');
    }
  }

  /** Stops handling payloads (and reading the socket) until {@link release} of the same reason. */
  hold(reason: HoldReason): void {
    this.holds.add(reason);
    this.socket.pause();
  }

  /** Ends a {@link hold}; handling resumes when no hold remains. */
  release(reason: HoldReason): void {
    if (!this.holds.delete(reason) || this.holds.size > 0 || this.closing) return;
    this.drain();
    if (this.holds.size === 0 && !this.closing) this.socket.resume();
  }

  /** Flushes what was written, then closes; destroys the socket if the peer does not read it in time. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.queue.length = 0;
    this.socket.pause();
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_FLUSH_MS);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
  }

  private receive(chunk: Buffer): void {
    if (this.closing) return;
    try {
      for (const payload of this.decoder.push(chunk)) this.queue.push(payload);
    } catch (error) {
      this.drain();
      this.handlers.onFramingError(error as Error);
      return;
    }
    this.drain();
  }

  private drain(): void {
    while (this.queue.length > 0 && this.holds.size === 0 && !this.closing) {
      this.handlers.onPayload(this.queue.shift()!);
    }
  }
}
