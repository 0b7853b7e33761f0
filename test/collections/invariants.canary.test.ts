import { Pool, runTransaction, verifyCollection } from '@pmemts/core';
import { INNER_CHILDREN, LEAF_BITMAP, LEAF_FP, MapHeader } from '../../packages/core/src/collections/node-format';
import { Account, Bank, TYPES, smallNodes, tempDir } from './fixtures';

const tmp = tempDir('canary');
afterAll(() => tmp.cleanup());
smallNodes(4, 3);

/** A pool whose root's `counts` holds 0..59 in a tree of height >= 3, and raw access to its bytes. */
function corruptible(name: string) {
  const pool = Pool.create(tmp.file(name), { types: TYPES });
  const bank = pool.root(Bank);
  runTransaction(pool, () => {
    for (let i = 0; i < 60; i++) bank.counts.set(BigInt(i), BigInt(i));
  });
  const dv = Pool.sessionOf(pool).dv;
  const { offset, layout } = pool.locate(bank);
  const header = Number(dv.getBigUint64(offset + layout.fields.find((f) => f.name === 'counts')!.offset + 8, true));
  const u64 = (at: number) => Number(dv.getBigUint64(at, true));
  const root = u64(header + MapHeader.root);
  const firstLeaf = u64(header + MapHeader.firstLeaf);
  expect(verifyCollection(bank.counts)).toEqual([]);
  return { pool, bank, dv, header, root, firstLeaf, u64 };
}

const problemsOf = (pool: Pool) => pool.deepCheck().problems.filter((p) => p.kind === 'bad-collection').map((p) => p.message);

test('the checker fails on keys out of order (two inner children swapped)', () => {
  const { pool, bank, dv, root, u64 } = corruptible('order');
  const a = u64(root + INNER_CHILDREN);
  const b = u64(root + INNER_CHILDREN + 8);
  dv.setBigUint64(root + INNER_CHILDREN, BigInt(b), true);
  dv.setBigUint64(root + INNER_CHILDREN + 8, BigInt(a), true);
  const problems = verifyCollection(bank.counts);
  expect(problems.some((p) => /out of order|outside the range/.test(p))).toBe(true);
  expect(problems.some((p) => /leaf chain/.test(p))).toBe(true);
  expect(problemsOf(pool).length).toBeGreaterThan(0);
  pool.close();
});

test('the checker fails on a node reached twice', () => {
  const { pool, bank, dv, root, u64 } = corruptible('twice');
  dv.setBigUint64(root + INNER_CHILDREN + 8, BigInt(u64(root + INNER_CHILDREN)), true);
  expect(verifyCollection(bank.counts)).toContainEqual(expect.stringMatching(/reached twice/));
  expect(problemsOf(pool)).toContainEqual(expect.stringMatching(/reached twice/));
  pool.close();
});

test('the checker fails on a wrong count, a broken leaf chain, a bad fingerprint and an under-filled leaf', () => {
  const { pool, bank, dv, header, firstLeaf, u64 } = corruptible('misc');
  dv.setBigUint64(header + MapHeader.count, 61n, true);
  expect(verifyCollection(bank.counts)).toEqual(['header count is 61, the leaves hold 60']);
  dv.setBigUint64(header + MapHeader.count, 60n, true);
  const next = u64(firstLeaf + 16 + 8); // leaf_cap 4 rounds to 8 fingerprint bytes: next at 24
  dv.setBigUint64(firstLeaf + 24, 0n, true);
  expect(verifyCollection(bank.counts)).toContainEqual(expect.stringMatching(/leaf chain: leaf \d+\.next is 0/));
  dv.setBigUint64(firstLeaf + 24, BigInt(next), true);
  const fp = dv.getUint8(firstLeaf + LEAF_FP);
  dv.setUint8(firstLeaf + LEAF_FP, fp ^ 0xff);
  expect(verifyCollection(bank.counts)).toContainEqual(expect.stringMatching(/fingerprint does not match/));
  dv.setUint8(firstLeaf + LEAF_FP, fp);
  dv.setUint32(firstLeaf + LEAF_BITMAP, 0, true);
  const problems = verifyCollection(bank.counts);
  expect(problems).toContainEqual(expect.stringMatching(/holds 0 entries, under the minimum 1/));
  expect(problems).toContainEqual(expect.stringMatching(/header count is 60/));
  pool.close();
});

test('the deep check follows a dangling ref in a map and reports a header that is not a collection', () => {
  const pool = Pool.create(tmp.file('dangling'), { types: TYPES });
  const bank = pool.root(Bank);
  const a = pool.create(Account, { owner: 'a', balance: 0n });
  bank.byId.set(1n, a);
  // Free the account behind the map's back: a dangling ref in a map value.
  runTransaction(pool, () => Pool.sessionOf(pool).tx.free(null, pool.locate(a).offset, 'test'));
  expect(pool.deepCheck().problems).toContainEqual(expect.objectContaining({ kind: 'dangling-ref', field: 'byId' }));
  const dv = Pool.sessionOf(pool).dv;
  const { offset, layout } = pool.locate(bank);
  const slot = offset + layout.fields.find((f) => f.name === 'rates')!.offset;
  runTransaction(pool, () => Pool.sessionOf(pool).tx.snapshotRange(slot, 16, 'test'));
  dv.setBigUint64(slot, pool.uuidLo, true);
  dv.setBigUint64(slot + 8, BigInt(offset), true); // the Bank itself is no collection header
  expect(pool.deepCheck().problems).toContainEqual(expect.objectContaining({ kind: 'bad-collection', field: 'rates', message: expect.stringMatching(/not a live collection header/) }));
  dv.setBigUint64(slot, 0n, true);
  dv.setBigUint64(slot + 8, 0n, true);
  pool.close();
});
