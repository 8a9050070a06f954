/**
 * Damaged Data.fs files: a last transaction cut short at every position, an
 * unfinished (checkpoint) last transaction, and bytes flipped inside
 * transaction and record headers in the middle of the file. Each gives a
 * clean recovery on open (only for an unfinished append) or a
 * CorruptedDataError naming the file and offset; `check()` reports the
 * damage with its offset, and `recoverFileStorage` keeps every intact
 * transaction.
 */

import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CorruptedDataError } from '../../../src/errors.js';
import { ROOT_OID, ZERO_TID } from '../../../src/ids.js';
import type { Tid } from '../../../src/ids.js';
import {
  DATA_HEADER_BYTES,
  FileStorage,
  TRANSACTION_HEADER_BYTES,
  checkDataFile,
  recoverFileStorage,
} from '../../../src/storage/file/index.js';
import type { CheckFindingKind } from '../../../src/storage/file/index.js';
import { DataFile } from '../../../src/storage/file/data-file.js';
import { OidIndex } from '../../../src/storage/file/oid-index.js';
import { scanTransactions } from '../../../src/storage/file/scanner.js';
import { commit, record, valueAt } from '../conformance-support.js';
import { useTempDataPaths } from './temp-files.js';

const freshPath = useTempDataPaths('fs-damage');

interface Layout {
  readonly bytes: Buffer;
  /** Position and tid of each transaction. */
  readonly transactions: { pos: number; tid: Tid }[];
}

/** A file of four transactions (two records each), without its .index. */
async function sample(): Promise<Layout> {
  const path = freshPath();
  const s = new FileStorage(path);
  const a = s.newOid();
  await commit(s, [
    { oid: ROOT_OID, data: record('root 1', [a]), serial: ZERO_TID },
    { oid: a, data: record('a 1'), serial: ZERO_TID },
  ]);
  for (let i = 2; i <= 4; i++) {
    await commit(s, [
      { oid: ROOT_OID, data: record(`root ${i}`, [a]) },
      { oid: a, data: record(`a ${i}`) },
    ]);
  }
  const transactions = [...s.iterator()].map((t) => ({ pos: t.pos, tid: t.tid }));
  await s.close();
  return { bytes: fs.readFileSync(path), transactions };
}

function writeVariant(bytes: Uint8Array): string {
  const path = freshPath();
  fs.writeFileSync(path, bytes);
  return path;
}

function openError(path: string, readOnly: boolean): CorruptedDataError {
  try {
    new FileStorage(path, { readOnly }).close();
  } catch (error) {
    if (error instanceof CorruptedDataError) return error;
    throw error;
  }
  throw new Error(`${path} opened although it is damaged`);
}

