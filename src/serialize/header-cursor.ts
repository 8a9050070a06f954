/**
 * A reader of the few MessagePack forms the record header uses (array
 * headers, str, ext), so the header is read without msgpackr: fast, safe to
 * call from inside another decode, and precise about where a header is
 * damaged.
 *
 * @module
 */

import { MalformedRecord } from './decode-failures.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const NO_BYTES = new Uint8Array(0);

/**
 * A position in a record, advanced by each read; every failure is a
 * MalformedRecord at its offset. One cursor can serve record after record
 * ({@link HeaderCursor.reset}, {@link HeaderCursor.release}).
 */
export class HeaderCursor {
  constructor(
    public bytes: Uint8Array,
    public offset: number,
  ) {}

  /** Points this cursor at `offset` in `bytes`. */
  reset(bytes: Uint8Array, offset: number): void {
    this.bytes = bytes;
    this.offset = offset;
  }

  /** Drops the cursor's record, so it does not keep the bytes alive. */
  release(): void {
    this.bytes = NO_BYTES;
    this.offset = 0;
  }

  /** Reads an array header (fixarray, array 16, array 32) and returns the element count. */
  arrayLength(what: string): number {
    const token = this.#byte(what);
    if (token >= 0x90 && token <= 0x9f) return token & 0x0f;
    if (token === 0xdc) return this.#unsigned(2, what);
    if (token === 0xdd) return this.#unsigned(4, what);
    throw this.#unexpected(token, `an array (${what})`);
  }

  /** Reads a str (fixstr, str 8/16/32) as valid UTF-8. */
  string(what: string): string {
    const token = this.#byte(what);
    let length: number;
    if (token >= 0xa0 && token <= 0xbf) length = token & 0x1f;
    else if (token === 0xd9) length = this.#unsigned(1, what);
    else if (token === 0xda) length = this.#unsigned(2, what);
    else if (token === 0xdb) length = this.#unsigned(4, what);
    else throw this.#unexpected(token, `a string (${what})`);
    const start = this.#take(length, what);
    const recent = recentText(this.bytes, start, length);
    if (recent !== undefined) return recent;
    const text = decodeText(this.bytes.subarray(start, start + length), start, what);
    rememberText(this.bytes, start, length, text);
    return text;
  }

  /**
   * Reads an extension of type `type` (fixext or ext 8/16/32) and returns
   * its payload's length: the payload is the `length` bytes before the new
   * offset (no view is made).
   */
  extensionLength(type: number, what: string): number {
    const token = this.#byte(what);
    let length: number;
    if (token >= 0xd4 && token <= 0xd8) length = 1 << (token - 0xd4);
    else if (token === 0xc7) length = this.#unsigned(1, what);
    else if (token === 0xc8) length = this.#unsigned(2, what);
    else if (token === 0xc9) length = this.#unsigned(4, what);
    else throw this.#unexpected(token, `an extension (${what})`);
    const typeAt = this.#take(1, what);
    if (this.bytes[typeAt] !== type) {
      throw new MalformedRecord(
        `${what} has extension type 0x${hex(this.bytes[typeAt]!)}, expected 0x${hex(type)}`,
        typeAt,
      );
    }
    this.#take(length, what);
    return length;
  }

  #byte(what: string): number {
    return this.bytes[this.#take(1, what)]!;
  }

  #unsigned(size: number, what: string): number {
    const start = this.#take(size, what);
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + this.bytes[start + i]!;
    return value;
  }

  /** Claims `count` bytes and returns where they start. */
  #take(count: number, what: string): number {
    const start = this.offset;
    if (count > this.bytes.byteLength - start) {
      throw new MalformedRecord(`the record ends inside ${what}`, this.bytes.byteLength);
    }
    this.offset = start + count;
    return start;
  }

  #unexpected(token: number, expected: string): MalformedRecord {
    return new MalformedRecord(
      `byte 0x${hex(token)} where ${expected} was expected`,
      this.offset - 1,
    );
  }
}

/** Class names are short ASCII in practice; anything else goes through the strict UTF-8 decoder. */
const ASCII_FAST_PATH_BYTES_MAX = 64;

/**
 * The header strings decoded last (class names repeat from record to
 * record), with a copy of their bytes: a string found here costs a byte
 * comparison instead of a decode.
 */
const recentTexts: { bytes: Uint8Array; text: string }[] = [];
const RECENT_TEXTS_MAX = 16;
let recentTextsNext = 0;

/** The remembered string whose UTF-8 bytes are `bytes[start, start + length)`, if any. */
function recentText(bytes: Uint8Array, start: number, length: number): string | undefined {
  for (let e = 0; e < recentTexts.length; e++) {
    const entry = recentTexts[e]!;
    const known = entry.bytes;
    if (known.length !== length) continue;
    let i = 0;
    while (i < length && known[i] === bytes[start + i]) i++;
    if (i === length) return entry.text;
  }
  return undefined;
}

/** Remembers a decoded header string (short ones only), replacing the oldest. */
function rememberText(bytes: Uint8Array, start: number, length: number, text: string): void {
  if (length > ASCII_FAST_PATH_BYTES_MAX) return;
  const entry = { bytes: Uint8Array.prototype.slice.call(bytes, start, start + length), text };
  recentTexts[recentTextsNext] = entry;
  recentTextsNext = (recentTextsNext + 1) % RECENT_TEXTS_MAX;
}

function decodeText(bytes: Uint8Array, offset: number, what: string): string {
  if (bytes.byteLength <= ASCII_FAST_PATH_BYTES_MAX) {
    let text = '';
    for (let i = 0; i < bytes.byteLength; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) return decodeUtf8(bytes, offset, what);
      text += String.fromCharCode(byte);
    }
    return text;
  }
  return decodeUtf8(bytes, offset, what);
}

function decodeUtf8(bytes: Uint8Array, offset: number, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new MalformedRecord(`${what} is not valid UTF-8`, offset);
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
