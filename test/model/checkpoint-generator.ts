/** fast-check arbitrary of the checkpoint operation (checkpoint-ops.ts): generated between transactions only, since a checkpoint refuses to run inside one. */
import fc from 'fast-check';
import type { Op } from './program';

export const checkpointOp: fc.Arbitrary<Op> = fc.constant({ op: 'checkpoint' as const });
