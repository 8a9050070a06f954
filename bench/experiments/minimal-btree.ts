/**
 * How fast can a tree of separate nodes with ZODB's node sizes be in this
 * JavaScript engine? A minimal in-memory B+tree (no persistence, no key
 * checks, no mutation detection, no conflict resolution), built like
 * `OOBTree` and `IIBTree` (`O` leaves of at most 30 keys and internal nodes
 * of 250 children with (narrow) prefix codes for string keys; `I` leaves of 120 and
 * internal nodes of 500 in `Int32Array`s), runs the btrees suite's
 * in-memory workloads in the same process as ours, in alternating rounds.
 *
 * Usage: node --conditions=source --import tsx --expose-gc
 *   bench/experiments/minimal-btree.ts [OO|II] [rounds]
 *
 * It prints the median of each figure over the rounds (CPU time), ours
 * beside the minimal tree's. See docs/btrees.md, "Performance notes".
 */
import { DB, MappingStorage, TransactionManager } from 'zodb';
import { IIBTree, OOBTree } from 'zodb/btrees';
import { shuffled } from '../shuffle.js';

/** The minimal tree's interface: what the workloads use. */
interface MinimalTree<K> {
  set(key: K, value: number): void;
  get(key: K): number | undefined;
  /** Calls `visit` with every key in order (a plain loop: no iterator protocol). */
  forEachKey(visit: (key: K) => void): void;
  /** The keys in order through the iterator protocol, as `tree.keys()` is used. */
  keys(): IterableIterator<K>;
}

// ---- string keys: plain arrays, prefix codes as in src/btrees/prefix-codes.ts
// (narrow codes only: six units of 8 bits, which hold the experiment's
// ASCII keys exactly; the library falls back to wide codes for other text)

function prefixCode(key: string, at: number): number {
  const n = key.length;
  let code = 0;
  for (let i = at; i < at + 6; i++) code = code * 256 + (i < n ? key.charCodeAt(i) + 1 : 0);
  return code * 2 + (at + 6 < n ? 1 : 0);
}

interface StringNode {
  leaf: boolean;
  keys: string[];
  /** Codes of `keys`, or null until the next lookup codes them. */
  codes: number[] | null;
  prefix: string;
  values: number[];
  children: StringNode[];
  next: StringNode | null;
}

function stringNode(leaf: boolean): StringNode {
  return { leaf, keys: [], codes: null, prefix: '', values: [], children: [], next: null };
}

/** Index of `key` in `node.keys`, or `~insertionPoint`: a plain binary search. */
function searchStrings(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < keys.length && keys[lo] === key ? lo : ~lo;
}

/** The same through the node's codes (built on first use). */
function searchCoded(node: StringNode, key: string): number {
  const keys = node.keys;
  let codes = node.codes;
  if (codes === null) {
    const first = keys[0] ?? '';
    const last = keys[keys.length - 1] ?? '';
    let shared = 0;
    const end = Math.min(first.length, last.length);
    while (shared < end && first.charCodeAt(shared) === last.charCodeAt(shared)) shared++;
    node.prefix = first.slice(0, shared);
    codes = node.codes = keys.map((k) => prefixCode(k, shared));
  }
  const size = keys.length;
  const prefix = node.prefix;
  if (prefix.length !== 0 && !key.startsWith(prefix)) return key < prefix ? -1 : ~size;
  const code = prefixCode(key, prefix.length);
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (codes[mid]! < code) lo = mid + 1;
    else hi = mid;
  }
  if (lo === size || codes[lo] !== code) return ~lo;
  if (code % 2 === 0) return lo;
  let end = lo + 1;
  while (end < size && codes[end] === code) end++;
  hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < end && keys[lo] === key ? lo : ~lo;
}

