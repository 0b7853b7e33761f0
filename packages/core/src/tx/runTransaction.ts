import { TransactionError } from '@pmemts/native';
import { Pool } from '../pool/Pool';

/**
 * Runs `fn` inside one libpmemobj transaction of `pool` and returns its value. When it returns, the
 * transaction is committed (durable to the level of the pool's mode, see docs/guarantees.md). If `fn`
 * throws, the transaction is aborted (stores, allocations and frees rolled back, views show the old
 * values) and the error is rethrown unchanged. Nested calls join the outer transaction; an inner throw
 * aborts the whole chain even if the outer closure catches it.
 *
 * `fn` must do its work before it returns: async and generator functions are refused before they run
 * (their bodies would run after the commit, outside the transaction), and so is a closure that returns
 * a Promise/thenable or a generator object (the transaction is then aborted).
 *
 * @throws {TypeError} when `pool` is not a Pool or `fn` is not a function.
 * @throws {PoolClosedError} when the pool is closed.
 * @throws {TransactionError} TX_ASYNC for an async function or a returned thenable, TX_GENERATOR for a
 * generator function or a returned generator object, TX_INNER_FAILED when an inner call failed,
 * TX_OTHER_POOL when another pool is in a transaction.
 */
export function runTransaction<T>(pool: Pool, fn: () => T): T {
  if (!(pool instanceof Pool)) throw new TypeError(`runTransaction: pool must be a Pool, got ${describeArgument(pool)}`);
  if (typeof fn !== 'function') throw new TypeError(`runTransaction: fn must be a function, got ${describeArgument(fn)}`);
  rejectDeferredFunction(fn);
  return Pool.sessionOf(pool).tx.atomically(() => {
    const result = fn();
    rejectDeferredResult(result);
    return result;
  });
}

const ASYNC_MESSAGE =
  'A libpmemobj transaction belongs to the thread and cannot span an await; do the async work before or after, and keep the closure synchronous';
const GENERATOR_MESSAGE =
  'its body runs only when iterated, after the commit and outside the transaction; make the closure do its work and return the values (e.g. an array)';

/** Async and generator functions are known by their kind before they run: refuse them with nothing begun. */
function rejectDeferredFunction(fn: Function): void {
  // Plain and arrow functions inherit Function as their constructor: one property load, no string.
  if (fn.constructor === Function) return;
  const kind = Object.prototype.toString.call(fn);
  if (kind === '[object AsyncFunction]') {
    throw new TransactionError(`runTransaction: fn is an async function (it returns a Promise). ${ASYNC_MESSAGE}`, 'TX_ASYNC');
  }
  if (kind === '[object GeneratorFunction]' || kind === '[object AsyncGeneratorFunction]') {
    throw new TransactionError(`runTransaction: fn is a generator function: ${GENERATOR_MESSAGE}`, 'TX_GENERATOR');
  }
}

/** A closure can still hand back deferred work (a transpiled async function, a generator object made inside). */
function rejectDeferredResult(result: unknown): void {
  if (typeof result !== 'object' || result === null) return;
  const kind = Object.prototype.toString.call(result);
  if (kind === '[object Generator]' || kind === '[object AsyncGenerator]') {
    throw new TransactionError(`runTransaction: the closure returned a generator object: ${GENERATOR_MESSAGE}`, 'TX_GENERATOR');
  }
  if (typeof (result as { then?: unknown }).then === 'function') {
    // The promise's own outcome no longer matters: the transaction is aborted. Observe it so a later
    // rejection is not reported as unhandled on top of this error.
    (result as PromiseLike<unknown>).then(undefined, () => undefined);
    throw new TransactionError(`runTransaction: the closure returned a Promise. ${ASYNC_MESSAGE}`, 'TX_ASYNC');
  }
}

function describeArgument(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