describe('FileStorage damaged files', () => {
  it('a last transaction cut short: clean open below a whole header, else a clear error; recovery keeps the rest', async () => {
    const { bytes, transactions } = await sample();
    const last = transactions.at(-1)!;
    for (let cut = last.pos + 1; cut < bytes.length; cut++) {
      const path = writeVariant(bytes.subarray(0, cut));
      if (cut - last.pos < TRANSACTION_HEADER_BYTES) {
        const s = new FileStorage(path);
        expect(s.recoveredTailBytes).toBe(cut - last.pos);
        expect(s.lastTransaction()).toBe(transactions.at(-2)!.tid);
        expect(valueAt(s, ROOT_OID)).toBe('root 3');
        await s.close();
        expect(fs.statSync(path).size).toBe(last.pos);
        continue;
      }
      for (const readOnly of [false, true]) {
        const error = openError(path, readOnly);
        expect(error.path).toBe(path);
        expect(error.offset).toBe(last.pos);
        expect(error.message).toMatch(/cut short/);
      }
      expect([...checkDataFile(path)].map((f) => [f.kind, f.offset])).toEqual([
        ['truncated', last.pos],
      ]);
      const report = await recoverFileStorage(path);
      expect(report.transactionsKept).toBe(3);
      expect(report.dropped).toEqual([
        { offset: last.pos, length: cut - last.pos, reason: expect.any(String) },
      ]);
      const recovered = new FileStorage(report.output, { readOnly: true });
      expect(valueAt(recovered, ROOT_OID)).toBe('root 3');
      await recovered.close();
    }
  });

  it('an unfinished (checkpoint) last transaction is cut off by a writable open and ignored read-only', async () => {
    const { bytes, transactions } = await sample();
    const last = transactions.at(-1)!;
    const damaged = Buffer.from(bytes);
    damaged[last.pos + 16] = 'c'.charCodeAt(0);
    const path = writeVariant(damaged);
    expect([...checkDataFile(path)].map((f) => [f.kind, f.severity])).toEqual([
      ['unfinished-transaction', 'warning'],
    ]);
    const reader = new FileStorage(path, { readOnly: true });
    expect(reader.lastTransaction()).toBe(transactions.at(-2)!.tid);
    await reader.close();
    expect(fs.statSync(path).size).toBe(bytes.length);
    const writer = new FileStorage(path);
    expect(writer.recoveredTailBytes).toBe(bytes.length - last.pos);
    expect(valueAt(writer, ROOT_OID)).toBe('root 3');
    await commit(writer, [{ oid: ROOT_OID, data: record('root 5') }]);
    await writer.close();
    expect([...checkDataFile(path)]).toEqual([]);
  });

  /**
   * Damage to the second transaction: the byte (from the transaction's or its
   * first record's position), the xor mask, what check() reports, and whether
   * recovery must drop the transaction or can keep it (a previous-record
   * pointer is rewritten anyway; a changed oid is structurally valid).
   */
  const middleDamage: [
    string,
    (tpos: number, firstRecord: number) => number,
    number,
    CheckFindingKind,
    'drops' | 'keeps',
  ][] = [
    ['tid lowered', (t) => t + 3, 0x04, 'tid-not-increasing', 'drops'],
    ['length changed', (t) => t + 15, 0x08, 'trailer-mismatch', 'drops'],
    ['status garbled', (t) => t + 16, 0x41, 'invalid-status', 'drops'],
    ['status set to checkpoint', (t) => t + 16, 0x43, 'checkpoint-in-middle', 'drops'],
    ['description length changed', (t) => t + 20, 0x01, 'record-outside-transaction', 'drops'],
    ['record oid changed', (_t, r) => r + 7, 0x01, 'bad-previous-pointer', 'keeps'],
    ['record tid changed', (_t, r) => r + 15, 0x01, 'record-tid-mismatch', 'drops'],
    ['record previous pointer changed', (_t, r) => r + 23, 0x01, 'bad-previous-pointer', 'keeps'],
    [
      'record transaction pointer changed',
      (_t, r) => r + 31,
      0x01,
      'record-transaction-pointer',
      'drops',
    ],
    ['record version length set', (_t, r) => r + 33, 0x01, 'record-version', 'drops'],
    ['record data length changed', (_t, r) => r + 41, 0x10, 'record-outside-transaction', 'drops'],
  ];

  it.each(middleDamage)(
    'a flipped byte in the middle (%s) is a CorruptedDataError on open, a finding, and recoverable',
    async (_name, at, mask, kind, recovery) => {
      const { bytes, transactions } = await sample();
      const second = transactions[1]!;
      const damaged = Buffer.from(bytes);
      damaged[at(second.pos, firstRecordOf(bytes, second.pos))]! ^= mask;
      const path = writeVariant(damaged);
      const error = openError(path, false);
      expect(error.path).toBe(path);
      expect(error.offset).toBeGreaterThanOrEqual(second.pos);
      expect(fs.readFileSync(path)).toEqual(damaged);
      const findings = [...checkDataFile(path)];
      expect(findings.map((f) => f.kind)).toContain(kind);
      expect(findings.every((f) => f.offset >= second.pos)).toBe(true);
      const report = await recoverFileStorage(path);
      if (recovery === 'drops') {
        expect(report.transactionsKept).toBe(3);
        expect(report.dropped.map((d) => d.offset)).toEqual([second.pos]);
      } else {
        expect(report.transactionsKept).toBe(4);
        expect(report.dropped).toEqual([]);
      }
      expect([...checkDataFile(report.output)]).toEqual([]);
      const recovered = new FileStorage(report.output, { readOnly: true });
      expect(valueAt(recovered, ROOT_OID)).toBe('root 4');
      await recovered.close();
    },
  );

  it('a reader racing a writer: a committed transaction past the size it looked at is a tail once the file has grown, damage otherwise', async () => {
    // A read-only storage takes the file size, then reads headers; a writer
    // in another process may finish a transaction in between, so the header
    // says "committed" although the size taken earlier cuts it short.
    const { bytes, transactions } = await sample();
    const last = transactions.at(-1)!;
    const path = writeVariant(bytes);
    const file = DataFile.open(path, 'read');
    try {
      const scanFromStart = (concurrentWriter: boolean) =>
        scanTransactions(
          file,
          { index: new OidIndex(), deleted: new OidIndex() },
          { from: 4, lastTid: ZERO_TID, size: last.pos + 40, concurrentWriter },
        );
      const result = scanFromStart(true);
      expect(result.stoppedBy.kind).toBe('tail');
      expect(result.end).toBe(last.pos);
      expect(result.lastTid).toBe(transactions.at(-2)!.tid);
      expect(() => scanFromStart(false)).toThrow(/cut short/);
    } finally {
      file.release();
    }
  });

  it('a file that is not a FileStorage is refused on open with the offset 0', () => {
    const path = writeVariant(Buffer.from('PK\x03\x04 not a database'));
    const error = openError(path, true);
    expect(error.offset).toBe(0);
    expect(error.path).toBe(path);
  });
});

/** Position of the first data record of the transaction at `tpos`. */
function firstRecordOf(bytes: Buffer, tpos: number): number {
  const userBytes = bytes.readUInt16BE(tpos + 17);
  const descriptionBytes = bytes.readUInt16BE(tpos + 19);
  const extensionBytes = bytes.readUInt16BE(tpos + 21);
  const start = tpos + TRANSACTION_HEADER_BYTES + userBytes + descriptionBytes + extensionBytes;
  expect(bytes.length).toBeGreaterThan(start + DATA_HEADER_BYTES);
  return start;
}