function minimalStringTree(maxLeaf: number, maxInner: number): MinimalTree<string> {
  let root = stringNode(true);
  const path: [StringNode, number][] = [];
  const child = (node: StringNode, key: string) => {
    const i = searchCoded(node, key);
    return i >= 0 ? i + 1 : ~i;
  };
  return {
    set(key, value) {
      path.length = 0;
      let node = root;
      while (!node.leaf) {
        const i = child(node, key);
        path.push([node, i]);
        node = node.children[i]!;
      }
      const found = searchStrings(node.keys, key);
      if (found >= 0) {
        node.values[found] = value;
        return;
      }
      const at = ~found;
      node.keys.splice(at, 0, key);
      node.values.splice(at, 0, value);
      node.codes = null;
      if (node.keys.length <= maxLeaf) return;
      const right = stringNode(true);
      const half = node.keys.length >> 1;
      right.keys = node.keys.splice(half);
      right.values = node.values.splice(half);
      right.next = node.next;
      node.next = right;
      let separator = right.keys[0]!;
      let added: StringNode = right;
      for (;;) {
        const step = path.pop();
        if (step === undefined) {
          const top = stringNode(false);
          top.keys = [separator];
          top.children = [root, added];
          root = top;
          return;
        }
        const [parent, i] = step;
        parent.keys.splice(i, 0, separator);
        parent.children.splice(i + 1, 0, added);
        parent.codes = null;
        if (parent.children.length <= maxInner) return;
        const split = stringNode(false);
        const h = parent.children.length >> 1;
        split.children = parent.children.splice(h);
        const moved = parent.keys.splice(h - 1);
        separator = moved.shift()!;
        split.keys = moved;
        added = split;
      }
    },
    get(key) {
      let node = root;
      while (!node.leaf) node = node.children[child(node, key)]!;
      const i = searchCoded(node, key);
      return i >= 0 ? node.values[i] : undefined;
    },
    forEachKey(visit) {
      let leaf = root;
      while (!leaf.leaf) leaf = leaf.children[0]!;
      for (let at: StringNode | null = leaf; at !== null; at = at.next) {
        const keys = at.keys;
        for (let i = 0; i < keys.length; i++) visit(keys[i]!);
      }
    },
    keys() {
      let leaf = root;
      while (!leaf.leaf) leaf = leaf.children[0]!;
      return new LeafWalk<StringNode, string>(
        leaf,
        (node) => node.keys.length,
        (node, i) => node.keys[i]!,
      );
    },
  };
}

// ---- integer keys: Int32Array leaves with spare capacity, as IIBucket

interface IntNode {
  leaf: boolean;
  /** Leaf: keys; internal: separators (one fewer than children). */
  keys: Int32Array;
  values: Int32Array;
  size: number;
  children: IntNode[];
  next: IntNode | null;
}

function intNode(leaf: boolean, capacity: number): IntNode {
  return {
    leaf,
    keys: new Int32Array(capacity),
    values: leaf ? new Int32Array(capacity) : new Int32Array(0),
    size: 0,
    children: [],
    next: null,
  };
}

function searchInts(keys: Int32Array, size: number, key: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < size && keys[lo] === key ? lo : ~lo;
}

function minimalIntTree(maxLeaf: number, maxInner: number): MinimalTree<number> {
  let root = intNode(true, maxLeaf + 1);
  const path: [IntNode, number][] = [];
  const child = (node: IntNode, key: number) => {
    const i = searchInts(node.keys, node.children.length - 1, key);
    return i >= 0 ? i + 1 : ~i;
  };
  return {
    set(key, value) {
      path.length = 0;
      let node = root;
      while (!node.leaf) {
        const i = child(node, key);
        path.push([node, i]);
        node = node.children[i]!;
      }
      const size = node.size;
      const found = searchInts(node.keys, size, key);
      if (found >= 0) {
        node.values[found] = value;
        return;
      }
      const at = ~found;
      node.keys.copyWithin(at + 1, at, size);
      node.values.copyWithin(at + 1, at, size);
      node.keys[at] = key;
      node.values[at] = value;
      node.size = size + 1;
      if (node.size <= maxLeaf) return;
      const right = intNode(true, maxLeaf + 1);
      const half = node.size >> 1;
      right.keys.set(node.keys.subarray(half, node.size));
      right.values.set(node.values.subarray(half, node.size));
      right.size = node.size - half;
      node.size = half;
      right.next = node.next;
      node.next = right;
      let separator = right.keys[0]!;
      let added: IntNode = right;
      for (;;) {
        const step = path.pop();
        if (step === undefined) {
          const top = intNode(false, maxInner);
          top.keys[0] = separator;
          top.children = [root, added];
          root = top;
          return;
        }
        const [parent, i] = step;
        const separators = parent.children.length - 1;
        parent.keys.copyWithin(i + 1, i, separators);
        parent.keys[i] = separator;
        parent.children.splice(i + 1, 0, added);
        if (parent.children.length <= maxInner) return;
        const split = intNode(false, maxInner);
        const h = parent.children.length >> 1;
        split.children = parent.children.splice(h);
        separator = parent.keys[h - 1]!;
        split.keys.set(parent.keys.subarray(h, separators + 1));
        added = split;
      }
    },
    get(key) {
      let node = root;
      while (!node.leaf) node = node.children[child(node, key)]!;
      const i = searchInts(node.keys, node.size, key);
      return i >= 0 ? node.values[i] : undefined;
    },
    forEachKey(visit) {
      let leaf = root;
      while (!leaf.leaf) leaf = leaf.children[0]!;
      for (let at: IntNode | null = leaf; at !== null; at = at.next) {
        const keys = at.keys;
        for (let i = 0; i < at.size; i++) visit(keys[i]!);
      }
    },
    keys() {
      let leaf = root;
      while (!leaf.leaf) leaf = leaf.children[0]!;
      return new LeafWalk<IntNode, number>(
        leaf,
        (node) => node.size,
        (node, i) => node.keys[i]!,
      );
    },
  };
}

