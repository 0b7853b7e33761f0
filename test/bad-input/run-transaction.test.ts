/**
 * runTransaction misuse: what is not a pool or not a function, closed pools, closures whose work would
 * run after the commit (async and generator functions, returned thenables and generator objects), and
 * transactions across pools. Each refusal is typed, commits nothing, and rolls back what the closure
 * did before it was refused.
 */
import * as native from '@pmemts/native';
import { Pool, PoolClosedError, TransactionError, runTransaction } from '@pmemts/core';
import { Counter, Point, tempDir } from '../core/fixtures';
import { expectOutcome, expectRefusedUnchanged, refused, type Outcome } from './harness';

const tmp = tempDir('bad-tx');
afterAll(() => tmp.cleanup());
const types = [Point, Counter];
const MiB = 1024 * 1024;

let pool: Pool;
let other: Pool;
let closed: Pool;
let counter: Counter;
let otherCounter: Counter;
beforeAll(() => {
  pool = Pool.create(tmp.file('main'), { types, size: 8 * MiB });
  other = Pool.create(tmp.file('other'), { types, size: 8 * MiB });
  closed = Pool.create(tmp.file('closed'), { types, size: 8 * MiB });
  closed.close();
  counter = pool.create(Counter, { value: 1n, touched: 1 });
  otherCounter = other.create(Counter, { value: 1n, touched: 1 });
});
afterAll(() => {
  pool.close();
  other.close();
});

/** A row's closure records whether its body ran, so "refused before it ran" is checked, not assumed. */
let bodyRan = false;
const touch = () => {
  bodyRan = true;
  counter.value = 99n;
};

interface Row {
  readonly label: string;
  readonly call: () => unknown;
  readonly outcome: Outcome;
  /** Whether the closure's body runs before the refusal (it is then rolled back). */
  readonly bodyRuns: boolean;
}

function* generatorTouching(): Generator<number> {
  touch();
  yield 1;
}

const rows: Row[] = [
  { label: 'pool is undefined', call: () => runTransaction(undefined as never, touch), outcome: refused(TypeError, /runTransaction: pool must be a Pool, got undefined/), bodyRuns: false },
  { label: 'pool is a plain object', call: () => runTransaction({} as never, touch), outcome: refused(TypeError, /pool must be a Pool, got Object/), bodyRuns: false },
  { label: 'pool is a native pool handle', call: () => runTransaction(nativeHandle() as never, touch), outcome: refused(TypeError, /pool must be a Pool/), bodyRuns: false },
  { label: 'pool is closed', call: () => runTransaction(closed, touch), outcome: refused(PoolClosedError, 'POOL_CLOSED'), bodyRuns: false },
  { label: 'fn is undefined', call: () => runTransaction(pool, undefined as never), outcome: refused(TypeError, /runTransaction: fn must be a function, got undefined/), bodyRuns: false },
  { label: 'fn is a string', call: () => runTransaction(pool, 'touch' as never), outcome: refused(TypeError, /fn must be a function, got string/), bodyRuns: false },
  { label: 'fn is an object with a call method', call: () => runTransaction(pool, { call: touch } as never), outcome: refused(TypeError, /fn must be a function/), bodyRuns: false },
  { label: 'an async function', call: () => runTransaction(pool, (async () => touch()) as never), outcome: refused(TransactionError, 'TX_ASYNC'), bodyRuns: false },
  { label: 'a bound async function', call: () => runTransaction(pool, (async () => touch()).bind(null) as never), outcome: refused(TransactionError, 'TX_ASYNC'), bodyRuns: false },
  { label: 'a generator function', call: () => runTransaction(pool, generatorTouching as never), outcome: refused(TransactionError, 'TX_GENERATOR'), bodyRuns: false },
  {
    label: 'an async generator function',
    call: () => runTransaction(pool, async function* () { touch(); } as never),
    outcome: refused(TransactionError, 'TX_GENERATOR'),
    bodyRuns: false,
  },
  { label: 'a closure returning a Promise', call: () => runTransaction(pool, () => { touch(); return Promise.resolve(1); }), outcome: refused(TransactionError, 'TX_ASYNC'), bodyRuns: true },
  { label: 'a closure returning a thenable', call: () => runTransaction(pool, () => { touch(); return { then() {} }; }), outcome: refused(TransactionError, 'TX_ASYNC'), bodyRuns: true },
  {
    label: 'a closure returning a generator object',
    call: () => runTransaction(pool, () => { touch(); return generatorTouching(); }),
    outcome: refused(TransactionError, 'TX_GENERATOR'),
    bodyRuns: true,
  },
  {
    label: 'a closure returning pool.objects() (a lazy walk)',
    call: () => runTransaction(pool, () => { touch(); return pool.objects(Counter); }),
    outcome: refused(TransactionError, 'TX_GENERATOR'),
    bodyRuns: true,
  },
  {
    label: 'a transaction of another pool inside this one',
    call: () => runTransaction(pool, () => { touch(); return runTransaction(other, () => { otherCounter.value = 99n; }); }),
    outcome: refused(TransactionError, 'TX_OTHER_POOL'),
    bodyRuns: true,
  },
  {
    label: 'a generator function nested inside a transaction (refused, and the outer one aborted by its throw)',
    call: () => runTransaction(pool, () => { touch(); runTransaction(pool, generatorTouching as never); }),
    outcome: refused(TransactionError, 'TX_GENERATOR'),
    bodyRuns: true,
  },
  {
    label: 'closing the pool inside its transaction',
    call: () => runTransaction(pool, () => { touch(); pool.close(); }),
    outcome: refused(TransactionError, 'TX_OPEN'),
    bodyRuns: true,
  },
];

