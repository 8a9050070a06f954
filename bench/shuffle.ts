/**
 * The benchmarks' key order: a uniform random permutation, the same on
 * every run. Fisher-Yates driven by mulberry32 from seed 42, whose 32-bit
 * integer steps are exact in JavaScript; bench/python/btrees_reference.py
 * makes the same permutation for Python.
 */
export function shuffled<T>(items: T[]): T[] {
  let state = 42;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
