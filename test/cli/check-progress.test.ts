/**
 * The deep check reports both of its counted phases: allocations listed (no total yet), then objects
 * checked out of the total; `pmemts check` turns the second into a bar (a stage with a total).
 */
import { Field, Persistent, Pool, runTransaction } from '@pmemts/core';
import { tempDir } from '../core/fixtures';

@Persistent({ name: 'Tick' })
class Tick {
  @Field('u64') n!: bigint;
}

const tmp = tempDir('check-progress');
afterAll(() => tmp.cleanup());

test('deepCheck calls onProgress while listing, then while checking with the total', () => {
  const pool = Pool.create(tmp.file('ticks'), { types: [Tick] });
  runTransaction(pool, () => {
    for (let i = 0; i < 2500; i++) pool.create(Tick, { n: BigInt(i) });
  });
  const calls: [number, string, number | undefined][] = [];
  const report = pool.deepCheck((done, phase, total) => calls.push([done, phase, total]));
  pool.close();
  const listing = calls.filter(([, phase]) => phase === 'listing');
  const checking = calls.filter(([, phase]) => phase === 'checking');
  expect(listing.map(([done]) => done)).toEqual([1000, 2000]);
  expect(listing.every(([, , total]) => total === undefined)).toBe(true);
  expect(checking.map(([done]) => done)).toEqual([1000, 2000]);
  // Every allocation of the pool is checked: the 2,500 ticks plus the catalog.
  expect(checking.every(([, , total]) => total === report.objects)).toBe(true);
  expect(report.objects).toBeGreaterThanOrEqual(2500);
  // Listing comes first.
  expect(calls.findIndex(([, phase]) => phase === 'checking')).toBe(listing.length);
});

test('a non-function onProgress is refused', () => {
  const pool = Pool.create(tmp.file('bad'), { types: [Tick] });
  expect(() => pool.deepCheck(5 as never)).toThrow(TypeError);
  pool.close();
});
