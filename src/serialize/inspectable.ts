/**
 * {@link toInspectable}: a JSON-friendly rendering of a decoded state, for
 * the CLI and the database browser.
 *
 * @module
 */

import { oidRepr } from '../ids.js';
import { defaultRegistry } from './class-registry.js';
import type { AnyClass, ClassRegistry } from './class-registry.js';
import { PersistentReference } from './persistent-reference.js';
import { ValueObject } from './value-object.js';

/** Options of {@link toInspectable}. */
export interface InspectableOptions {
  /** Elements of a typed array, or bytes of binary data, shown before the rest is summarized (default 16). */
  previewItems?: number;
  /** Registry used to name instances of resolved value classes (default defaultRegistry). */
  registry?: ClassRegistry;
}

/**
 * Renders a state (typically from `decodeRecordGeneric`) as plain JSON data.
 * Whatever JSON cannot show is written as an object with one `$`-marker key:
 *
 * | value | rendering |
 * |---|---|
 * | persistent reference | `{ $ref: '0x…', class, database? }` |
 * | bigint | `{ $bigint: '123' }` |
 * | undefined, NaN, ±Infinity, -0 | `{ $undefined: true }`, `{ $number: 'NaN' }`, … |
 * | Date | `{ $date: ISO string }` (`'Invalid Date'` when invalid) |
 * | Map, Set | `{ $map: [[key, value], …] }`, `{ $set: [item, …] }` |
 * | typed array, DataView, ArrayBuffer, Buffer | `{ $binary: 'Int32Array', length, preview: […] }` (`hex` for bytes) |
 * | RegExp | `{ $regexp: '/a+/g' }` |
 * | value-class instance | `{ $class: 'app.Money', state: … }` |
 * | object met before (shared or cyclic) | `{ $seen: 'path of first occurrence' }` |
 *
 * Plain-object keys starting with `$` get one more `$` so they never read as
 * markers. The input is not changed.
 */
export function toInspectable(state: unknown, options: InspectableOptions = {}): unknown {
  return new Inspector(options.previewItems ?? 16, options.registry ?? defaultRegistry).render(
    state,
    '',
  );
}

class Inspector {
  readonly #seen = new Map<object, string>();

  constructor(
    readonly previewItems: number,
    readonly registry: ClassRegistry,
  ) {}

  render(value: unknown, path: string): unknown {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        return Number.isFinite(value) && !Object.is(value, -0)
          ? value
          : { $number: Object.is(value, -0) ? '-0' : String(value) };
      case 'bigint':
        return { $bigint: value.toString() };
      case 'undefined':
        return { $undefined: true };
      case 'object':
        return value === null ? null : this.#object(value, path);
      default:
        return { $unsupported: typeof value };
    }
  }

  #object(value: object, path: string): unknown {
    if (value instanceof PersistentReference) {
      return value.database === undefined
        ? { $ref: oidRepr(value.oid), class: value.className }
        : { $ref: oidRepr(value.oid), class: value.className, database: value.database };
    }
    const first = this.#seen.get(value);
    if (first !== undefined) return { $seen: first === '' ? '(root)' : first };
    this.#seen.set(value, path);
    if (Array.isArray(value)) return value.map((item, i) => this.render(item, `${path}[${i}]`));
    if (value instanceof Map) {
      return {
        $map: [...value].map(([k, v], i) => [
          this.render(k, `${path}.keys()[${i}]`),
          this.render(v, `${path}.values()[${i}]`),
        ]),
      };
    }
    if (value instanceof Set)
      return { $set: [...value].map((item, i) => this.render(item, `${path}.values()[${i}]`)) };
    if (value instanceof Date)
      return { $date: Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString() };
    if (value instanceof RegExp) return { $regexp: String(value) };
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return this.#binary(value);
    if (value instanceof ValueObject)
      return { $class: value.className, state: this.render(value.state, `${path}.state`) };
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === Object.prototype || prototype === null) return this.#properties(value, path);
    const cls = (value as { constructor?: unknown }).constructor;
    const name =
      typeof cls === 'function'
        ? (this.registry.nameOf(cls as AnyClass) ?? cls.name)
        : '(unknown class)';
    return { $class: name, state: this.#properties(value, path) };
  }

  #properties(value: object, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const shown = key.startsWith('$') ? `$${key}` : key;
      Object.defineProperty(out, shown, {
        value: this.render(item, path === '' ? key : `${path}.${key}`),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }

  #binary(value: ArrayBuffer | ArrayBufferView): Record<string, unknown> {
    const name = Object.getPrototypeOf(value)?.constructor?.name ?? 'binary';
    if (value instanceof ArrayBuffer || value instanceof DataView || value instanceof Uint8Array) {
      const bytes =
        value instanceof ArrayBuffer
          ? new Uint8Array(value)
          : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      const shown = bytes.subarray(0, this.previewItems);
      const hex = Array.from(shown, (byte) => byte.toString(16).padStart(2, '0')).join('');
      return {
        $binary: name,
        length: bytes.byteLength,
        hex: bytes.byteLength > shown.byteLength ? `${hex}…` : hex,
      };
    }
    const items = Array.from(value as unknown as ArrayLike<number | bigint>).slice(
      0,
      this.previewItems,
    );
    return {
      $binary: name,
      length: (value as unknown as ArrayLike<unknown>).length,
      preview: items.map((item) =>
        typeof item === 'bigint' ? item.toString() : this.render(item, ''),
      ),
    };
  }
}
