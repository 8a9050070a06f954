import { describe, expect, it } from 'vitest';
import { RevisionTable } from '../../src/storage/mapping/revision-table.js';
import type { Revision } from '../../src/storage/mapping/revisions.js';

const meta = { tid: 0n, user: '', description: '', extension: {} };

function revision(
  oid: number,
  tid: bigint,
  data: Uint8Array | null = new Uint8Array([1]),
): Revision {
  return { oid, tid, serial: tid, data, dataTxn: undefined, meta };
}

describe('RevisionTable', () => {
  it('keeps each object revisions oldest first, one or many', () => {
    const table = new RevisionTable();
    const a1 = revision(1, 10n);
    table.append(a1);
    expect(table.get(1)).toEqual([a1]);
    expect(table.current(1)).toBe(a1);
    const a2 = revision(1, 20n, null);
    const a3 = revision(1, 30n);
    table.append(a2);
    table.append(a3);
    expect(table.get(1)).toEqual([a1, a2, a3]);
    expect(table.current(1)).toBe(a3);
    expect(table.size).toBe(1);
    expect(table.get(2)).toBeUndefined();
  });

  it('finds the revision current at a tid without a list for a lone revision', () => {
    const table = new RevisionTable();
    table.append(revision(5, 10n));
    expect(table.currentAt(5, 9n)).toBeUndefined();
    expect(table.currentAt(5, 10n)?.tid).toBe(10n);
    table.append(revision(5, 20n));
    expect(table.currentAt(5, 19n)?.tid).toBe(10n);
    expect(table.currentAt(5, 25n)?.tid).toBe(20n);
    expect(table.currentAt(6, 25n)).toBeUndefined();
  });

  it('iterates in oid order and takes whole lists from pack', () => {
    const table = new RevisionTable();
    table.setList(9, [revision(9, 1n), revision(9, 2n)]);
    table.setList(3, [revision(3, 1n)]);
    expect([...table.keys()]).toEqual([3, 9]);
    expect([...table.values()].map((list) => list.length)).toEqual([1, 2]);
    expect(table.has(3)).toBe(true);
  });
});
