/**
 * Record codec benchmark, a plain script:
 * `node --import tsx src/serialize/codec.bench.ts`.
 *
 * Prints operations per second for encoding and decoding a small record
 * (5 attributes: 2 strings, 2 numbers, a boolean) and a BTree-bucket-like
 * record (60 string keys and 60 persistent references), plus record sizes.
 * Targets: small record >= 400k encodes/s and >= 400k decodes/s.
 */

import { decodeRecord, encodeRecord } from './index.js';
import type { DecodeContext, EncodeContext, PersistentRef } from './index.js';

class Ghost {
  constructor(readonly oid: number) {}
}

const refs = new Map<object, PersistentRef>();
const encodeContext: EncodeContext = { persistentRef: (value) => refs.get(value) };
const ghosts = new Map<number, Ghost>();
const decodeContext: DecodeContext = {
  resolveRef: (ref) => {
    let ghost = ghosts.get(ref.oid);
    if (ghost === undefined) ghosts.set(ref.oid, (ghost = new Ghost(ref.oid)));
    return ghost;
  },
};

const small = { name: 'Ada Lovelace', city: 'London', age: 36, score: 97.5, active: true };

const bucketRefs = Array.from({ length: 60 }, (_, i) => {
  const target = new Ghost(1000 + i);
  refs.set(target, { oid: 1000 + i, className: 'BTrees.OOBTree.OOBucket' });
  return target;
});
const bucket = {
  keys: Array.from({ length: 60 }, (_, i) => `key-${String(i).padStart(9, '0')}`),
  values: bucketRefs,
};

/** Runs `operation` for about `durationMs` (after a warm-up) and returns operations per second. */
function opsPerSecond(operation: () => unknown, durationMs = 1000): number {
  for (let i = 0; i < 20_000; i++) operation();
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < 1000; i++) operation();
    count += 1000;
    now = performance.now();
  }
  return (count * 1000) / (now - start);
}

function report(label: string, state: object): void {
  const bytes = encodeRecord('app.Thing', state, encodeContext);
  const encodes = opsPerSecond(() => encodeRecord('app.Thing', state, encodeContext));
  const decodes = opsPerSecond(() => decodeRecord(bytes, decodeContext));
  const format = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(10);
  process.stdout.write(
    `${label.padEnd(22)} ${String(bytes.byteLength).padStart(5)} B  encode ${format(encodes)} ops/s` +
      `  (${(1e6 / encodes).toFixed(2)} us)  decode ${format(decodes)} ops/s  (${(1e6 / decodes).toFixed(2)} us)\n`,
  );
}

report('small (5 attributes)', small);
report('bucket (60 keys+refs)', bucket);