/** A key iterator over a leaf chain: the least the iterator protocol needs. */
class LeafWalk<N extends { next: N | null }, K> implements IterableIterator<K> {
  #leaf: N | null;
  #index = 0;
  readonly #size: (leaf: N) => number;
  readonly #key: (leaf: N, index: number) => K;

  constructor(leaf: N, size: (leaf: N) => number, key: (leaf: N, index: number) => K) {
    this.#leaf = leaf;
    this.#size = size;
    this.#key = key;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<K> {
    const leaf = this.#leaf;
    if (leaf === null) return { value: undefined, done: true };
    const value = this.#key(leaf, this.#index);
    if (++this.#index >= this.#size(leaf)) {
      this.#leaf = leaf.next;
      this.#index = 0;
    }
    return { value, done: false };
  }
}

// ---- the comparison

const family = (process.argv[2] ?? 'OO') as 'OO' | 'II';
const rounds = Number(process.argv[3] ?? 5);
const n = 1_000_000;
const keys: (string | number)[] =
  family === 'OO'
    ? shuffled(Array.from({ length: n }, (_, i) => `key${String(i).padStart(8, '0')}`))
    : shuffled(Array.from({ length: n }, (_, i) => i * 3));
const probes = shuffled(keys.slice());
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

/** Keys (or lookups) per CPU second of `fn`, after a full collection. */
function rate(fn: () => void): number {
  gc!();
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return n / ((used.user + used.system) / 1e6);
}

const figures: Record<string, number[]> = {};
const note = (name: string, value: number) => (figures[name] ??= []).push(value);
let sink = 0;

const storage = new MappingStorage();
const db = new DB(storage, { cacheSize: 4 * n });
const tm = new TransactionManager();
const conn = db.open({ transactionManager: tm });
for (let round = 0; round < rounds; round++) {
  const ours = family === 'OO' ? new OOBTree<string, number>() : new IIBTree();
  conn.root.tree = ours;
  await tm.commit();
  const minimal =
    family === 'OO'
      ? (minimalStringTree(30, 250) as MinimalTree<string | number>)
      : (minimalIntTree(120, 500) as MinimalTree<string | number>);
  const set = ours.set.bind(ours) as (key: string | number, value: number) => void;
  const get = ours.get.bind(ours) as (key: string | number) => number;
  // Alternate which goes first.
  const pair = (name: string, mine: () => void, theirs: () => void) => {
    if (round % 2 === 0) {
      note(`${name}: ours`, rate(mine));
      note(`${name}: minimal`, rate(theirs));
    } else {
      note(`${name}: minimal`, rate(theirs));
      note(`${name}: ours`, rate(mine));
    }
  };
  pair(
    'insert',
    () => {
      for (let i = 0; i < n; i++) set(keys[i]!, i);
    },
    () => {
      for (let i = 0; i < n; i++) minimal.set(keys[i]!, i);
    },
  );
  await tm.commit();
  pair(
    'lookup',
    () => {
      for (let i = 0; i < n; i++) sink += get(probes[i]!);
    },
    () => {
      for (let i = 0; i < n; i++) sink += minimal.get(probes[i]!)!;
    },
  );
  pair(
    'iterate keys',
    () => {
      for (const key of ours.keys()) sink += typeof key === 'number' ? key : 1;
    },
    () => {
      for (const key of minimal.keys()) sink += typeof key === 'number' ? key : 1;
    },
  );
  note(
    'iterate keys: minimal, plain loop',
    rate(() => minimal.forEachKey((key) => (sink += typeof key === 'number' ? key : 1))),
  );
  delete conn.root.tree;
  await tm.commit();
}
await db.close();
const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1]!;
console.log(`${family}, 10^6 keys, medians of ${rounds} rounds (per CPU second):`);
for (const [name, values] of Object.entries(figures)) {
  console.log(`  ${name.padEnd(36)} ${Math.round(median(values)).toLocaleString('en-US')}`);
}
if (sink === 0.5) console.log('(results used)');
