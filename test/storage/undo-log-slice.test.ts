import { describe, expect, it } from 'vitest';
import { sliceUndoLog, undoSpecificationFilter } from '../../src/storage/undo-log-slice.js';
import type { UndoLogEntry } from '../../src/storage/interfaces.js';

const log = Array.from({ length: 30 }, (_, i) => i); // newest first: 0 is the newest

function entry(over: Partial<UndoLogEntry>): UndoLogEntry {
  return {
    id: 'x',
    tid: 1n,
    time: new Date(0),
    user: '',
    description: '',
    extension: {},
    size: 0,
    ...over,
  };
}

describe('sliceUndoLog', () => {
  it('returns the 20 newest entries by default', () => {
    expect(sliceUndoLog(log)).toEqual(log.slice(0, 20));
  });

  it('returns entries first up to (not including) a positive last', () => {
    expect(sliceUndoLog(log, 3, 7)).toEqual([3, 4, 5, 6]);
  });

  it('reads a negative last as a count starting at first', () => {
    expect(sliceUndoLog(log, 5, -3)).toEqual([5, 6, 7]);
  });

  it('is empty when last is not past first', () => {
    expect(sliceUndoLog(log, 5, 5)).toEqual([]);
    expect(sliceUndoLog(log, 5, 2)).toEqual([]);
  });

  it('counts only entries that pass the filter', () => {
    const even = (n: number): boolean => n % 2 === 0;
    expect(sliceUndoLog(log, 1, -3, even)).toEqual([2, 4, 6]);
  });

  it('stops reading the log once the slice is complete', () => {
    let read = 0;
    function* entries(): Generator<number> {
      for (const n of log) {
        read++;
        yield n;
      }
    }
    expect(sliceUndoLog(entries(), 0, 2)).toEqual([0, 1]);
    expect(read).toBe(2);
  });

  it('returns what there is when the log is shorter than the slice', () => {
    expect(sliceUndoLog([0, 1], 0, -20)).toEqual([0, 1]);
  });
});

describe('undoSpecificationFilter', () => {
  it('matches entries whose given fields are all equal', () => {
    const filter = undoSpecificationFilter({ user: 'bob', tid: 7n });
    expect(filter?.(entry({ user: 'bob', tid: 7n }))).toBe(true);
    expect(filter?.(entry({ user: 'bob', tid: 8n }))).toBe(false);
    expect(filter?.(entry({ user: 'ann', tid: 7n }))).toBe(false);
  });

  it('compares times by instant and extensions structurally', () => {
    const filter = undoSpecificationFilter({ time: new Date(5), extension: { a: [1, { b: 2 }] } });
    expect(filter?.(entry({ time: new Date(5), extension: { a: [1, { b: 2 }] } }))).toBe(true);
    expect(filter?.(entry({ time: new Date(5), extension: { a: [1, { b: 3 }] } }))).toBe(false);
    expect(filter?.(entry({ time: new Date(6), extension: { a: [1, { b: 2 }] } }))).toBe(false);
  });

  it('is no filter at all for a missing or empty specification', () => {
    expect(undoSpecificationFilter(undefined)).toBeUndefined();
    expect(undoSpecificationFilter({})).toBeUndefined();
  });
});
