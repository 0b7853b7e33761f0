/** fast-check arbitraries of counter adds (run by counter-ops.ts). */
import fc from 'fast-check';
import { COUNTER_MAX } from '@pmemts/core';
import { LEAVES, type ClassSlot } from './classes';
import type { Op } from './program';

const COUNTERS = LEAVES.filter((l) => l.kind === 'counter').map((l) => l.path);

/** Amounts: mostly small (bigint or number), some large enough to overflow a counter assigned a big value, a few refused. */
const amount: fc.Arbitrary<bigint | number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 1000 }) },
  { weight: 3, arbitrary: fc.bigInt(0n, 1000n) },
  { weight: 1, arbitrary: fc.bigInt(2n ** 63n, COUNTER_MAX) },
  { weight: 1, arbitrary: fc.constantFrom<bigint | number>(-1, -1n, 1.5, NaN, Number.MAX_SAFE_INTEGER + 1) },
);

/** An add to a counter field of the object at `at`. */
export function counterOp(at: fc.Arbitrary<ClassSlot>): fc.Arbitrary<Op> {
  return fc.record({ op: fc.constant('add' as const), at, path: fc.constantFrom(...COUNTERS), n: amount });
}
