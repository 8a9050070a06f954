/**
 * `display()`: a text dump of the structure of a BTree-based collection,
 * one line per node (ZODB's `BTrees.check.display`).
 *
 * @example
 * ```
 * OOBTree oid 0x01 (root, 2 children, first bucket oid 0x02)
 *   [0] OOBucket oid 0x02 (2 keys: 'a' .. 'b', next oid 0x03)
 *   key 'c'
 *   [1] OOBucket oid 0x03 (1 key: 'c')
 * ```
 *
 * @module
 */

import { oidRepr } from '../ids.js';
import type { CollectionBase } from './collection-base.js';
import type { LeafNode, Node, TreeNode } from './nodes.js';

/** Options of {@link display}. */
export interface DisplayOptions {
  /** List every key (and value) of every bucket instead of the first and last. Default false. */
  items?: boolean;
}

/** A short rendering of a key or value. */
export function formatItem(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value).replace(/^"|"$/g, "'");
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `bytes(${Buffer.from(value).toString('hex')})`;
  if (Array.isArray(value)) return `[${value.map(formatItem).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const oid = (value as { _p_oid?: unknown })._p_oid;
    const name = value.constructor?.name ?? 'Object';
    return typeof oid === 'number' ? `${name} oid ${oidRepr(oid)}` : name;
  }
  return String(value);
}

function identify(node: Node): string {
  const oid = node._p_oid;
  return `${node.constructor.name} ${oid === undefined ? '(no oid)' : `oid ${oidRepr(oid)}`}`;
}

function leafLine(leaf: LeafNode, options: DisplayOptions): string {
  const len = leaf._len;
  const parts: string[] = [];
  if (options.items === true) {
    const items: string[] = [];
    for (let i = 0; i < len; i++) {
      const key = formatItem(leaf._keys[i]);
      items.push(leaf._values === null ? key : `${key}: ${formatItem(leaf._values[i])}`);
    }
    parts.push(`${len} ${len === 1 ? 'key' : 'keys'}: {${items.join(', ')}}`);
  } else if (len > 0) {
    const range =
      len === 1
        ? formatItem(leaf._keys[0])
        : `${formatItem(leaf._keys[0])} .. ${formatItem(leaf._keys[len - 1])}`;
    parts.push(`${len} ${len === 1 ? 'key' : 'keys'}: ${range}`);
  } else parts.push('empty');
  if (leaf._next !== null) parts.push(`next ${identify(leaf._next).split(' ').slice(1).join(' ')}`);
  return `${identify(leaf)} (${parts.join(', ')})`;
}

function treeLine(node: TreeNode): string {
  const parts = [
    node._inner ? 'internal node' : 'root',
    `${node._len} ${node._len === 1 ? 'child' : 'children'}`,
  ];
  if (!node._inner && node._firstBucket !== null)
    parts.push(`first bucket ${identify(node._firstBucket).split(' ').slice(1).join(' ')}`);
  if (node._sizeCounter !== null) parts.push(`size counter ${formatItem(node._sizeCounter)}`);
  return `${identify(node)} (${parts.join(', ')})`;
}

function walk(
  node: Node,
  indent: string,
  label: string,
  options: DisplayOptions,
  out: string[],
): void {
  node._p_activate();
  if (node._isLeaf) {
    out.push(`${indent}${label}${leafLine(node, options)}`);
    return;
  }
  out.push(`${indent}${label}${treeLine(node)}`);
  // Keep the arrays: loading a child may ghost this node when the cache is tiny.
  const { _children: children, _keys: keys, _len: len } = node;
  for (let i = 0; i < len; i++) {
    if (i > 0) out.push(`${indent}  key ${formatItem(keys[i - 1])}`);
    walk(children[i]!, `${indent}  `, `[${i}] `, options, out);
  }
}

/** The structure of `collection` as text, one line per node (loads every node). */
export function display(collection: CollectionBase<unknown>, options: DisplayOptions = {}): string {
  const out: string[] = [];
  walk(collection as unknown as Node, '', '', options, out);
  return out.join('\n');
}
