import { InvalidObjectError, Pool, PoolError, TransactionError, runTransaction, toPlain } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { Hub, Leaf, TYPES } from './fixtures';

const dir = tempDir('gc');
afterAll(() => dir.cleanup());

/** A hub reaching leaves through every reference kind; returns the leaves it reaches. */
function buildReachable(pool: Pool, hub: Hub): Leaf[] {
  const leaves: Leaf[] = [];
  const leaf = (n: number) => {
    const l = pool.create(Leaf, { n, label: `leaf ${n} `.repeat(8) });
    leaves.push(l);
    return l;
  };
  runTransaction(pool, () => {
    hub.direct = leaf(1);
    hub.link.leaf = leaf(2);
    hub.text = 'a heap string of the hub'.repeat(4);
    hub.bytes = new Uint8Array(300).fill(7);
    for (let i = 0; i < 40; i++) hub.byId.set(i, leaf(100 + i));
    for (let i = 0; i < 30; i++) hub.names.set(`k${i}`, `v${i}`);
    for (let i = 0; i < 20; i++) hub.list.push(leaf(200 + i));
    for (let i = 0; i < 50; i++) hub.numbers.push(i);
    const second = pool.create(Hub, { n: 2 });
    second.direct = leaf(3);
    hub.next = second;
  });
  return leaves;
}

/** Garbage of every kind: unreachable objects with strings, refs, maps and vectors of their own. */
function leakGarbage(pool: Pool): number {
  let objects = 0;
  runTransaction(pool, () => {
    for (let i = 0; i < 5; i++) {
      const lost = pool.create(Hub, { n: 1000 + i, text: 'lost'.repeat(50) });
      lost.direct = pool.create(Leaf, { n: i, label: 'lost leaf' });
      for (let k = 0; k < 10; k++) lost.byId.set(k, pool.create(Leaf, { n: k }));
      lost.list.push(pool.create(Leaf, { n: 99 }));
      objects += 1 + 1 + 10 + 1;
    }
  });
  return objects;
}

function openPool(name: string): { pool: Pool; hub: Hub } {
  const pool = Pool.create(dir.file(name), { types: TYPES, size: 16 * 1024 * 1024 });
  return { pool, hub: pool.root(Hub) };
}

test('collect keeps everything reachable through every kind of reference and frees every leak', () => {
  const { pool, hub } = openPool('all-kinds');
  buildReachable(pool, hub);
  const before = JSON.stringify(toPlain(hub));
  const leaked = leakGarbage(pool);
  const check = pool.deepCheck();
  const leaks = check.problems.filter((p) => p.kind === 'leak').length;
  expect(leaks).toBeGreaterThan(leaked); // the objects plus their strings, headers and nodes

  const dry = pool.collect({ dryRun: true });
  expect(dry.dryRun).toBe(true);
  expect(dry.rule).toMatch(/only through pool\.objects\(\) is garbage/);
  expect(dry.collected.length).toBe(leaks);
  expect(dry.collected.filter((c) => c.type === 'SpHub').length).toBe(5);
  expect(dry.collected.filter((c) => c.type === 'SpLeaf').length).toBe(leaked - 5);
  expect(dry.bytes).toBe(dry.collected.reduce((sum, c) => sum + c.bytes, 0));
  expect(pool.deepCheck().problems.filter((p) => p.kind === 'leak').length).toBe(leaks); // the dry run freed nothing

  const report = pool.collect({ batchSize: 7 });
  expect(report.collected.length).toBe(leaks);
  expect(report.transactions).toBe(Math.ceil(leaks / 7));
  expect(pool.deepCheck().problems).toEqual([]);
  expect(JSON.stringify(toPlain(hub))).toBe(before);
  expect(pool.collect().collected).toEqual([]);
  const file = pool.path;
  pool.close();
  const again = Pool.open(file, { types: TYPES });
  expect(JSON.stringify(toPlain(again.root(Hub)))).toBe(before);
  expect(again.deepCheck().problems).toEqual([]);
  again.close();
});

