/** Runs the shared family suite for all nine families. */
import { FAMILIES } from './support/families.js';
import { describeFamily } from './support/family-conformance.js';

for (const spec of FAMILIES) describeFamily(spec);
