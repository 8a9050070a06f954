/**
 * ZODB's `TimeStamp`: the 8-byte transaction id that is also a UTC time.
 *
 * Layout (64 bits, big-endian):
 *
 * | bits   | meaning                                                          |
 * | ------ | ---------------------------------------------------------------- |
 * | 63..32 | minutes since 1900-01-01 00:00 UTC, in a calendar of 12 months of 31 days: `((((y-1900)*12 + m-1)*31 + d-1)*24 + h)*60 + min` |
 * | 31..0  | the seconds within that minute, in units of 60/2^32 s             |
 *
 * The odd calendar keeps ZODB's values, so tids compare the same way as
 * ZODB's and files written here carry tids ZODB's tools can print.
 *
 * @module
 */

import type { Tid } from './ids.js';

const SECONDS_PER_UNIT = 60 / 2 ** 32;
const LOW_MAX = 0xffff_ffff;

/** A transaction timestamp; immutable. */
export class TimeStamp {
  /** The 64-bit value (the tid). */
  readonly value: Tid;

  private constructor(value: Tid) {
    this.value = value;
  }

  /** A timestamp from its 64-bit value (a tid) or its 8 bytes. */
  static fromTid(tid: Tid | Uint8Array): TimeStamp {
    if (tid instanceof Uint8Array) {
      if (tid.length !== 8) throw new RangeError(`a TimeStamp has 8 bytes, got ${tid.length}`);
      let v = 0n;
      for (const b of tid) v = (v << 8n) | BigInt(b);
      return new TimeStamp(v);
    }
    if (tid < 0n || tid > 0xffff_ffff_ffff_ffffn) throw new RangeError(`tid out of range: ${tid}`);
    return new TimeStamp(tid);
  }

  /**
   * A timestamp from UTC calendar fields. `seconds` may have a fraction.
   * Throws RangeError for fields out of range.
   */
  static fromParts(
    year: number,
    month: number,
    day: number,
    hour = 0,
    minute = 0,
    seconds = 0,
  ): TimeStamp {
    const check = (name: string, v: number, lo: number, hi: number): void => {
      if (!Number.isInteger(v) || v < lo || v > hi) {
        throw new RangeError(`TimeStamp ${name} must be an integer in ${lo}..${hi}, got ${v}`);
      }
    };
    check('year', year, 1900, 9999);
    check('month', month, 1, 12);
    check('day', day, 1, 31);
    check('hour', hour, 0, 23);
    check('minute', minute, 0, 59);
    if (!(seconds >= 0 && seconds < 60)) {
      throw new RangeError(`TimeStamp seconds must be in [0, 60), got ${seconds}`);
    }
    const minutes = ((((year - 1900) * 12 + month - 1) * 31 + day - 1) * 24 + hour) * 60 + minute;
    if (minutes > LOW_MAX) throw new RangeError('TimeStamp year too large');
    const low = Math.min(LOW_MAX, Math.floor(seconds / SECONDS_PER_UNIT));
    return new TimeStamp((BigInt(minutes) << 32n) | BigInt(low));
  }

  /** A timestamp for a JS Date (milliseconds precision), or for now. */
  static fromDate(date: Date = new Date()): TimeStamp {
    const ms = date.getTime();
    if (!Number.isFinite(ms)) throw new RangeError('TimeStamp.fromDate: invalid Date');
    return TimeStamp.fromParts(
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds() + date.getUTCMilliseconds() / 1000,
    );
  }

  /** A timestamp for seconds since the Unix epoch (Python's `time.time()`). */
  static fromTime(secondsSinceEpoch: number): TimeStamp {
    const whole = Math.floor(secondsSinceEpoch);
    const d = new Date(whole * 1000);
    return TimeStamp.fromParts(
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds() + (secondsSinceEpoch - whole),
    );
  }

  private get minutes(): number {
    return Number(this.value >> 32n);
  }

  private get low(): number {
    return Number(this.value & 0xffff_ffffn);
  }

  year(): number {
    return Math.floor(this.minutes / (60 * 24 * 31 * 12)) + 1900;
  }
  month(): number {
    return (Math.floor(this.minutes / (60 * 24 * 31)) % 12) + 1;
  }
  day(): number {
    return (Math.floor(this.minutes / (60 * 24)) % 31) + 1;
  }
  hour(): number {
    return Math.floor(this.minutes / 60) % 24;
  }
  minute(): number {
    return this.minutes % 60;
  }
  /** Seconds within the minute, with the fraction. */
  second(): number {
    return this.low * SECONDS_PER_UNIT;
  }

  /** The 8 bytes, big-endian (ZODB's `raw()`). */
  raw(): Uint8Array {
    const out = new Uint8Array(8);
    let v = this.value;
    for (let i = 7; i >= 0; i--) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return out;
  }

  /** Seconds since the Unix epoch (ZODB's `timeTime()`). */
  timeTime(): number {
    const y = this.year();
    const m = this.month();
    const d = this.day();
    // Date.UTC normalises a day past the month's end (the 12x31 calendar allows it).
    return Date.UTC(y, m - 1, d, this.hour(), this.minute()) / 1000 + this.second();
  }

  /** The time as a JS Date (millisecond precision). */
  toDate(): Date {
    return new Date(Math.floor(this.timeTime() * 1000));
  }

  /**
   * This timestamp if it is later than `other`, else the smallest timestamp
   * later than `other` (ZODB's `laterThan`): how strictly increasing tids are made.
   */
  laterThan(other: TimeStamp | Tid): TimeStamp {
    const o = typeof other === 'bigint' ? other : other.value;
    if (this.value > o) return this;
    return TimeStamp.fromTid(o + 1n);
  }

  /** ISO-like text: `2026-11-24 07:02:27.123456`. */
  toString(): string {
    const p = (n: number, w = 2): string => String(n).padStart(w, '0');
    const totalMicro = Math.min(59_999_999, Math.round(this.second() * 1e6));
    const whole = Math.floor(totalMicro / 1e6);
    const micro = totalMicro % 1_000_000;
    return `${p(this.year(), 4)}-${p(this.month())}-${p(this.day())} ${p(this.hour())}:${p(this.minute())}:${p(whole)}.${p(micro, 6)}`;
  }
}

/** The minute `newTid` last computed: its start in ms since the epoch, and its TimeStamp minutes. */
let cachedMinuteStartMs = Number.NaN;
let cachedMinutes = 0n;

/**
 * The next tid for a storage whose last tid is `last`: the current time,
 * or `last + 1` when the clock has not moved past it. Called once per
 * commit, so the calendar arithmetic is done once per minute.
 */
export function newTid(last: Tid, now: Date = new Date()): Tid {
  const ms = now.getTime();
  if (!(ms >= cachedMinuteStartMs && ms < cachedMinuteStartMs + 60_000)) {
    cachedMinuteStartMs = ms - (ms % 60_000);
    cachedMinutes = TimeStamp.fromDate(new Date(cachedMinuteStartMs)).value >> 32n;
  }
  const low = Math.min(LOW_MAX, Math.floor((ms - cachedMinuteStartMs) / 1000 / SECONDS_PER_UNIT));
  const tid = (cachedMinutes << 32n) | BigInt(low);
  return tid > last ? tid : last + 1n;
}
