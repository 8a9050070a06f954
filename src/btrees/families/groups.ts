/**
 * ZODB's family groups: code written against `family32` or `family64`
 * picks its classes by role (`IO`, `OI`, `II`, `IF`, `OO`) and gets the
 * 32-bit or the 64-bit integer families.
 *
 * @module
 */

import { IF } from './if.js';
import { II } from './ii.js';
import { IO } from './io.js';
import { LF } from './lf.js';
import { LL } from './ll.js';
import { LO } from './lo.js';
import { OI } from './oi.js';
import { OL } from './ol.js';
import { OO } from './oo.js';

/** The 32-bit integer families: `I` is a 32-bit signed integer. */
export const family32 = {
  OO,
  IO,
  OI,
  II,
  IF,
  /** Smallest integer key or value. */
  minint: -0x80000000,
  /** Largest integer key or value. */
  maxint: 0x7fffffff,
} as const;

/** The 64-bit integer families: the `IO` role is `LO`, and so on (integers are safe-integer numbers). */
export const family64 = {
  OO,
  IO: LO,
  OI: OL,
  II: LL,
  IF: LF,
  /** Smallest integer key or value. */
  minint: Number.MIN_SAFE_INTEGER,
  /** Largest integer key or value. */
  maxint: Number.MAX_SAFE_INTEGER,
} as const;