test('pinned objects and what they reach are never collected; unpinned they go', () => {
  const { pool } = openPool('pins');
  const pinned = pool.create(Hub, { n: 7, text: 'pinned text' }, { pinned: true });
  runTransaction(pool, () => {
    pinned.direct = pool.create(Leaf, { n: 8 });
  });
  const later = pool.create(Leaf, { n: 9, label: 'pinned later' });
  pool.pin(later);
  expect(pool.isPinned(pinned)).toBe(true);
  expect(pool.isPinned(later)).toBe(true);
  const dry = pool.collect({ dryRun: true });
  expect(dry.pinned).toBe(2);
  expect(dry.collected).toEqual([]);
  expect(pool.deepCheck().problems).toEqual([]);
  expect(pool.collect().collected).toEqual([]);
  expect(pinned.direct!.n).toBe(8);
  expect(later.label).toBe('pinned later');

  pool.unpin(later);
  expect(pool.isPinned(later)).toBe(false);
  const report = pool.collect();
  expect(report.collected.map((c) => c.type).sort()).toEqual(['(heap string/bytes)', 'SpLeaf']);
  expect(report.viewsFreed).toBe(1);
  expect(() => later.n).toThrow(InvalidObjectError);
  expect(pinned.text).toBe('pinned text');
  pool.close();
});

test('an object kept only through objects() is collected unless pinned, and its live view reads as freed', () => {
  const { pool } = openPool('objects-only');
  const orphan = pool.create(Leaf, { n: 5 });
  expect([...pool.objects(Leaf)].length).toBe(1);
  const dry = pool.collect({ dryRun: true });
  expect(dry.collected).toEqual([{ offset: pool.locate(orphan).offset, type: 'SpLeaf', bytes: expect.any(Number) }]);
  pool.collect();
  expect([...pool.objects(Leaf)].length).toBe(0);
  expect(() => orphan.n).toThrow(expect.objectContaining({ code: 'OBJECT_FREED' }));
  pool.close();
});

test('bad input and misuse get typed errors and change nothing', () => {
  const { pool, hub } = openPool('bad-input');
  pool.create(Leaf, { n: 1 });
  const allocations = [...pool.heap()].length;
  expect(() => pool.collect({ dryRun: 'yes' as never })).toThrow(/options.dryRun must be a boolean/);
  expect(() => pool.collect({ batchSize: 0 })).toThrow(/options.batchSize must be a positive integer/);
  expect(() => pool.collect(null as never)).toThrow(TypeError);
  expect(() => runTransaction(pool, () => pool.collect())).toThrow(TransactionError);
  expect(() => pool.pin({})).toThrow(/pin: expected a live object of this pool/);
  expect(() => pool.pin(hub.link)).toThrow(/embedded/);
  expect(() => pool.create(Leaf, {}, { pinned: 1 as never })).toThrow(/options.pinned must be a boolean/);
  expect([...pool.heap()].length).toBe(allocations);
  const file = pool.path;
  pool.close();
  expect(() => pool.collect()).toThrow(expect.objectContaining({ code: 'POOL_CLOSED' }));
  // An inspection open writes nothing: a dry run only.
  const inspecting = Pool.open(file, { types: TYPES, inspect: true });
  expect(inspecting.collect({ dryRun: true }).collected.length).toBe(1);
  expect(() => inspecting.collect()).toThrow(expect.objectContaining({ code: 'POOL_INSPECTING' }));
  expect(() => inspecting.defrag()).toThrow(expect.objectContaining({ code: 'POOL_INSPECTING' }));
  expect(() => inspecting.pin(inspecting.root(Hub))).toThrow(expect.objectContaining({ code: 'POOL_INSPECTING' }));
  inspecting.close();
  // A session without every class of the pool cannot see the refs those objects hold.
  const partial = Pool.open(file, { types: [Leaf] });
  expect(() => partial.collect()).toThrow(PoolError);
  expect(() => partial.collect()).toThrow(expect.objectContaining({ code: 'TYPES_MISSING' }));
  partial.close();
});

test('a pin of a freed object pins nothing, and a freed object cannot be pinned', () => {
  const { pool } = openPool('stale-pins');
  const leaf = pool.create(Leaf, { n: 1 }, { pinned: true });
  pool.free(leaf);
  expect(() => pool.pin(leaf)).toThrow(expect.objectContaining({ code: 'OBJECT_FREED' }));
  // An object of another class, wherever it lands, is not kept by the stale pin.
  const other = pool.create(Hub, { n: 2 });
  expect(pool.isPinned(other)).toBe(false);
  const report = pool.collect({ dryRun: true });
  expect(report.pinned).toBe(0);
  expect(report.collected.map((c) => c.type)).toEqual(['SpHub']);
  pool.close();
});
