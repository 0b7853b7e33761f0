/** fast-check arbitrary of the space operations (space-ops.ts): generated between transactions only, since both refuse to run inside one. */
import fc from 'fast-check';
import type { Op } from './program';

export const spaceOp: fc.Arbitrary<Op> = fc.record({ op: fc.constant('space' as const), call: fc.constantFrom('collect' as const, 'defrag' as const) });
