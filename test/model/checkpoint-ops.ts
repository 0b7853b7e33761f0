/**
 * Checkpoint operation of the model-based tester: `pool.checkpoint()` between transactions. The copy
 * must be the pool file's bytes exactly, apart from pmemts's open flag (one aligned word, set in the
 * open pool, clear in the copy) and libpmemobj's shutdown state (marked clean in the copy), so it
 * holds the state the oracle checks against the model. Write-back data is flushed first, as
 * `pool.flush()` does, so the model flushes too. The generator's side is checkpoint-generator.ts.
 */
import * as fs from 'node:fs';
import type { Pool } from '@pmemts/core';
import type { Model } from './model';

export interface CheckpointContext {
  readonly model: Model;
  pool(): Pool;
  fail(message: string): never;
}

const CHUNK = 64 * 1024;
// libpmemobj's unsafe-shutdown state in the pool header (pool_hdr.sds): dirty while the pool is open, marked clean in the copy.
const SDS = { start: 4024, end: 4088 };

export function runCheckpointOp(ctx: CheckpointContext): void {
  const pool = ctx.pool();
  const target = `${pool.path}.checkpoint`;
  pool.checkpoint(target, { overwrite: true });
  ctx.model.flush();
  const copy = fs.readFileSync(target);
  fs.rmSync(target, { force: true });
  const original = fs.readFileSync(pool.path);
  if (copy.length !== original.length) ctx.fail(`checkpoint: ${copy.length} bytes, the pool has ${original.length}`);
  const differing: number[] = [];
  for (let at = 0; at < copy.length && differing.length <= 4; at += CHUNK) {
    if (copy.compare(original, at, at + CHUNK, at, at + CHUNK) === 0) continue;
    for (let i = at; i < at + CHUNK; i++) if (copy[i] !== original[i] && (i < SDS.start || i >= SDS.end)) differing.push(i);
  }
  const word = differing.length === 0 ? 0 : differing[0] & ~3;
  if (differing.some((i) => (i & ~3) !== word) || (differing.length > 0 && (copy.readUInt32LE(word) !== 0 || original.readUInt32LE(word) !== 1))) {
    ctx.fail(`checkpoint: the copy differs from the pool beyond the open flag, at bytes ${differing.slice(0, 4).join(', ')}`);
  }
  if (copy[SDS.start + 16] !== 0) ctx.fail('checkpoint: the copy\'s shutdown state is still dirty');
}
