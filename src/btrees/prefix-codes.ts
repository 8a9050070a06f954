/**
 * Prefix codes: a numeric digest of the string keys of one node, so a
 * search compares numbers in one array instead of strings
 * scattered over the heap.
 *
 * For a node whose keys are all strings, the codes are:
 * - `_prefix`: a prefix every key of the node starts with (when built, the
 *   common prefix of the first and the last key, hence of all of them);
 * - `_codes[i]`: the UTF-16 units of key `i` that follow the prefix, each
 *   stored plus one (0 where the key has ended), then one bit set when more
 *   units follow. A node codes its keys in one of two widths:
 *   - narrow (`_narrowCodes`), when every key's six units after the prefix
 *     are below U+007F (ASCII text, digits: most keys): six units of 8 bits,
 *     49 bits in all. A sought key's unit of U+007F or more is coded as
 *     0x80, above any of the node's, which orders it rightly (after every
 *     key that agrees with it up to there) and never makes it equal to one;
 *   - wide otherwise: three units of 17 bits, 52 bits in all.
 *   Both are exact in a double.
 *
 * Keys that start with the same prefix compare as their codes do; equal
 * codes without the "more" bit are equal keys, and only equal codes with
 * it (keys longer than the prefix plus the coded units that agree on
 * those) need their strings compared. Narrow codes matter in internal
 * nodes: their separators span many leaves, share shorter prefixes, and
 * three units left many of them tied (string comparisons were a fifth of
 * an `OOBTree` lookup's time on 10^6 keys). So a search is a binary search over the
 * codes, reading no string when the keys end within three units of the
 * prefix (as keys of a node often do: they share most of their length).
 * A sought key that does not start with the prefix sorts before or after
 * every key of the node.
 *
 * The codes are derived data: never stored, never seen by `check()`,
 * conflict resolution or the stored state. They are valid while
 * `_codedKeys` is the node's `_keys` array, so every new keys array (a
 * loaded state, a split's right half, a cleared node) is coded afresh on
 * its first search; a ghost loses them with its other fields. The places
 * that change a keys array in place keep them: an insert adds the new
 * key's code when it starts with the prefix (always so strictly inside the
 * node's range) and drops the codes otherwise; a removal removes the code
 * (the prefix may then be shorter than the keys' common one, which costs
 * ties, never correctness); a truncation drops the codes.
 *
 * `_codedKeys === _keys` with `_codes === null` records a node whose keys
 * are not all strings: it is searched by the key type's own search.
 *
 * Measured: see docs/btrees.md, "Performance notes".
 *
 * @internal
 * @module
 */

import type { Node } from './nodes.js';

/** Shift of one 17-bit unit. */
const UNIT = 131072;

/** Two, the shift of the "more units follow" bit. */
const MORE = 2;

/** Shift of one unit of a narrow code. */
const NARROW_UNIT = 256;

/** Units of a narrow code. */
const NARROW_UNITS = 6;

/** The first unit a narrow code cannot hold (it codes it, and all above, as 0x80). */
const NARROW_LIMIT = 0x7f;

/**
 * The wide code of the three UTF-16 units of `key` from `at` on (each unit
 * plus one, 0 past the end of the key), and whether more units follow.
 */
export function prefixCode(key: string, at: number): number {
  const n = key.length;
  const a = at < n ? key.charCodeAt(at) + 1 : 0;
  const b = at + 1 < n ? key.charCodeAt(at + 1) + 1 : 0;
  const c = at + 2 < n ? key.charCodeAt(at + 2) + 1 : 0;
  return ((a * UNIT + b) * UNIT + c) * MORE + (at + 3 < n ? 1 : 0);
}

/**
 * The narrow code of the six UTF-16 units of `key` from `at` on (each unit
 * below U+007F plus one, every other unit 0x80, 0 past the end of the key),
 * and whether more units follow.
 */
export function narrowCode(key: string, at: number): number {
  const n = key.length;
  let code = 0;
  for (let i = at; i < at + NARROW_UNITS; i++) {
    let unit = 0;
    if (i < n) {
      const c = key.charCodeAt(i);
      unit = c < NARROW_LIMIT ? c + 1 : 0x80;
    }
    code = code * NARROW_UNIT + unit;
  }
  return code * MORE + (at + NARROW_UNITS < n ? 1 : 0);
}

/** Whether the six units of `key` from `at` on are all below U+007F (a narrow code holds them exactly). */
function fitsNarrow(key: string, at: number): boolean {
  const end = Math.min(key.length, at + NARROW_UNITS);
  for (let i = at; i < end; i++) if (key.charCodeAt(i) >= NARROW_LIMIT) return false;
  return true;
}

/** The code of `key` (which starts with the node's prefix) in the node's width. */
function codeIn(node: Node, key: string): number {
  const at = node._prefix.length;
  return node._narrowCodes ? narrowCode(key, at) : prefixCode(key, at);
}

/**
 * Index of `key` among the first `size` keys of `node`, or
 * `~insertionPoint` when absent: through the codes for a string key in an
 * `O` node, by the key type's search otherwise.
 */
export function searchNode(node: Node, size: number, key: unknown): number {
  const keyType = node._keyType;
  if (typeof key === 'string' && keyType.letter === 'O') return searchCoded(node, size, key);
  return keyType.search(node._keys, size, key);
}

/**
 * {@link searchNode} for a string key that uses codes only if the node has
 * them already: for inserts into leaves, where coding a leaf that will soon
 * split again costs more than it saves (measured: see docs/btrees.md).
 */
