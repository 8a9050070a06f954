/**
 * Parsers of command-line values: oids, tids, tid ranges, counts, dates.
 * Each throws {@link UsageError} naming the option and what was expected.
 *
 * @module
 */

import type { Oid, Tid } from '../ids.js';
import { parseOid, parseTid } from '../ids.js';
import { TimeStamp } from '../timestamp.js';
import { UsageError } from './usage-error.js';

/** An oid: `0x`-prefixed hex or decimal. */
export function oidArgument(text: string, what = 'oid'): Oid {
  try {
    return parseOid(text);
  } catch {
    throw new UsageError(
      `${what} "${text}" is not an oid; expected hex such as 0x2a or a decimal number`,
    );
  }
}

/** A tid: `0x` hex or decimal, or an ISO date/time (the tid of that instant). */
export function tidArgument(text: string, what = 'tid'): Tid {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) return TimeStamp.fromDate(dateArgument(text, what)).value;
  try {
    return parseTid(text);
  } catch {
    throw new UsageError(
      `${what} "${text}" is not a tid; expected 0x-prefixed hex, a decimal number or an ISO date such as 2024-05-01T10:00Z`,
    );
  }
}

/** A tid range `A..B`, `A..`, `..B`, or one tid (inclusive bounds). */
export function tidRangeArgument(text: string): { from?: Tid; to?: Tid } {
  const dots = text.indexOf('..');
  if (dots < 0) {
    const tid = tidArgument(text);
    return { from: tid, to: tid };
  }
  const from = text.slice(0, dots);
  const to = text.slice(dots + 2);
  return {
    ...(from === '' ? {} : { from: tidArgument(from, '--tid start') }),
    ...(to === '' ? {} : { to: tidArgument(to, '--tid end') }),
  };
}

/** A positive integer (counts, limits). */
export function positiveIntegerArgument(text: string, what: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new UsageError(`${what} "${text}" is not a positive whole number`);
  }
  return value;
}

/** A non-negative number (days may be fractional). */
export function nonNegativeNumberArgument(text: string, what: string): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value))
    throw new UsageError(`${what} "${text}" is not a non-negative number`);
  return value;
}

/** A date: ISO 8601 (`2024-05-01`, `2024-05-01T10:00`, with or without `Z`; times without a zone are UTC). */
export function dateArgument(text: string, what: string): Date {
  const withZone = /[zZ]$|[+-]\d{2}:?\d{2}$/.test(text) || !text.includes('T') ? text : `${text}Z`;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : withZone);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `${what} "${text}" is not a date; expected ISO 8601 such as 2024-05-01 or 2024-05-01T10:00:00Z`,
    );
  }
  return date;
}
