/**
 * Failpoints: the native layer fails the Nth begin / add-range / alloc / free / commit-time copy / redo
 * publish, once or from then on. For every operation and N (upward until the operation completes), the
 * failure must be a typed error, the transaction aborted, the pool consistent (deep check) and every
 * live view showing the values from before. Failpoints exist only in the addon's test build, which this
 * import selects. The fused native calls (txBeginAddRange, txBeginAlloc) and write-back's redo commit
 * (publishWords) also get targeted tests: nothing left open, reopen shows the old values, a retry works.
 */
import './failpoint-build';
import * as native from '@pmemts/native';
import { isPmemError, Pool, runTransaction, WritePolicy } from '@pmemts/core';
import { accountsOf, INITIAL_BALANCE, openBank, totalOf, transfer, type Bank } from '../../packages/examples/src';
import { Everything, Point, tempDir } from '../core/fixtures';

const tmp = tempDir('failpoints');
afterAll(() => {
  native.setFailpoint();
  tmp.cleanup();
});

test('the failpoint build of the addon is loaded', () => expect(native.NATIVE_BUILD).toBe('failpoints'));

const KINDS: native.FailpointKind[] = ['begin', 'addRange', 'alloc', 'free', 'copy', 'publish'];
let injected = 0;

interface Subject {
  pool: Pool;
  run(): void;
  /** Everything a reader can see, as text: must not change when the operation fails. */
  observe(): string;
}

function sweep(name: string, make: () => Subject): void {
  for (const kind of KINDS) {
    for (const sticky of [false, true]) {
      const subject = make();
      for (let n = 1; n < 500; n++) {
        const before = subject.observe();
        native.setFailpoint(kind, n, sticky);
        let failure: unknown = null;
        try {
          subject.run();
        } catch (error) {
          failure = error;
        } finally {
          native.setFailpoint();
        }
        const report = subject.pool.deepCheck();
        expect({ name, kind, sticky, n, problems: report.problems }).toEqual({ name, kind, sticky, n, problems: [] });
        if (failure === null) break; // the Nth call was never reached: the operation completed
        injected++;
        expect(isPmemError(failure)).toBe(true);
        expect({ name, kind, sticky, n, state: subject.observe() }).toEqual({ name, kind, sticky, n, state: before });
      }
      subject.pool.close();
    }
  }
}

function bankSubject(policy: WritePolicy): () => Subject {
  return () => {
    const { pool, bank } = openBank(tmp.file(`bank-${policy}`), 4, { memory: { writePolicy: policy } });
    const accounts = accountsOf(bank);
    return {
      pool,
      run: () =>
        runTransaction(pool, () => {
          transfer(pool, bank, accounts[0], accounts[1], 3n);
          pool.free(pool.create(accounts[0].constructor as never));
        }),
      observe: () => describe(bank),
    };
  };
}

function describe(bank: Bank): string {
  const accounts = accountsOf(bank).map((a) => `${a.owner}:${a.balance}:${a.transfers}`);
  return `${bank.transferCount} ${totalOf(bank)} ${accounts.join(',')} last=${bank.lastTransfer?.amount ?? '-'}`;
}

test('bank transfers (write-through) survive every injected failure', () => sweep('transfer/wt', bankSubject(WritePolicy.WriteThrough)));
test('bank transfers (write-back) survive every injected failure', () => sweep('transfer/wb', bankSubject(WritePolicy.WriteBack)));

test('heap strings, object creation and free survive every injected failure', () =>
  sweep('objects', () => {
    const pool = Pool.create(tmp.file('objects'), { types: [Everything, Point] });
    const keep = pool.root(Everything);
    runTransaction(pool, () => {
      keep.essay = 'first';
      keep.other = pool.create(Everything, { essay: 'child', name: 'c' });
    });
    let round = 0;
    return {
      pool,
      run: () => {
        round++;
        runTransaction(pool, () => {
          keep.essay = `essay ${round} `.repeat(20);
          keep.u32 = round;
          const old = keep.other;
          keep.other = pool.create(Everything, { essay: `child ${round}`, name: 'c' });
          if (old) pool.free(old);
        });
      },
      observe: () => `${keep.u32} ${keep.essay} ${keep.other?.essay} ${[...pool.objects(Everything)].length}`,
    };
  }));

test('one-word write-back commits (the redo path) survive every injected failure', () =>
  sweep('redo', () => {
    const { pool, bank } = openBank(tmp.file('redo-sweep'), 4, { memory: { writePolicy: WritePolicy.WriteBack } });
    const [account] = accountsOf(bank);
    return {
      pool,
      run: () => {
        const redo = pool.stats().redoCommits;
        runTransaction(pool, () => (account.balance += 1n));
        expect(pool.stats().redoCommits).toBe(redo + 1);
      },
      observe: () => describe(bank),
    };
  }));

test('store-only write-back transfers (undo in a transaction of their own, runBatch) survive every injected failure', () =>
  sweep('store-only', () => {
    const { pool, bank } = openBank(tmp.file('store-only-sweep'), 4, { memory: { writePolicy: WritePolicy.WriteBack } });
    const [from, to] = accountsOf(bank);
    return {
      pool,
      run: () => {
        const redo = pool.stats().redoCommits;
        runTransaction(pool, () => {
          from.balance -= 2n;
          to.balance += 2n;
          from.transfers += 1;
          to.transfers += 1;
          bank.transferCount += 1n;
        });
        expect(pool.stats().redoCommits).toBe(redo); // two-word spans: not the redo path
      },
      observe: () => describe(bank),
    };
  }));

