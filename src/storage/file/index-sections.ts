/**
 * One {@link OidIndex} as a section of the index file (`index-file.ts`),
 * laid out so that loading it is a few block operations, not work per
 * entry: the dense pages are stored as the index holds them in memory, and
 * a load makes typed-array views of the file's bytes.
 *
 * | size | field |
 * | --- | --- |
 * | 4 | number of dense pages `P` (big-endian) |
 * | 4 | number of sparse entries `S` (big-endian) |
 * | P × … | dense pages, increasing page numbers: `page number (4, big-endian)`, `flags (4, big-endian; 1 = high words follow)`, 4,096 low words (u32, little-endian), then with flag 1 4,096 high words (u16, little-endian) |
 * | S × 16 | sparse entries: `oid (8)`, `value (8)`, big-endian |
 *
 * Page `p` holds the values of oids `p × 4096` to `p × 4096 + 4095`
 * (value = high × 2^32 + low, 0 = absent). Every size is a multiple of 4,
 * so the arrays of a section starting at a multiple of 4 can be viewed in
 * place. Little-endian is the byte order of every platform Node runs on
 * but s390x; there the arrays are converted one value at a time.
 *
 * @module
 */

import { readOidOrInvalid, readPosition, writePosition } from './format.js';
import type { OidIndex } from './oid-index.js';
import {
  OID_INDEX_PAGE_NUMBER_LIMIT,
  OID_INDEX_PAGE_OIDS,
  OID_INDEX_VALUE_MAX,
} from './oid-index.js';

const SECTION_HEADER_BYTES = 8;
const PAGE_HEADER_BYTES = 8;
const LOW_BYTES = OID_INDEX_PAGE_OIDS * 4;
const HIGH_BYTES = OID_INDEX_PAGE_OIDS * 2;
const SPARSE_ENTRY_BYTES = 16;
const FLAG_HIGH_WORDS = 1;
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes `index` as a section through `write` (which copies the bytes it is given). */
export function writeIndexSection(index: OidIndex, write: (bytes: Uint8Array) => void): void {
  let pages = 0;
  index.forEachDensePage(() => pages++);
  const sparse: number[] = [];
  index.forEachSparse((oid, value) => sparse.push(oid, value));
  const header = new Uint8Array(SECTION_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(0, pages);
  view.setUint32(4, sparse.length / 2);
  write(header);
  const pageHeader = new Uint8Array(PAGE_HEADER_BYTES);
  const pageView = new DataView(pageHeader.buffer);
  index.forEachDensePage((pageNumber, low, high) => {
    pageView.setUint32(0, pageNumber);
    pageView.setUint32(4, high === undefined ? 0 : FLAG_HIGH_WORDS);
    write(pageHeader);
    write(littleEndianBytes(low));
    if (high !== undefined) write(littleEndianBytes(high));
  });
  const entries = new Uint8Array(sparse.length * 8);
  for (let i = 0; i < sparse.length; i++) writePosition(sparse[i]!, entries, i * 8);
  write(entries);
}

/**
 * Reads a section at `offset` of `bytes` into the empty `into`, viewing the
 * page arrays in place when `bytes` allows. Returns the offset after the
 * section, or -1 when the section is malformed (out of bounds, pages not
 * increasing, a sparse entry of value 0 or out of range) or does not hold
 * exactly `entries` entries.
 */
export function readIndexSection(
  bytes: Uint8Array,
  offset: number,
  into: OidIndex,
  entries: number,
): number {
  if (offset + SECTION_HEADER_BYTES > bytes.length) return -1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const pages = view.getUint32(offset);
  const sparse = view.getUint32(offset + 4);
  let at = offset + SECTION_HEADER_BYTES;
  let lastPage = -1;
  for (let i = 0; i < pages; i++) {
    if (at + PAGE_HEADER_BYTES + LOW_BYTES > bytes.length) return -1;
    const pageNumber = view.getUint32(at);
    const flags = view.getUint32(at + 4);
    if (pageNumber <= lastPage || pageNumber >= OID_INDEX_PAGE_NUMBER_LIMIT) return -1;
    if ((flags & ~FLAG_HIGH_WORDS) !== 0) return -1;
    at += PAGE_HEADER_BYTES;
    const low = wordsAt(bytes, at, Uint32Array, 4);
    at += LOW_BYTES;
    let high: Uint16Array | undefined;
    if (flags === FLAG_HIGH_WORDS) {
      if (at + HIGH_BYTES > bytes.length) return -1;
      high = wordsAt(bytes, at, Uint16Array, 2);
      at += HIGH_BYTES;
    }
    into.adoptDensePage(pageNumber, low, high);
    lastPage = pageNumber;
  }
  if (at + sparse * SPARSE_ENTRY_BYTES > bytes.length) return -1;
  for (let i = 0; i < sparse; i++, at += SPARSE_ENTRY_BYTES) {
    const oid = readOidOrInvalid(bytes, at);
    const value = readPosition(bytes, at + 8);
    if (oid < 0 || !(value >= 1 && value <= OID_INDEX_VALUE_MAX) || into.has(oid)) return -1;
    into.set(oid, value);
  }
  return into.size === entries ? at : -1;
}

type WordArray = Uint32Array | Uint16Array;

/** The bytes of `words` in little-endian order: a view on little-endian hosts, else a converted copy. */
function littleEndianBytes(words: WordArray): Uint8Array {
  const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  if (HOST_IS_LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(words.byteLength);
  const view = new DataView(out.buffer);
  const size = words.BYTES_PER_ELEMENT;
  words.forEach((word, i) => {
    if (size === 4) view.setUint32(i * 4, word, true);
    else view.setUint16(i * 2, word, true);
  });
  return out;
}

/** The 4,096 little-endian words at `offset` of `bytes`: a view when aligned on a little-endian host, else a copy. */
function wordsAt<A extends WordArray>(
  bytes: Uint8Array,
  offset: number,
  kind: { new (buffer: ArrayBuffer, offset: number, length: number): A; new (length: number): A },
  size: 2 | 4,
): A {
  const start = bytes.byteOffset + offset;
  if (HOST_IS_LITTLE_ENDIAN && start % size === 0 && bytes.buffer instanceof ArrayBuffer) {
    return new kind(bytes.buffer, start, OID_INDEX_PAGE_OIDS);
  }
  const out = new kind(OID_INDEX_PAGE_OIDS);
  const view = new DataView(bytes.buffer, start, OID_INDEX_PAGE_OIDS * size);
  for (let i = 0; i < OID_INDEX_PAGE_OIDS; i++) {
    out[i] = size === 4 ? view.getUint32(i * 4, true) : view.getUint16(i * 2, true);
  }
  return out;
}
