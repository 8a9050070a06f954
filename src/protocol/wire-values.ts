/**
 * Narrowing of decoded wire values: each function takes an `unknown` from
 * {@link decodeMessage} and returns it typed, or throws a ProtocolError
 * naming the field (`where`) and what was expected. Every field of every
 * message passes through one of these before use.
 *
 * @module
 */

import { ProtocolError } from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import { MAX_OID, readTid } from '../ids.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** Throws the ProtocolError for a field that is not what was expected. */
export function badField(where: string, expected: string, value: unknown): never {
  throw new ProtocolError(`${where} must be ${expected}, got ${describe(value)}`);
}

/** A non-negative integer below 2^53 (an oid). */
export function wireOid(value: unknown, where: string): Oid {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_OID) {
    badField(where, 'an oid (a non-negative integer)', value);
  }
  return value;
}

/** An 8-byte binary (a tid). */
export function wireTid(value: unknown, where: string): Tid {
  if (!(value instanceof Uint8Array) || value.length !== 8)
    badField(where, 'a tid (8 bytes)', value);
  return readTid(value, 0);
}

/** A tid or `null`. */
export function wireTidOrNull(value: unknown, where: string): Tid | null {
  return value === null ? null : wireTid(value, where);
}

/** An integer in `min..max`. */
export function wireInt(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    badField(where, `an integer in ${min}..${max}`, value);
  }
  return value;
}

/** A binary. */
export function wireBytes(value: unknown, where: string): Uint8Array {
  if (!(value instanceof Uint8Array)) badField(where, 'binary data', value);
  return value;
}

/** A binary or `null`. */
export function wireBytesOrNull(value: unknown, where: string): Uint8Array | null {
  return value === null ? null : wireBytes(value, where);
}

/** A string of at most `maxLength` characters. */
export function wireString(value: unknown, where: string, maxLength = 1 << 20): string {
  if (typeof value !== 'string' || value.length > maxLength) {
    badField(where, `a string of at most ${maxLength} characters`, value);
  }
  return value;
}

/** A boolean. */
export function wireBool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') badField(where, 'a boolean', value);
  return value;
}

/** An array of at most `maxLength` items. */
export function wireArray(value: unknown, where: string, maxLength: number): readonly unknown[] {
  if (!Array.isArray(value) || value.length > maxLength) {
    badField(where, `an array of at most ${maxLength} items`, value);
  }
  return value as readonly unknown[];
}

/** An array of exactly `length` items. */
export function wireTuple(value: unknown, where: string, length: number): readonly unknown[] {
  if (!Array.isArray(value) || value.length !== length) {
    badField(where, `an array of ${length} items`, value);
  }
  return value as readonly unknown[];
}

/** A map (decoded as a plain object). */
export function wireMap(value: unknown, where: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    badField(where, 'a map', value);
  if (value instanceof Uint8Array) badField(where, 'a map', value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) badField(where, 'a map', value);
  return value as Readonly<Record<string, unknown>>;
}

/** An array of oids. */
export function wireOids(value: unknown, where: string, maxLength: number): Oid[] {
  return wireArray(value, where, maxLength).map((item, i) => wireOid(item, `${where}[${i}]`));
}
