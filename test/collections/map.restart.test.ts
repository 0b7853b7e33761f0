import { spawnSync } from 'node:child_process';
import { Pool, runTransaction } from '@pmemts/core';
import { Account, Bank, TYPES, expectSound, rng, tempDir } from './fixtures';

const tmp = tempDir('map-restart');
afterAll(() => tmp.cleanup());

// The child declares the same classes by hand in plain JS (a separate process, compiled core).
const child = (file: string, body: string) => `
  const core = require(${JSON.stringify(require.resolve('../../packages/core/dist'))});
  const F = (t, C, name) => core.Field(t)(C.prototype, name);
  class Account {} F({ type: 'string', maxBytes: 16 }, Account, 'owner'); F('i64', Account, 'balance'); core.Persistent({ name: 'ColAccount' })(Account);
  class Other {} F('u32', Other, 'n'); core.Persistent({ name: 'ColOther' })(Other);
  class Bank {}
  F('u32', Bank, 'touched');
  F({ type: 'map', key: 'u64', value: () => Account }, Bank, 'byId');
  F({ type: 'map', key: { type: 'string', maxBytes: 32 }, value: () => Account }, Bank, 'byOwner');
  F({ type: 'map', key: 'i64', value: 'f64' }, Bank, 'rates');
  F({ type: 'map', key: 'u32', value: 'u8' }, Bank, 'small');
  F({ type: 'map', key: 'i32', value: 'bool' }, Bank, 'flags');
  F({ type: 'map', key: 'f64', value: 'timestamp' }, Bank, 'times');
  F({ type: 'map', key: { type: 'bytes', maxLength: 8 }, value: { type: 'string', maxBytes: 12 } }, Bank, 'tags');
  F({ type: 'map', key: 'u64', value: 'u64' }, Bank, 'counts');
  F({ type: 'vector', of: () => Account }, Bank, 'recent');
  F({ type: 'vector', of: 'f32' }, Bank, 'samples');
  F({ type: 'vector', of: { type: 'string', maxBytes: 8 } }, Bank, 'names');
  core.Persistent({ name: 'ColBank' })(Bank);
  const pool = core.Pool.open(${JSON.stringify(file)}, { types: [Bank, Account, Other] });
  const bank = pool.root(Bank);
  ${body}
  pool.close();`;

function run(script: string): string {
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

test('a new process sees the same maps and vectors, changes them, and this one sees its changes', () => {
  const file = tmp.file('restart');
  const pool = Pool.create(file, { types: TYPES });
  const bank = pool.root(Bank);
  const random = rng(3);
  const keys: bigint[] = [];
  runTransaction(pool, () => {
    for (let i = 0; i < 3000; i++) {
      const k = BigInt(Math.floor(random() * 1e12));
      keys.push(k);
      bank.counts.set(k, k * 2n);
    }
    const a = pool.create(Account, { owner: 'ada', balance: 100n });
    bank.byId.set(1n, a);
    bank.byOwner.set('ada', a);
    bank.recent.push(a);
    bank.tags.set(new Uint8Array([1, 2]), 'tag');
    bank.times.set(-1.5, new Date(1000));
    bank.names.push('x', 'y');
  });
  const expected = [...new Set(keys)].sort((x, y) => (x < y ? -1 : 1));
  pool.close();

  const out = JSON.parse(
    run(
      child(
        file,
        `const keys = [...bank.counts.keys()];
        const ok = keys.every((k) => bank.counts.get(k) === k * 2n);
        console.log(JSON.stringify({
          keys: keys.map(String), ok, size: bank.counts.size,
          sameAccount: bank.byId.get(1n) === bank.byOwner.get('ada') && bank.recent.get(0) === bank.byId.get(1n),
          owner: bank.byOwner.get('ada').owner, tag: bank.tags.get(new Uint8Array([1, 2])), time: bank.times.get(-1.5).getTime(),
          names: [...bank.names], problems: pool.deepCheck().problems,
        }));
        core.runTransaction(pool, () => {
          for (const k of keys.slice(0, 1000)) bank.counts.delete(k);
          bank.byOwner.set('bob', core.runTransaction(pool, () => pool.create(Account, { owner: 'bob', balance: 5n })));
        });`,
      ),
    ),
  );
  expect(out.keys).toEqual(expected.map(String));
  expect(out.ok).toBe(true);
  expect(out.size).toBe(expected.length);
  expect(out.sameAccount).toBe(true);
  expect(out.owner).toBe('ada');
  expect(out.tag).toBe('tag');
  expect(out.time).toBe(1000);
  expect(out.names).toEqual(['x', 'y']);
  expect(out.problems).toEqual([]);

  const again = Pool.open(file, { types: TYPES });
  const reopened = again.root(Bank);
  expect([...reopened.counts.keys()]).toEqual(expected.slice(1000));
  expect(reopened.byOwner.get('bob')!.balance).toBe(5n);
  expectSound(reopened.counts);
  expect(again.deepCheck().problems).toEqual([]);
  again.close();
});

test('opening a pool with a large map reads no tree nodes: the open costs what an empty pool costs', () => {
  const big = tmp.file('big');
  const empty = tmp.file('empty');
  const pool = Pool.create(big, { types: TYPES, size: 64 * 1024 * 1024 });
  const bank = pool.root(Bank);
  for (let batch = 0; batch < 10; batch++) {
    runTransaction(pool, () => {
      for (let i = 0; i < 10000; i++) bank.counts.set(BigInt(batch * 10000 + i), 1n);
    });
  }
  pool.close();
  Pool.create(empty, { types: TYPES, size: 64 * 1024 * 1024 }).close();
  const timeOpen = (file: string) => {
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t = process.hrtime.bigint();
      const p = Pool.open(file, { types: TYPES });
      best = Math.min(best, Number(process.hrtime.bigint() - t));
      p.close();
    }
    return best;
  };
  const withMap = timeOpen(big);
  const withoutMap = timeOpen(empty);
  // Generous: timing on a shared machine is noisy; a per-key cost at open would be ~100x.
  expect(withMap).toBeLessThan(withoutMap * 3 + 5e6);
  const reopened = Pool.open(big, { types: TYPES });
  expect(reopened.root(Bank).counts.size).toBe(100000);
  reopened.close();
});
