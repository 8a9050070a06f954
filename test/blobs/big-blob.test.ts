/**
 * A big blob goes through streams without being held in memory. The size
 * is ~200 MB by default and 2 GB with `ZODB_BIG_TESTS=1`.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { Blob } from '../../src/blob/index.js';
import { blobDB } from './support.js';

const SIZE = process.env.ZODB_BIG_TESTS === '1' ? 2 * 1024 ** 3 : 200 * 1024 ** 2;
const CHUNK = 1024 * 1024;

/** `SIZE` bytes of a repeating pattern, produced chunk by chunk. */
function* chunks(): Generator<Buffer> {
  const chunk = Buffer.alloc(CHUNK);
  for (let i = 0; i < CHUNK; i++) chunk[i] = (i * 31) & 0xff;
  for (let written = 0; written < SIZE; written += CHUNK) yield chunk;
}

describe('a big blob', () => {
  it('is written and read back through streams with memory far below its size', async () => {
    const { open } = blobDB();
    const { conn, tm } = open();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const blob = new Blob();
      conn.root.big = blob;
      const expected = createHash('sha256');
      await pipeline(
        Readable.from(chunks()),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            expected.update(chunk);
            yield chunk;
          }
        },
        blob.open('w'),
      );
      await tm.commit();
      expect(statSync(blob.committed()).size).toBe(SIZE);
      const actual = createHash('sha256');
      await pipeline(
        blob.open('r'),
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            actual.update(chunk);
            done();
          },
        }),
      );
      expect(actual.digest('hex')).toBe(expected.digest('hex'));
    } finally {
      clearInterval(sample);
    }
    expect(peak - baseline).toBeLessThan(SIZE / 4);
  }, 600_000);
});
