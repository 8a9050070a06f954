/**
 * An OidIndex as a section of the index file: it reads back equal (dense
 * pages with and without high words, sparse oids), from aligned and
 * unaligned bytes, and malformed sections are refused rather than loaded.
 */

import { describe, expect, it } from 'vitest';
import { readIndexSection, writeIndexSection } from '../../../src/storage/file/index-sections.js';
import { OidIndex } from '../../../src/storage/file/oid-index.js';

/** Dense oids (positions below and above 4 GiB) and sparse ones, including oids past 2^32. */
function sampleIndex(): OidIndex {
  const index = new OidIndex();
  for (let oid = 0; oid < 10_000; oid++) index.set(oid, 4 + oid * 150);
  for (let oid = 5000; oid < 5100; oid++) index.set(oid, 2 ** 40 + oid); // page 1 needs high words
  for (let oid = 20_000; oid < 20_100; oid++) index.set(oid, 2 ** 40 + oid);
  index.set(1_000_000, 77);
  index.set(2 ** 40, 2 ** 47);
  return index;
}

function sectionBytes(index: OidIndex, lead = 0): Uint8Array {
  const parts: Uint8Array[] = [new Uint8Array(lead)];
  writeIndexSection(index, (bytes) => parts.push(bytes.slice()));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('index file sections', () => {
  it('read back the entries written, with the same size and largest oid', () => {
    const index = sampleIndex();
    const bytes = sectionBytes(index);
    const loaded = new OidIndex();
    expect(readIndexSection(bytes, 0, loaded, index.size)).toBe(bytes.length);
    expect([...loaded.entries()]).toEqual([...index.entries()]);
    expect(loaded.maxOid).toBe(index.maxOid);
  });

  it('read the same from bytes that are not aligned for typed-array views', () => {
    const index = sampleIndex();
    const bytes = sectionBytes(index, 1);
    const loaded = new OidIndex();
    expect(readIndexSection(bytes, 1, loaded, index.size)).toBe(bytes.length);
    expect([...loaded.entries()]).toEqual([...index.entries()]);
  });

  it('leave a loaded index fully usable: later sets, deletes and new pages', () => {
    const loaded = new OidIndex();
    const bytes = sectionBytes(sampleIndex());
    readIndexSection(bytes, 0, loaded, sampleIndex().size);
    loaded.set(5, 2 ** 45);
    loaded.delete(6);
    loaded.set(10_000, 9);
    expect([loaded.get(5), loaded.get(6), loaded.get(10_000), loaded.get(7)]).toEqual([
      2 ** 45,
      undefined,
      9,
      4 + 7 * 150,
    ]);
  });

  it('are refused when the entry count differs from the header', () => {
    const index = sampleIndex();
    expect(readIndexSection(sectionBytes(index), 0, new OidIndex(), index.size + 1)).toBe(-1);
  });

  it('are refused when cut short or when page numbers do not increase', () => {
    const index = sampleIndex();
    const bytes = sectionBytes(index);
    expect(
      readIndexSection(bytes.subarray(0, bytes.length - 1), 0, new OidIndex(), index.size),
    ).toBe(-1);
    const swapped = bytes.slice();
    const view = new DataView(swapped.buffer);
    view.setUint32(8, 1); // the first page claims number 1, the second is page 1 too
    expect(readIndexSection(swapped, 0, new OidIndex(), index.size)).toBe(-1);
  });
});
