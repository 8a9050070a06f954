import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TransactionBuffer } from '../../../src/storage/file/transaction-buffer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function buffer(memoryMax = 8 << 20): TransactionBuffer {
  const dir = mkdtempSync(join(tmpdir(), 'zodb-txbuf-'));
  dirs.push(dir);
  return new TransactionBuffer(join(dir, 'Data.fs.tmp'), memoryMax);
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
});
