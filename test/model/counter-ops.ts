/**
 * Counter operations of the model-based tester. A counter's model value is its sum (a bigint, like a
 * u64 leaf), and an add is a store of the new sum with the class's own rules (rolled back with a
 * Transaction-level transaction, not with a Flush/None one; TX_REQUIRED outside one at the Transaction
 * level). Assigning a counter is an ordinary store of its leaf (generator.ts VALID/INVALID). The
 * generator's side is counter-generator.ts (this file runs in the crash tests' children too).
 */
import { COUNTER_MAX, TransactionError, type PCounter } from '@pmemts/core';
import type { ClassSlot } from './classes';
import type { Model } from './model';
import type { Op } from './program';

type Row = Record<string, unknown>;
type AddOp = Extract<Op, { op: 'add' }>;

export interface CounterContext {
  readonly model: Model;
  view(at: ClassSlot): Row;
  fail(message: string): never;
  describe(error: unknown): string;
}

/** Why `add(n)` must refuse `n` whatever the counter holds, or null for a non-negative safe integer or bigint. */
function badAmount(n: bigint | number): 'TypeError' | 'RangeError' | null {
  if (typeof n === 'bigint') return n < 0n ? 'RangeError' : null;
  if (!Number.isSafeInteger(n)) return 'TypeError';
  return n < 0 ? 'RangeError' : null;
}

/** Runs an add on the pool and the model; the pool must refuse what the model refuses, with nothing changed. */
export function runCounterOp(ctx: CounterContext, op: AddOp): void {
  const { model, fail, describe } = ctx;
  const o = model.object(op.at);
  if (o === null) return;
  const counter = ctx.view(op.at)[op.path] as PCounter;
  const bad = badAmount(op.n);
  const refusal = model.refusal(op.at);
  const after = bad === null ? (o.values.get(op.path) as bigint) + BigInt(op.n) : 0n;
  const expected = bad ?? refusal ?? (after > COUNTER_MAX ? 'RangeError' : null);
  let got: string | null = null;
  try {
    counter.add(op.n);
  } catch (error) {
    got = error instanceof TransactionError ? error.code : error instanceof TypeError || error instanceof RangeError ? error.name : `unexpected ${describe(error)}`;
  }
  if (got !== expected) fail(`${op.path}.add(${String(op.n)}): expected ${expected ?? 'success'}, got ${got ?? 'success'}`);
  if (expected === null) model.store(o, op.path, after);
}
