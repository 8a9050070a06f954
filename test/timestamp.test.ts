import { describe, expect, it } from 'vitest';
import { TimeStamp, newTid } from '../src/timestamp.js';
import {
  MAX_TID,
  oidRepr,
  oidToBytes,
  parseOid,
  parseTid,
  readOid,
  readTid,
  tidToBytes,
} from '../src/ids.js';

describe('TimeStamp', () => {
  it('keeps its calendar fields', () => {
    const ts = TimeStamp.fromParts(2026, 11, 24, 7, 2, 27.5);
    expect([ts.year(), ts.month(), ts.day(), ts.hour(), ts.minute()]).toEqual([2026, 11, 24, 7, 2]);
    expect(ts.second()).toBeCloseTo(27.5, 6);
    expect(ts.toString()).toBe('2026-11-24 07:02:27.500000');
  });

  it('uses ZODB layout: minutes since 1900 in a 12x31-day calendar, then 60/2^32 s units', () => {
    const ts = TimeStamp.fromParts(1900, 1, 1, 0, 1, 0);
    expect(ts.value).toBe(1n << 32n);
    expect(TimeStamp.fromParts(1900, 1, 2).value).toBe(BigInt(24 * 60) << 32n);
    expect(TimeStamp.fromParts(1900, 1, 1, 0, 0, 30).value).toBe(0x8000_0000n);
  });

  it('round-trips through its 8 raw bytes and from a tid', () => {
    const ts = TimeStamp.fromDate(new Date(Date.UTC(2024, 1, 29, 12, 30, 15, 250)));
    expect(TimeStamp.fromTid(ts.raw()).value).toBe(ts.value);
    expect(TimeStamp.fromTid(ts.value).toDate().toISOString()).toBe('2024-02-29T12:30:15.250Z');
    expect(ts.timeTime()).toBeCloseTo(Date.UTC(2024, 1, 29, 12, 30, 15, 250) / 1000, 3);
    expect(TimeStamp.fromTime(ts.timeTime()).value).toBe(ts.value);
  });

  it('laterThan returns itself when later, else the next stamp', () => {
    const a = TimeStamp.fromParts(2020, 5, 5);
    const b = TimeStamp.fromParts(2021, 5, 5);
    expect(b.laterThan(a)).toBe(b);
    expect(a.laterThan(b).value).toBe(b.value + 1n);
    expect(a.laterThan(a).value).toBe(a.value + 1n);
  });

  it('refuses out-of-range fields and malformed raw input', () => {
    expect(() => TimeStamp.fromParts(1899, 1, 1)).toThrow(RangeError);
    expect(() => TimeStamp.fromParts(2000, 13, 1)).toThrow(RangeError);
    expect(() => TimeStamp.fromParts(2000, 1, 32)).toThrow(RangeError);
    expect(() => TimeStamp.fromParts(2000, 1, 1, 24)).toThrow(RangeError);
    expect(() => TimeStamp.fromParts(2000, 1, 1, 0, 0, 60)).toThrow(RangeError);
    expect(() => TimeStamp.fromTid(new Uint8Array(7))).toThrow(RangeError);
    expect(() => TimeStamp.fromTid(-1n)).toThrow(RangeError);
    expect(() => TimeStamp.fromDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('newTid', () => {
  it('is the current time, like TimeStamp.fromDate, when later than the last tid', () => {
    for (const ms of [0, 1_700_000_000_123, 1_700_000_059_999, 1_700_000_060_000]) {
      const date = new Date(ms);
      expect(newTid(0n, date)).toBe(TimeStamp.fromDate(date).value);
    }
  });

  it('strictly increases even when the clock does not move or goes back', () => {
    const now = new Date();
    let last = 0n;
    for (let i = 0; i < 1000; i++) {
      const tid = newTid(last, now);
      expect(tid > last).toBe(true);
      last = tid;
    }
    expect(newTid(last, new Date(now.getTime() - 3_600_000))).toBe(last + 1n);
  });
});

describe('oids and tids as bytes', () => {
  it('round-trip through 8 big-endian bytes', () => {
    for (const oid of [0, 1, 255, 2 ** 32, 2 ** 53 - 1]) expect(readOid(oidToBytes(oid))).toBe(oid);
    expect([...oidToBytes(258)]).toEqual([0, 0, 0, 0, 0, 0, 1, 2]);
    for (const tid of [0n, 1n, 0x0123_4567_89ab_cdefn, MAX_TID])
      expect(readTid(tidToBytes(tid))).toBe(tid);
  });

  it('refuses oids past 2^53 and parses hex or decimal text', () => {
    expect(() => readOid(new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0]))).toThrow(RangeError);
    expect(parseOid('0x10')).toBe(16);
    expect(parseOid('42')).toBe(42);
    expect(() => parseOid('x')).toThrow(RangeError);
    expect(parseTid('0xff')).toBe(255n);
    expect(() => parseTid('0x1ffffffffffffffff')).toThrow(RangeError);
    expect(oidRepr(1)).toBe('0x0000000000000001');
  });
});
