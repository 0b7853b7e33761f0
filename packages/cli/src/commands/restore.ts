import { Pool } from '@pmemts/core';
import { UsageError } from '../errors';

/** `pmemts restore <checkpoint> <pool>`: copies a checkpoint (checked first) to the pool's path. */
export function restore(checkpoint: string, target: string, overwrite: boolean): { checkpoint: string; pool: string; ms: number } {
  const started = performance.now();
  try {
    Pool.restore(checkpoint, target, { overwrite });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  return { checkpoint, pool: target, ms: performance.now() - started };
}
