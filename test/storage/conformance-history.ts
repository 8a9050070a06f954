/** Conformance area "history" (ZODB's HistoryStorage). */

import { expect, it } from 'vitest';
import { POSKeyError } from '../../src/errors.js';
import { ZERO_TID } from '../../src/ids.js';
import type { Tid } from '../../src/ids.js';
import { TimeStamp } from '../../src/timestamp.js';
import { commit, record, txnMeta } from './conformance-support.js';
import type { AreaContext } from './conformance-support.js';

/** Defines the "history" area. */
export function defineHistoryTests(ctx: AreaContext): void {
  it('throws POSKeyError for an unknown oid', () => {
    expect(() => ctx.storage().history(77)).toThrow(POSKeyError);
  });

  it('returns the newest `size` revisions, newest first (one by default)', async () => {
    const s = ctx.storage();
    const oid = s.newOid();
    const tids: Tid[] = [];
    for (let i = 0; i < 3; i++) {
      tids.push(await commit(s, [{ oid, data: record(i), serial: tids.at(-1) ?? ZERO_TID }]));
    }
    const newestFirst = [...tids].reverse();
    expect(s.history(oid).map((h) => h.tid)).toEqual(newestFirst.slice(0, 1));
    for (let size = 1; size <= 3; size++) {
      expect(s.history(oid, size).map((h) => h.tid)).toEqual(newestFirst.slice(0, size));
    }
    expect(s.history(oid, 10).map((h) => h.tid)).toEqual(newestFirst);
  });

  it('reports each revision with its time, user, description, extension and data size', async () => {
    const s = ctx.storage();
    const oid = s.newOid();
    const data = record('a value of some length');
    const meta = txnMeta('made it', 'alice', { app: 'test', n: 2 });
    const tid = await commit(s, [{ oid, data, serial: ZERO_TID }], meta);
    const second = await commit(
      s,
      [{ oid, data: record(1), serial: tid }],
      txnMeta('changed it', 'bob'),
    );
    const [newest, oldest] = s.history(oid, 2) as [
      ReturnType<typeof s.history>[0],
      ReturnType<typeof s.history>[0],
    ];
    expect(oldest.tid).toBe(tid);
    expect(oldest.user).toBe('alice');
    expect(oldest.description).toBe('made it');
    expect(oldest.extension).toEqual({ app: 'test', n: 2 });
    expect(oldest.size).toBe(data.length);
    expect(oldest.time.getTime()).toBe(TimeStamp.fromTid(tid).toDate().getTime());
    expect(newest.tid).toBe(second);
    expect(newest.user).toBe('bob');
    expect(newest.time.getTime()).toBeGreaterThanOrEqual(oldest.time.getTime());
  });
}
