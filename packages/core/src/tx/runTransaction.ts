import { TransactionError } from '@pmemts/native';
import { Pool } from '../pool/Pool';
import type { TransactionState } from './TransactionState';

/**
 * Runs `fn` inside one libpmemobj transaction of `pool` and returns its value. When it returns, the
 * transaction is committed (durable to the level of the pool's mode, see docs/guarantees.md). If `fn`
 * throws, the transaction is aborted (stores, allocations and frees rolled back, views show the old
 * values) and the error is rethrown unchanged. Nested calls join the outer transaction; an inner throw
 * aborts the whole chain even if the outer closure catches it.
 *
 * @throws {TransactionError} when `fn` returns a Promise/thenable (a libpmemobj transaction belongs to
 * the thread: awaiting inside it would interleave unrelated work), when an inner call failed, or when
 * another pool is in a transaction.
 */
export function runTransaction<T>(pool: Pool, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('runTransaction: fn must be a function');
  const tx = Pool.sessionOf(pool).tx;
  if (tx.active) return runNested(tx, fn);
  tx.begin();
  try {
    const result = fn();
    rejectThenable(result);
    if (tx.failure !== null) {
      throw new TransactionError('runTransaction: an inner runTransaction threw, so the whole transaction was aborted', 'TX_INNER_FAILED', undefined, { cause: tx.failure.error });
    }
    tx.commit();
    return result;
  } catch (error) {
    if (tx.active) tx.abort();
    throw error;
  }
}

function runNested<T>(tx: TransactionState, fn: () => T): T {
  tx.depth++;
  try {
    const result = fn();
    rejectThenable(result);
    return result;
  } catch (error) {
    tx.failure ??= { error };
    throw error;
  } finally {
    tx.depth--;
  }
}

function rejectThenable(result: unknown): void {
  if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') {
    // The promise's own outcome no longer matters: the transaction is aborted. Observe it so a later
    // rejection is not reported as unhandled on top of this error.
    (result as PromiseLike<unknown>).then(undefined, () => undefined);
    throw new TransactionError(
      'runTransaction: the closure returned a Promise. A libpmemobj transaction belongs to the thread and cannot span an await; do the async work before or after, and keep the closure synchronous',
      'TX_ASYNC',
    );
  }
}
