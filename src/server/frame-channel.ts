/**
 * One connection's byte stream as frames: incoming chunks cut into
 * payloads, outgoing messages encoded and written in order, reading paused
 * while the socket's write buffer is over {@link WRITE_BUFFER_BYTES_MAX}
 * (backpressure), and a close that flushes what was written first.
 *
 * @module
 */

import type { Socket } from 'node:net';
import { encodeMessageFrame } from '../protocol/codec.js';
import { FrameDecoder } from '../protocol/frame.js';
import { CLOSE_FLUSH_MS, WRITE_BUFFER_BYTES_MAX } from './limits.js';

/** What the channel reports. */
export interface FrameChannelHandlers {
  /** A complete payload arrived. */
  onPayload(payload: Buffer): void;
  /** The stream broke the framing rules (the channel stops reading). */
  onFramingError(error: Error): void;
  /** The socket closed (either side). */
  onClose(): void;
}

/** A socket carrying frames. */
export class FrameChannel {
  private readonly decoder: FrameDecoder;
  private closing = false;
  private closedFlag = false;
  private pausedForWrites = false;

  constructor(
    private readonly socket: Socket,
    maxFrameBytes: number,
    private readonly handlers: FrameChannelHandlers,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.resumeAfterDrain());
    socket.on('error', () => {
      /* reported by 'close' */
    });
    socket.on('close', () => {
      this.closedFlag = true;
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
    if (!this.pausedForWrites && this.socket.writableLength > WRITE_BUFFER_BYTES_MAX) {
      this.pausedForWrites = true;
      this.socket.pause();
    }
  }

  /** Flushes what was written, then closes; destroys the socket if the peer does not read it in time. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.pause();
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_FLUSH_MS);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
  }

  private receive(chunk: Buffer): void {
    if (this.closing) return;
    let payloads: Buffer[];
    try {
      payloads = this.decoder.push(chunk);
    } catch (error) {
      this.handlers.onFramingError(error as Error);
      return;
    }
    for (const payload of payloads) {
      if (this.closing) return;
      this.handlers.onPayload(payload);
    }
  }

  private resumeAfterDrain(): void {
    if (!this.pausedForWrites || this.closing) return;
    this.pausedForWrites = false;
    this.socket.resume();
  }
}