export function searchNodeIfCoded(node: Node, size: number, key: string): number {
  if (node._codedKeys === node._keys) return searchCoded(node, size, key);
  return node._keyType.search(node._keys, size, key);
}

/** {@link searchNode} for a string key in an `O` node; codes the node first if needed. */
function searchCoded(node: Node, size: number, key: string): number {
  const keys = node._keys as unknown[];
  if (node._codedKeys !== keys) buildCodes(node, keys, size);
  const codes = node._codes;
  if (codes === null) return node._keyType.search(keys, size, key);
  const prefix = node._prefix;
  if (prefix.length !== 0 && !key.startsWith(prefix)) return key < prefix ? -1 : ~size;
  const code = node._narrowCodes ? narrowCode(key, prefix.length) : prefixCode(key, prefix.length);
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (codes[mid]! < code) lo = mid + 1;
    else hi = mid;
  }
  if (lo === size || codes[lo] !== code) return ~lo;
  if (code % MORE === 0) return lo;
  // Keys of this code go on past it: a binary search of their strings.
  let end = lo + 1;
  while (end < size && codes[end] === code) end++;
  hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < end && keys[lo] === key ? lo : ~lo;
}

/** Codes the first `size` keys of `node` (or records that they are not all strings). */
function buildCodes(node: Node, keys: unknown[], size: number): void {
  node._codedKeys = keys;
  for (let i = 0; i < size; i++) {
    if (typeof keys[i] !== 'string') {
      node._codes = null;
      return;
    }
  }
  const first = size > 0 ? (keys[0] as string) : '';
  const last = size > 0 ? (keys[size - 1] as string) : '';
  const end = Math.min(first.length, last.length);
  let shared = 0;
  while (shared < end && first.charCodeAt(shared) === last.charCodeAt(shared)) shared++;
  let narrow = true;
  for (let i = 0; i < size && narrow; i++) narrow = fitsNarrow(keys[i] as string, shared);
  const codes: number[] = [];
  if (narrow) for (let i = 0; i < size; i++) codes.push(narrowCode(keys[i] as string, shared));
  else for (let i = 0; i < size; i++) codes.push(prefixCode(keys[i] as string, shared));
  node._prefix = first.slice(0, shared);
  node._narrowCodes = narrow;
  node._codes = codes;
}

/**
 * Keeps the codes of `node` for `key` about to be inserted at `index` of
 * its `size` keys (call before the keys change).
 */
export function codeInserted(node: Node, index: number, size: number, key: unknown): void {
  if (node._codedKeys !== node._keys) return;
  const codes = node._codes;
  if (codes === null) return; // not all strings before, still not after
  const prefix = node._prefix;
  if (
    typeof key === 'string' &&
    key.startsWith(prefix) &&
    (!node._narrowCodes || fitsNarrow(key, prefix.length))
  ) {
    insertCode(codes, size, index, codeIn(node, key));
  } else {
    // Not a string, outside the prefix, or a unit a narrow code cannot
    // hold: coded afresh (perhaps wide) on the next search.
    node._codedKeys = null;
  }
}

/**
 * Keeps the codes of `node` for the key at `index` of its `size` keys
 * about to be removed (call before the keys change).
 */
export function codeRemoved(node: Node, index: number, size: number): void {
  if (node._codedKeys !== node._keys) return;
  const codes = node._codes;
  // A node of mixed keys may hold only strings after the removal: recode it.
  if (codes === null) {
    node._codedKeys = null;
    return;
  }
  for (let i = index + 1; i < size; i++) codes[i - 1] = codes[i]!;
  codes.length = size - 1;
}

/** Inserts `code` at `index` of the `size` codes (a loop: `splice` costs more on a few items). */
function insertCode(codes: number[], size: number, index: number, code: number): void {
  for (let i = size; i > index; i--) codes[i] = codes[i - 1]!;
  codes[index] = code;
}

/**
 * Gives a new or loading `O` node its (empty) code fields, after its other
 * fields: every node of a class then has one shape, whether made by a
 * constructor or loaded as a ghost, searched yet or not. Numeric nodes,
 * never coded, get none (smaller nodes: `IIBTree` inserts were 5% slower
 * with them).
 */
export function initCodes(node: Node): void {
  if (node._keyType.numeric) return;
  node._codes = null;
  node._codedKeys = null;
  node._prefix = '';
  node._narrowCodes = false;
}

/** Drops the codes of `node` (its keys array is about to change otherwise). */
export function dropCodes(node: Node): void {
  if (node._codedKeys === node._keys) node._codedKeys = null;
}

/**
 * Whether the codes of `node` agree with its keys (true when it has none):
 * every key starts with the prefix and has its code, and codes exist only
 * for all-string keys. For tests.
 */
export function codesAgree(node: Node, size: number): boolean {
  const keys = node._keys;
  if (node._codedKeys !== keys || !Array.isArray(keys)) return true;
  const codes = node._codes;
  const allStrings = keys.slice(0, size).every((k) => typeof k === 'string');
  if (codes === null) return !allStrings;
  if (!allStrings || codes.length !== size) return false;
  const prefix = node._prefix;
  for (let i = 0; i < size; i++) {
    const key = keys[i] as string;
    if (!key.startsWith(prefix) || codes[i] !== codeIn(node, key)) return false;
    if (node._narrowCodes && !fitsNarrow(key, prefix.length)) return false;
  }
  return true;
}
