import type { CheckpointResult } from '@pmemts/core';
import { UsageError } from '../errors';
import type { Inspected } from '../open';

/** `pmemts checkpoint <pool> <file>`: a consistent copy of the pool (opened to look: the pool itself is not written). */
export function checkpoint({ pool }: Inspected, target: string, overwrite: boolean): CheckpointResult & { mbPerSecond: number } {
  try {
    const result = pool.checkpoint(target, { overwrite });
    return { ...result, mbPerSecond: result.bytes / 1024 / 1024 / (result.ms / 1000) };
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}
