/**
 * Space operations of the model-based tester: `pool.collect()` and `pool.defrag()` between
 * transactions. Every object a program keeps is reachable from the root, so a collection must free
 * nothing, and a defragmentation must change no value (the oracle compares every object after each
 * step, through views that must follow their moved objects). Both first persist write-back data, as
 * `pool.flush()` does, so the model flushes too. The generator's side is space-generator.ts (this file
 * runs in the crash tests' children too, where a kill or a power failure can land inside either).
 */
import { OutOfSpaceError, type Pool } from '@pmemts/core';
import type { Model } from './model';
import type { Op } from './program';

type SpaceOp = Extract<Op, { op: 'space' }>;

export interface SpaceContext {
  readonly model: Model;
  pool(): Pool;
  fail(message: string): never;
}

export function runSpaceOp(ctx: SpaceContext, op: SpaceOp): void {
  const pool = ctx.pool();
  if (op.call === 'collect') {
    const report = pool.collect();
    if (report.collected.length > 0) ctx.fail(`collect freed ${report.collected.length} allocations of a pool whose every object is reachable: ${report.collected.slice(0, 3).map((c) => `${c.type}@${c.offset}`).join(', ')}`);
  } else {
    try {
      pool.defrag();
    } catch (error) {
      // pmemobj_defrag needs new runs for what it moves, and the tester's 8 MiB pools, with objects of
      // many size classes, can have no chunk left for one: it then stops with OUT_OF_SPACE, the objects
      // moved so far moved consistently (docs/space.md). That is an allowed outcome: the oracle still
      // compares every value after this step. defrag flushes write-back data before anything can fail.
      if (!(error instanceof OutOfSpaceError)) throw error;
    }
  }
  ctx.model.flush();
}
