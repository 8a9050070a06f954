/**
 * The value types of configuration keys (ZConfig's datatypes): integers,
 * booleans, byte sizes such as `100MB`, time intervals such as `5m`,
 * strings and paths. Each parser returns the value or a sentence saying
 * what was expected, so that callers can attach the location.
 *
 * @module
 */

/** The kinds of values a key can take. */
export type ValueKind = 'string' | 'path' | 'boolean' | 'integer' | 'byte-size' | 'time-interval';

/** The JavaScript type each kind parses to. */
export interface ValueOfKind {
  string: string;
  path: string;
  boolean: boolean;
  integer: number;
  'byte-size': number;
  'time-interval': number;
}

/** A parse outcome: the value, or what was expected instead. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly expected: string };

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  '': 1,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
};

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

/** `true`/`yes`/`on`/`1` or `false`/`no`/`off`/`0`, any case. */
export function parseBoolean(text: string): Parsed<boolean> {
  const word = text.toLowerCase();
  if (TRUE_WORDS.has(word)) return { ok: true, value: true };
  if (FALSE_WORDS.has(word)) return { ok: true, value: false };
  return { ok: false, expected: 'a boolean (true, false, yes, no, on, off)' };
}

/** A non-negative decimal integer within the safe integer range. */
export function parseInteger(text: string): Parsed<number> {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) return { ok: false, expected: 'a non-negative integer' };
  return { ok: true, value };
}

/** Bytes: an integer with an optional unit, `KB`, `MB`, `GB`, `TB` (powers of 1024, any case). */
export function parseByteSize(text: string): Parsed<number> {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text);
  const factor = match === null ? undefined : BYTE_UNITS[match[2]!.toLowerCase()];
  const value = match === null || factor === undefined ? NaN : Number(match[1]) * factor;
  if (!Number.isSafeInteger(value)) {
    return { ok: false, expected: 'a byte size such as 500000, 100KB, 100MB or 2GB' };
  }
  return { ok: true, value };
}

/** Seconds: an integer with an optional unit, `s`, `m`, `h`, `d`, `w` (seconds by default, any case). */
export function parseTimeInterval(text: string): Parsed<number> {
  const match = /^(\d+)\s*([a-z]?)$/i.exec(text);
  const factor = match === null ? undefined : SECONDS_PER_UNIT[match[2]!.toLowerCase()];
  const value = match === null || factor === undefined ? NaN : Number(match[1]) * factor;
  if (!Number.isSafeInteger(value)) {
    return { ok: false, expected: 'a time interval such as 30, 30s, 5m, 2h or 1d' };
  }
  return { ok: true, value };
}

/** Parses `text` as a value of `kind` (strings and paths must not be empty). */
export function parseValue<K extends ValueKind>(kind: K, text: string): Parsed<ValueOfKind[K]> {
  switch (kind) {
    case 'boolean':
      return parseBoolean(text) as Parsed<ValueOfKind[K]>;
    case 'integer':
      return parseInteger(text) as Parsed<ValueOfKind[K]>;
    case 'byte-size':
      return parseByteSize(text) as Parsed<ValueOfKind[K]>;
    case 'time-interval':
      return parseTimeInterval(text) as Parsed<ValueOfKind[K]>;
    default:
      return (
        text === ''
          ? { ok: false, expected: kind === 'path' ? 'a path' : 'a value' }
          : { ok: true, value: text }
      ) as Parsed<ValueOfKind[K]>;
  }
}
