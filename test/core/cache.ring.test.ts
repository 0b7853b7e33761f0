/**
 * The write-back DRAM tier under churn: copies leave its CLOCK ring in O(1) (the last entry takes the
 * place), so aborts and frees of many cached objects, evictions in between, and reloads must still give
 * every object its own, current bytes.
 */
import { Pool, runTransaction, WritePolicy } from '@pmemts/core';
import { Counter, tempDir } from './fixtures';

const tmp = tempDir('cache-ring');
afterAll(() => tmp.cleanup());

test('aborts, frees and evictions over many cached objects keep every copy right', () => {
  const budget = 64 * 16; // about 64 copies of 16-byte counters: most of the 400 objects get evicted
  const file = tmp.file('ring');
  const pool = Pool.create(file, { types: [Counter], memory: { writePolicy: WritePolicy.WriteBack, cacheBytes: budget } });
  const counters = runTransaction(pool, () => Array.from({ length: 400 }, (_, i) => pool.create(Counter, { value: BigInt(i) })));
  const expected = counters.map((_, i) => BigInt(i));
  let seed = 7;
  const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const live = new Set(counters.keys());
  for (let round = 0; round < 30; round++) {
    const picked = Array.from({ length: 40 }, () => next(counters.length)).filter((i) => live.has(i));
    // An aborted transaction dirties (so pins) up to 40 copies, then drops them all.
    expect(() => runTransaction(pool, () => {
      for (const i of picked) counters[i].value = -1n;
      throw new Error('abort');
    })).toThrow('abort');
    // A committed one changes a few, and frees one.
    runTransaction(pool, () => {
      for (const i of picked.slice(0, 5)) expected[i] = counters[i].value = expected[i] + 1000n;
    });
    const victim = picked.find((i) => live.has(i) && !picked.slice(0, 5).includes(i));
    if (victim !== undefined) {
      pool.free(counters[victim]);
      live.delete(victim);
    }
    for (const i of live) expect(counters[i].value).toBe(expected[i]);
    expect(pool.stats().dramBytes).toBeLessThanOrEqual(budget);
  }
  expect(pool.stats().cacheEvictions).toBeGreaterThan(0);
  pool.close();
  const reopened = Pool.open(file, { types: [Counter], memory: { writePolicy: WritePolicy.WriteBack, cacheBytes: budget } });
  const values = [...reopened.objects(Counter)].map((c) => c.value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const want = [...live].map((i) => expected[i]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  expect(values).toEqual(want);
  reopened.close();
});
