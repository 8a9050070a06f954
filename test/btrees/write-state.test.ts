import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OOBucket } from '../../src/btrees/index.js';
import { registerClass } from '../../src/index.js';
import { encodeRecord } from '../../src/serialize/index.js';
import type { EncodeContext } from '../../src/serialize/index.js';
import { FAMILIES } from './support/families.js';

/** A context storing every object it is offered as a reference to a made-up oid. */
function refContext(): EncodeContext {
  const oids = new Map<object, number>();
  return {
    persistentRef: (value) => {
      if (!('_isLeaf' in value)) return undefined;
      if (!oids.has(value)) oids.set(value, oids.size + 1);
      return { oid: oids.get(value)!, className: 'test.Leaf' };
    },
  };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

type Leaf = { _p_writeState(): unknown; __getstate__(): unknown };

describe('the state a commit writes for a BTree leaf', () => {
  for (const spec of FAMILIES) {
    it(`${spec.name}: encodes to the bytes of __getstate__, for buckets and sets`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(spec.key, spec.value), { maxLength: 40 }),
          fc.array(spec.key, { maxLength: 10 }),
          fc.boolean(),
          (items, removed, linked) => {
            const bucket = new spec.family.Bucket();
            const set = new spec.family.Set();
            for (const [key, value] of items) {
              bucket.set(key, value);
              set.add(key);
            }
            for (const key of removed) {
              bucket.delete(key);
              set.delete(key);
            }
            if (linked) {
              bucket._next = new spec.family.Bucket();
              set._next = new spec.family.Set();
            }
            for (const leaf of [bucket, set] as Leaf[]) {
              const ctx = refContext();
              expect(hex(encodeRecord('test.Leaf', leaf._p_writeState(), ctx))).toBe(
                hex(encodeRecord('test.Leaf', leaf.__getstate__(), ctx)),
              );
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('is what a subclass overriding __getstate__ returns', () => {
    class Tagged extends OOBucket<string, number> {
      override __getstate__(): unknown {
        return ['tagged', super.__getstate__()];
      }
    }
    registerClass(Tagged, 'test.TaggedBucket');
    const bucket = new Tagged();
    bucket.set('a', 1);
    expect(bucket._p_writeState()).toEqual(['tagged', [['a'], [1]]]);
  });
});