let handle: native.NativePool | undefined;
function nativeHandle(): native.NativePool {
  handle ??= native.create(tmp.file('native'), 'n', 8 * MiB);
  return handle;
}
afterAll(() => handle?.close());

describe('runTransaction', () => {
  for (const row of rows) {
    test(row.label, () => {
      bodyRan = false;
      const commits = pool.stats().commits;
      const otherImage = { value: otherCounter.value, touched: otherCounter.touched };
      expectRefusedUnchanged(pool, [counter], row.call, row.outcome as never);
      expect(bodyRan).toBe(row.bodyRuns);
      expect(pool.stats().commits).toBe(commits);
      expect({ value: otherCounter.value, touched: otherCounter.touched }).toEqual(otherImage);
      // The pool is still usable: no transaction was left open.
      runTransaction(pool, () => { counter.touched += 1; });
      runTransaction(pool, () => { counter.touched -= 1; });
    });
  }

  test('a refused inner call that ran nothing does not doom an outer transaction that catches it', () => {
    runTransaction(pool, () => {
      counter.touched = 5;
      expectOutcome(() => runTransaction(pool, generatorTouching as never), refused(TransactionError, 'TX_GENERATOR'));
      expectOutcome(() => runTransaction(pool, 42 as never), refused(TypeError, /fn must be a function/));
    });
    expect(counter.touched).toBe(5);
    runTransaction(pool, () => { counter.touched = 1; });
  });

  test('a closure may return an iterator that is not a generator (its work is done): it commits', () => {
    const values = runTransaction(pool, () => {
      counter.touched = 2;
      return [...pool.objects(Counter)].map((c) => c.touched).values();
    });
    expect([...values]).toEqual([2]);
    expect(counter.touched).toBe(2);
    runTransaction(pool, () => { counter.touched = 1; });
  });

  test('a throw of a non-Error is rethrown unchanged, and rolls back', () => {
    let thrown: unknown;
    try {
      runTransaction(pool, () => { counter.value = 5n; throw 42; }); // eslint-disable-line no-throw-literal
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(42);
    expect(counter.value).toBe(1n);
  });
});
