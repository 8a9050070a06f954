/**
 * `PersistentList`: a persistent, array-like list.
 *
 * It keeps its items in a plain array and marks itself changed in every
 * mutator. Index access (`list[0]`, `list[i] = x`, `list.length = n`) goes
 * through a small Proxy that handles numeric keys only.
 *
 * Non-mutating methods that return a new sequence (`slice`, `map`,
 * `filter`, `concat`, `flat`, `toSorted`, `toReversed`, `with`) return
 * plain arrays, like the `Array` methods of the same names; use
 * `new PersistentList(list.slice(...))` for a persistent copy.
 *
 * @module
 */

import { Persistent } from './persistent.js';
import type { TrackingMode } from './persistent.js';

type ListTarget = PersistentList<unknown> & Record<string | symbol, unknown>;

function indexOf(key: string | symbol): number {
  if (typeof key !== 'string') return -1;
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57) return -1;
  const n = Number(key);
  return Number.isSafeInteger(n) && String(n) === key ? n : -1;
}

const indexHandler: ProxyHandler<ListTarget> = {
  get(target, key) {
    const i = indexOf(key);
    if (i < 0) return target[key];
    target._p_activate();
    return target.data[i];
  },
  set(target, key, value) {
    const i = indexOf(key);
    if (i >= 0) {
      target._p_willChange();
      target.data[i] = value;
    } else if (key === 'length') {
      target._p_willChange();
      target.data.length = value as number;
    } else {
      target[key] = value;
    }
    return true;
  },
  has(target, key) {
    const i = indexOf(key);
    if (i < 0) return key in target;
    target._p_activate();
    return i < target.data.length;
  },
};

/**
 * A persistent list. Every mutator (`push`, `pop`, `shift`, `unshift`,
 * `splice`, `sort`, `reverse`, `fill`, `copyWithin`, `clear`, `extend`,
 * `insert`, `remove`, index assignment, `length` assignment) marks it
 * changed.
 */
export class PersistentList<T = unknown> extends Persistent implements Iterable<T> {
  static override _p_tracking: TrackingMode = 'explicit';

  static override _p_wrap(target: object): object {
    return new Proxy(target as ListTarget, indexHandler);
  }

  /** The items. Read it only after `_p_activate()`; change it only through the methods. */
  declare data: T[];

  [index: number]: T;

  constructor(items?: Iterable<T> | null) {
    super();
    this.data = items === null || items === undefined ? [] : Array.from(items);
  }

  get length(): number {
    this._p_activate();
    return this.data.length;
  }
  set length(n: number) {
    this._p_willChange();
    this.data.length = n;
  }

  /** The item at `index`; negative indices count from the end. */
  at(index: number): T | undefined {
    this._p_activate();
    return this.data.at(index);
  }

  /** The item at `index` (non-negative). */
  get(index: number): T | undefined {
    this._p_activate();
    return this.data[index];
  }

  /** Sets the item at `index`. */
  set(index: number, value: T): void {
    this._p_willChange();
    this.data[index] = value;
  }

  push(...items: T[]): number {
    this._p_willChange();
    return this.data.push(...items);
  }

  pop(): T | undefined {
    this._p_willChange();
    return this.data.pop();
  }

  shift(): T | undefined {
    this._p_willChange();
    return this.data.shift();
  }

  unshift(...items: T[]): number {
    this._p_willChange();
    return this.data.unshift(...items);
  }

  splice(start: number, deleteCount?: number, ...items: T[]): T[] {
    this._p_willChange();
    return deleteCount === undefined
      ? this.data.splice(start)
      : this.data.splice(start, deleteCount, ...items);
  }

  sort(compare?: (a: T, b: T) => number): this {
    this._p_willChange();
    this.data.sort(compare);
    return this;
  }

  reverse(): this {
    this._p_willChange();
    this.data.reverse();
    return this;
  }

  fill(value: T, start?: number, end?: number): this {
    this._p_willChange();
    this.data.fill(value, start, end);
    return this;
  }

  copyWithin(target: number, start: number, end?: number): this {
    this._p_willChange();
    this.data.copyWithin(target, start, end);
    return this;
  }

  /** Removes every item. */
  clear(): void {
    this._p_willChange();
    this.data.length = 0;
  }

