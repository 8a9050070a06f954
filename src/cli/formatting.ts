/**
 * How the `zodb` command shows values: to people (sizes with units, tids
 * with their time) and in JSON (oids and tids as `0x` hex strings, times as
 * ISO strings).
 *
 * @module
 */

import type { Oid, Tid } from '../ids.js';
import { oidRepr, tidRepr } from '../ids.js';
import { TimeStamp } from '../timestamp.js';

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `35255` -> `34.4 KiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** The time of a tid, ISO 8601. */
export function tidTime(tid: Tid): string {
  return TimeStamp.fromTid(tid).toDate().toISOString();
}

/** `0x03f2… (2024-05-01T10:00:00.000Z)`; `none` for the zero tid. */
export function formatTid(tid: Tid): string {
  return tid === 0n ? 'none' : `${tidRepr(tid)} (${tidTime(tid)})`;
}

/** An oid for JSON output. */
export function jsonOid(oid: Oid): string {
  return oidRepr(oid);
}

/** A tid for JSON output; `null` for the zero tid or none. */
export function jsonTid(tid: Tid | undefined): string | null {
  return tid === undefined || tid === 0n ? null : tidRepr(tid);
}

/** A string quoted for human output (JSON string syntax). */
export function quoted(text: string): string {
  return JSON.stringify(text);
}

/** Rows of cells as aligned columns (the last column is not padded). */
export function columns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
