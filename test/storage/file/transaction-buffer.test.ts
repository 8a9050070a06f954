import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataFile } from '../../../src/storage/file/data-file.js';
import { COPY_CHUNK_BYTES } from '../../../src/storage/file/limits.js';
import { TransactionBuffer } from '../../../src/storage/file/transaction-buffer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zodb-txbuf-'));
  dirs.push(dir);
  return dir;
}

function buffer(memoryMax = 8 << 20, dir = tempDir()): TransactionBuffer {
  return new TransactionBuffer(join(dir, 'Data.fs.tmp'), memoryMax);
}

/** `length` bytes that differ from one offset to the next (a byte pattern from `seed`). */
function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seed * 31 + i * 7) & 0xff;
  return bytes;
}

function fill(target: TransactionBuffer, bytes: number, value: number): void {
  const chunk = new Uint8Array(64 * 1024).fill(value);
  for (let done = 0; done < bytes; done += chunk.length) {
    target.append(chunk.subarray(0, Math.min(chunk.length, bytes - done)));
  }
}

describe('the transaction buffer', () => {
  it('keeps every byte while its block grows past 1 MiB in one step', () => {
    const b = buffer();
    fill(b, 3 << 20, 7);
    b.append(new Uint8Array([1, 2, 3]));
    expect(b.length).toBe((3 << 20) + 3);
    expect([...b.read(0, 2)]).toEqual([7, 7]);
    expect([...b.read(3 << 20, 3)]).toEqual([1, 2, 3]);
    expect(b.memoryBlock.length).toBe(8 << 20);
  });

  it('keeps a large block for the next large transaction, and lets it go after a small one', () => {
    const b = buffer();
    fill(b, 3 << 20, 1);
    const large = b.memoryBlock;
    b.reset();
    expect(b.memoryBlock).toBe(large);
    fill(b, 1000, 2);
    expect(b.memoryBlock).toBe(large);
    expect([...b.read(0, 1)]).toEqual([2]);
    b.reset();
    expect(b.memoryBlock.length).toBeLessThan(1 << 20);
  });

  it('spills past its memory cap, staging small appends, and gives back every byte in order', () => {
    const dir = tempDir();
    const b = buffer(4096, dir);
    const model: number[] = [];
    const add = (bytes: Uint8Array) => {
      b.append(bytes);
      for (const byte of bytes) model.push(byte);
    };
    // Small records (staged), one record larger than the staging block
    // (written at once), then small ones again.
    for (let i = 0; i < 300; i++) add(pattern(37 + (i % 200), i));
    add(pattern(COPY_CHUNK_BYTES + 123, 999));
    for (let i = 0; i < 50; i++) add(pattern(501, 1000 + i));
    expect(b.length).toBe(model.length);
    // Reads across the memory block, written and staged spilled bytes.
    for (const [offset, length] of [
      [0, 10],
      [4000, 200],
      [20_000, 5000],
      [model.length - 700, 700],
    ] as const) {
      expect([...b.read(offset, length)]).toEqual(model.slice(offset, offset + length));
    }
    add(pattern(10, 5000));
    const file = DataFile.open(join(dir, 'Data.fs'), 'create');
    b.writeTo(file, 4, new Uint8Array([0xee]));
    file.release();
    const written = readFileSync(join(dir, 'Data.fs'));
    expect(written.length).toBe(4 + model.length + 1);
    expect(Buffer.compare(written.subarray(4, 4 + model.length), Buffer.from(model))).toBe(0);
    expect(written[4 + model.length]).toBe(0xee);
  });

  it('writes spilled bytes to the spill file a staging block at a time, not per record', () => {
    const dir = tempDir();
    const b = buffer(1024, dir);
    for (let i = 0; i < 100; i++) b.append(pattern(100, i));
    // Nothing past the memory cap is on disk yet: it is all staged.
    const spill = join(dir, 'Data.fs.tmp');
    expect(statSync(spill, { throwIfNoEntry: false })?.size ?? 0).toBe(0);
    b.read(2000, 10);
    expect(statSync(spill).size).toBe(100 * 100 - 1000);
    b.reset();
    b.append(pattern(2000, 1));
    expect([...b.read(1500, 10)]).toEqual([...pattern(2000, 1).subarray(1500, 1510)]);
    b.close();
  });
});