  /** Appends every item of `items` (Python's `extend` / `+=`). */
  extend(items: Iterable<T>): void {
    this._p_willChange();
    for (const item of items) this.data.push(item);
  }

  /** Inserts `value` before `index` (Python's `insert`). */
  insert(index: number, value: T): void {
    this._p_willChange();
    this.data.splice(index, 0, value);
  }

  /** Removes the first item equal (`===`, NaN-aware) to `value`; RangeError when absent. */
  remove(value: T): void {
    this._p_activate();
    const i = this.data.findIndex((x) => Object.is(x, value) || x === value);
    if (i < 0) throw new RangeError('remove(): value not in list');
    this._p_willChange();
    this.data.splice(i, 1);
  }

  /** How many items equal `value`. */
  count(value: T): number {
    this._p_activate();
    let n = 0;
    for (const x of this.data) if (x === value || Object.is(x, value)) n++;
    return n;
  }

  indexOf(value: T, fromIndex?: number): number {
    this._p_activate();
    return this.data.indexOf(value, fromIndex);
  }

  lastIndexOf(value: T, fromIndex?: number): number {
    this._p_activate();
    return fromIndex === undefined
      ? this.data.lastIndexOf(value)
      : this.data.lastIndexOf(value, fromIndex);
  }

  includes(value: T, fromIndex?: number): boolean {
    this._p_activate();
    return this.data.includes(value, fromIndex);
  }

  find(predicate: (value: T, index: number) => boolean): T | undefined {
    this._p_activate();
    return this.data.find((v, i) => predicate(v, i));
  }

  findIndex(predicate: (value: T, index: number) => boolean): number {
    this._p_activate();
    return this.data.findIndex((v, i) => predicate(v, i));
  }

  some(predicate: (value: T, index: number) => boolean): boolean {
    this._p_activate();
    return this.data.some((v, i) => predicate(v, i));
  }

  every(predicate: (value: T, index: number) => boolean): boolean {
    this._p_activate();
    return this.data.every((v, i) => predicate(v, i));
  }

  forEach(callback: (value: T, index: number) => void): void {
    this._p_activate();
    this.data.forEach((v, i) => callback(v, i));
  }

  reduce<U>(callback: (acc: U, value: T, index: number) => U, initial: U): U {
    this._p_activate();
    return this.data.reduce((acc, v, i) => callback(acc, v, i), initial);
  }

  join(separator?: string): string {
    this._p_activate();
    return this.data.join(separator);
  }

  /** A plain array of the items from `start` to `end`. */
  slice(start?: number, end?: number): T[] {
    this._p_activate();
    return this.data.slice(start, end);
  }

  /** A plain array of mapped items. */
  map<U>(callback: (value: T, index: number) => U): U[] {
    this._p_activate();
    return this.data.map((v, i) => callback(v, i));
  }

  /** A plain array of the items that pass. */
  filter(predicate: (value: T, index: number) => boolean): T[] {
    this._p_activate();
    return this.data.filter((v, i) => predicate(v, i));
  }

  /** A plain array of these items followed by `others`' items. */
  concat(...others: (Iterable<T> | T[])[]): T[] {
    this._p_activate();
    const out = this.data.slice();
    for (const o of others) out.push(...o);
    return out;
  }

  /** A plain, sorted copy. */
  toSorted(compare?: (a: T, b: T) => number): T[] {
    this._p_activate();
    return this.data.slice().sort(compare);
  }

  /** A plain, reversed copy. */
  toReversed(): T[] {
    this._p_activate();
    return this.data.slice().reverse();
  }

  /** A plain array copy of the items. */
  toArray(): T[] {
    this._p_activate();
    return this.data.slice();
  }

  keys(): ArrayIterator<number> {
    this._p_activate();
    return this.data.keys();
  }

  values(): ArrayIterator<T> {
    this._p_activate();
    return this.data.values();
  }

  entries(): ArrayIterator<[number, T]> {
    this._p_activate();
    return this.data.entries();
  }

  [Symbol.iterator](): ArrayIterator<T> {
    return this.values();
  }

  toJSON(): T[] {
    return this.toArray();
  }

  override __setstate__(state: unknown): void {
    const data = (state as { data?: unknown } | null)?.data;
    this.data = Array.isArray(data) ? (data as T[]) : [];
  }
}
