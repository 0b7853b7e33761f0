/**
 * Failpoints: the native layer fails the Nth begin / add-range / alloc / free / commit-time copy, once or
 * from then on. For every operation and N (upward until the operation completes), the failure must be
 * a typed error, the transaction aborted, the pool consistent (deep check) and every live view showing
 * the values from before. Failpoints exist only in the addon's test build, which this import selects.
 */
import './failpoint-build';
import * as native from '@pmemts/native';
import { isPmemError, Pool, runTransaction, WritePolicy } from '@pmemts/core';
import { accountsOf, openBank, totalOf, transfer, type Bank } from '../../packages/examples/src';
import { Everything, Point, tempDir } from '../core/fixtures';

const tmp = tempDir('failpoints');
afterAll(() => {
  native.setFailpoint();
  tmp.cleanup();
});

test('the failpoint build of the addon is loaded', () => expect(native.NATIVE_BUILD).toBe('failpoints'));

const KINDS: native.FailpointKind[] = ['begin', 'addRange', 'alloc', 'free', 'copy'];
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

afterAll(() => console.log(`failpoints: ${injected} injected failures, each aborted cleanly`));