/** A write-back bank whose deposits (one 8-byte word each) commit through publishWords. */
function openRedoBank(file: string): { pool: Pool; bank: Bank; deposit(): void } {
  const { pool, bank } = openBank(file, 4, { memory: { writePolicy: WritePolicy.WriteBack } });
  const [account] = accountsOf(bank);
  return { pool, bank, deposit: () => runTransaction(pool, () => (account.balance += 7n)) };
}

const txStageOf = (pool: Pool) => Pool.sessionOf(pool).native.txStage();

/** Runs `fn` with the first `kind` call failing once, disarms, and returns what `fn` threw (null if nothing). */
function failureUnder(kind: native.FailpointKind, fn: () => unknown): unknown {
  native.setFailpoint(kind, 1);
  try {
    fn();
    return null;
  } catch (error) {
    return error;
  } finally {
    native.setFailpoint();
  }
}

test.each([false, true])('redo commit with the publish failpoint (sticky %s): OutOfSpaceError, old values in views and after reopen, a retry commits', (sticky) => {
    const file = tmp.file(`redo-${sticky}`);
    const first = openRedoBank(file);
    first.deposit();
    expect(first.pool.stats().redoCommits).toBe(1); // this commit shape takes the redo path
    const before = describe(first.bank);
    native.setFailpoint('publish', 1, sticky);
    let failure: unknown = null;
    try {
      first.deposit();
    } catch (error) {
      failure = error;
    }
    if (sticky) expect(() => first.deposit()).toThrow(native.OutOfSpaceError);
    native.setFailpoint();
    expect(failure).toBeInstanceOf(native.OutOfSpaceError);
    expect(failure).toMatchObject({ code: 'OUT_OF_SPACE' });
    expect(describe(first.bank)).toBe(before);
    expect(accountsOf(first.bank)[0].balance).toBe(INITIAL_BALANCE + 7n);
    expect(first.pool.stats().redoCommits).toBe(1);
    expect(txStageOf(first.pool)).toBe(native.TxStage.None);
    expect(first.pool.deepCheck().problems).toEqual([]);
    if (sticky) {
      // The retry in the same session: the aborted commit left the account's DRAM copy as it was.
      first.deposit();
      expect(first.pool.stats().redoCommits).toBe(2);
      expect(accountsOf(first.bank)[0].balance).toBe(INITIAL_BALANCE + 14n);
    }
    const after = describe(first.bank);
    first.pool.close();
    const second = openRedoBank(file);
    expect(describe(second.bank)).toBe(after);
    expect(second.pool.deepCheck().problems).toEqual([]);
    second.deposit();
    expect(second.pool.stats().redoCommits).toBe(1);
    expect(accountsOf(second.bank)[0].balance).toBe(INITIAL_BALANCE + (sticky ? 21n : 14n));
    second.pool.close();
  });

// The fused native calls that open a transaction: a failure leaves nothing open and the pool unchanged.
  test.each<native.FailpointKind>(['begin', 'addRange'])('write-through first store (txBeginAddRange), %s fails', (kind) => {
    const file = tmp.file(`first-store-${kind}`);
    const pool = Pool.create(file, { types: [Everything, Point] });
    const point = pool.root(Point);
    runTransaction(pool, () => {
      point.x = 1;
      point.y = 2;
    });
    const failure = failureUnder(kind, () => runTransaction(pool, () => (point.x = 5)));
    expect(failure).toBeInstanceOf(native.OutOfSpaceError);
    expect(failure).toMatchObject({ code: 'OUT_OF_SPACE' });
    expect(txStageOf(pool)).toBe(native.TxStage.None);
    expect([point.x, point.y]).toEqual([1, 2]);
    expect(pool.deepCheck().problems).toEqual([]);
    runTransaction(pool, () => (point.y = 6));
    expect([point.x, point.y]).toEqual([1, 6]);
    pool.close();
    const reopened = Pool.open(file, { types: [Everything, Point] });
    const reread = reopened.root(Point);
    expect([reread.x, reread.y]).toEqual([1, 6]);
    reopened.close();
  });

  test.each<[native.FailpointKind, WritePolicy]>([
    ['begin', WritePolicy.WriteThrough],
    ['alloc', WritePolicy.WriteThrough],
    ['begin', WritePolicy.WriteBack],
    ['alloc', WritePolicy.WriteBack],
  ])('pool.create outside a transaction (txBeginAlloc), %s fails, %s', (kind, writePolicy) => {
    const file = tmp.file(`create-${kind}-${writePolicy}`);
    const pool = Pool.create(file, { types: [Everything, Point], memory: { writePolicy } });
    pool.create(Point, { x: 1, y: 1 });
    const problems = pool.deepCheck().problems; // the unreferenced Point is a leak; it must stay the only finding
    const failure = failureUnder(kind, () => pool.create(Point, { x: 2, y: 2 }));
    expect(failure).toBeInstanceOf(native.OutOfSpaceError);
    expect(failure).toMatchObject({ code: 'OUT_OF_SPACE' });
    expect(txStageOf(pool)).toBe(native.TxStage.None);
    const points = () => [...pool.objects(Point)].map((p) => p.x).sort();
    expect(points()).toEqual([1]);
    expect(pool.deepCheck().problems).toEqual(problems);
    runTransaction(pool, () => pool.create(Point, { x: 3, y: 3 }));
    expect(points()).toEqual([1, 3]);
    pool.close();
    const reopened = Pool.open(file, { types: [Everything, Point] });
    expect([...reopened.objects(Point)].map((p) => p.x).sort()).toEqual([1, 3]);
    reopened.close();
  });

afterAll(() => console.log(`failpoints: ${injected} injected failures, each aborted cleanly`));
