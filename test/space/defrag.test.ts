import { PersistenceLevel, Pool, WritePolicy, runTransaction, toPlain, type PMap } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { Hub, Leaf, TYPES } from './fixtures';

const dir = tempDir('defrag');

/** The full export of `obj` with object offsets renumbered in order of appearance: defrag moves objects, sharing must stay. */
function exported(obj: object): unknown {
  const ids = new Map<string, number>();
  return JSON.parse(JSON.stringify(toPlain(obj)).replace(/@(\d+)/g, (_, offset: string) => `@${ids.get(offset) ?? ids.set(offset, ids.size).size - 1}`));
}
afterAll(() => dir.cleanup());

/**
 * A pool fragmented on purpose: thousands of leaves (with heap strings) interleaved with fillers in
 * the same runs, then the fillers freed, so each run keeps a few live blocks among many free ones.
 */
function fragmented(name: string): { pool: Pool; hub: Hub } {
  const pool = Pool.create(dir.file(name), { types: TYPES, size: 64 * 1024 * 1024 });
  const hub = pool.root(Hub);
  const fillers: Leaf[] = [];
  for (let batch = 0; batch < 20; batch++) {
    runTransaction(pool, () => {
      for (let i = 0; i < 100; i++) {
        const n = batch * 100 + i;
        if (n % 8 === 0) {
          const leaf = pool.create(Leaf, { n, label: `kept ${n}`.padEnd(40, '.') });
          if (n % 16 === 0) hub.byId.set(n, leaf);
          else hub.list.push(leaf);
        } else fillers.push(pool.create(Leaf, { n, label: `filler ${n}`.padEnd(40, '.') }));
      }
    });
  }
  runTransaction(pool, () => {
    hub.direct = hub.byId.get(0)!;
    hub.link.leaf = hub.list.get(0)!;
    hub.text = 'hub text'.repeat(20);
    hub.bytes = new Uint8Array(100).fill(3);
    for (let i = 0; i < 20; i++) hub.names.set(`name${i}`, `value${i}`);
    hub.next = pool.create(Hub, { n: 2, text: 'second hub' });
    hub.next.direct = hub.byId.get(16)!;
  });
  for (let i = 0; i < fillers.length; i += 500) runTransaction(pool, () => fillers.slice(i, i + 500).forEach((f) => pool.free(f)));
  return { pool, hub };
}

test('defrag of a pool fragmented on purpose shrinks its run usage and keeps every value and reference', () => {
  const { pool, hub } = fragmented('shrinks');
  const before = exported(hub);
  const kept = hub.byId.get(32)!;
  const report = pool.defrag();
  expect(report.relocated).toBeGreaterThan(0);
  expect(report.after.chunks).toBeLessThan(report.before.chunks);
  expect(report.after.chunkFragmentation).toBeLessThan(report.before.chunkFragmentation);
  expect(report.after.allocations).toBe(report.before.allocations);
  expect(report.after.allocatedBytes).toBe(report.before.allocatedBytes);
  expect(report.after.runActive).toBeGreaterThan(0); // libpmemobj's counters are reported as it gives them
  expect(exported(hub)).toEqual(before);
  expect(pool.deepCheck().problems).toEqual([]);
  // Live views follow their objects: same view, new place, same values, writable.
  expect(kept.n).toBe(32);
  expect(kept.label).toBe('kept 32'.padEnd(40, '.'));
  runTransaction(pool, () => {
    kept.label = 'changed after defrag';
  });
  expect(hub.byId.get(32)).toBe(kept);
  expect(hub.byId.get(32)!.label).toBe('changed after defrag');
  const file = pool.path;
  pool.close();
  const again = Pool.open(file, { types: TYPES });
  expect(again.deepCheck().problems).toEqual([]);
  expect(again.root(Hub).byId.get(32)!.label).toBe('changed after defrag');
  again.close();
});

test('live views: write-back DRAM copies and unflushed stores survive a defrag; iterators made before it fail clearly', () => {
  const pool = Pool.create(dir.file('views'), {
    types: TYPES,
    size: 32 * 1024 * 1024,
    memory: { writePolicy: WritePolicy.WriteBack, persistenceLevel: PersistenceLevel.Flush },
  });
  const hub = pool.root(Hub);
  const leaves: Leaf[] = [];
  runTransaction(pool, () => {
    for (let i = 0; i < 400; i++) {
      const leaf = pool.create(Leaf, { n: i, label: `leaf ${i}` });
      if (i % 4 === 0) {
        hub.byId.set(i, leaf);
        leaves.push(leaf);
      }
    }
  });
  pool.collect();
  hub.n = 77; // a Flush-level store: in the DRAM copy only until a flush
  const iterator = (hub.byId as PMap<number, Leaf>).keys();
  iterator.next();
  const report = pool.defrag();
  expect(report.relocated).toBeGreaterThan(0);
  expect(report.viewsRelocated).toBeGreaterThan(0);
  expect(hub.n).toBe(77);
  leaves.forEach((leaf, i) => expect([leaf.n, leaf.label, hub.byId.get(4 * i)]).toEqual([4 * i, `leaf ${4 * i}`, leaf]));
  expect(() => iterator.next()).toThrow(expect.objectContaining({ code: 'COLLECTION_MODIFIED' }));
  const file = pool.path;
  pool.close();
  const again = Pool.open(file, { types: TYPES });
  expect(again.root(Hub).n).toBe(77);
  expect(again.deepCheck().problems).toEqual([]);
  again.close();
});

test('bad input and misuse get typed errors and move nothing', () => {
  const { pool, hub } = fragmented('bad-input');
  const before = exported(hub);
  const heap = [...pool.heap()];
  const native = Pool.sessionOf(pool).native;
  const noOid = pool.locate(hub).offset; // the hub's first bytes: its u32 n, no PMEMoid
  const refAt = pool.locate(hub).offset + pool.locate(hub).layout.fields.find((f) => f.name === 'direct')!.offset;
  const refused: [() => unknown, unknown][] = [
    [() => native.defrag([refAt] as never), expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/locations must be a Float64Array/) })],
    [() => native.defrag(Float64Array.of(-8)), expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/locations\[0\] must be a non-negative integer/) })],
    [() => native.defrag(Float64Array.of(1.5)), expect.objectContaining({ name: 'TypeError' })],
    [() => native.defrag(Float64Array.of(pool.size - 8)), expect.objectContaining({ code: 'OUT_OF_BOUNDS' })],
    [() => native.defrag(Float64Array.of(refAt + 4)), expect.objectContaining({ code: 'OUT_OF_BOUNDS', message: expect.stringMatching(/aligned/) })],
    [() => native.defrag(Float64Array.of(refAt, refAt + 8)), expect.objectContaining({ code: 'OUT_OF_BOUNDS', message: expect.stringMatching(/overlaps/) })],
    [() => native.defrag(Float64Array.of(refAt, noOid)), expect.objectContaining({ code: 'INVALID_OBJECT', message: expect.stringMatching(/does not hold a PMEMoid of this pool/) })],
    [
      () =>
        runTransaction(pool, () => {
          hub.n = 5; // opens libpmemobj's transaction
          native.defrag(Float64Array.of(refAt));
        }),
      expect.objectContaining({ code: 'TX_OPEN' }),
    ],
    [() => runTransaction(pool, () => pool.defrag()), expect.objectContaining({ code: 'TX_OPEN' })],
  ];
  for (const [call, error] of refused) expect(call).toThrow(error as Error);
  expect([...pool.heap()]).toEqual(heap);
  expect(exported(hub)).toEqual(before);
  expect(pool.deepCheck().problems).toEqual([]);
  const file = pool.path;
  pool.close();
  expect(() => pool.defrag()).toThrow(expect.objectContaining({ code: 'POOL_CLOSED' }));
  expect(() => native.defrag(new Float64Array(0))).toThrow(expect.objectContaining({ code: 'POOL_CLOSED' }));
  const partial = Pool.open(file, { types: [Leaf] });
  expect(() => partial.defrag()).toThrow(expect.objectContaining({ code: 'TYPES_MISSING' }));
  partial.close();
});

test('a pool too full for the journal gets OutOfSpaceError and nothing moves', () => {
  const pool = Pool.create(dir.file('full'), { types: TYPES, size: 8 * 1024 * 1024 });
  const hub = pool.root(Hub);
  const kept: Leaf[] = [];
  try {
    for (let i = 0; ; i++) {
      runTransaction(pool, () => {
        for (let k = 0; k < 200; k++) {
          const leaf = pool.create(Leaf, { n: i * 200 + k, label: 'x'.repeat(40) });
          if (k % 2 === 0) kept.push(leaf);
          else hub.list.push(leaf);
        }
      });
    }
  } catch (error) {
    expect(error).toMatchObject({ code: 'OUT_OF_SPACE' });
  }
  runTransaction(pool, () => kept.splice(0, 400).forEach((leaf) => pool.free(leaf))); // a little room, in runs only
  const before = exported(hub);
  const heap = [...pool.heap()];
  expect(() => pool.defrag()).toThrow(expect.objectContaining({ name: 'OutOfSpaceError' }));
  expect([...pool.heap()]).toEqual(heap);
  expect(exported(hub)).toEqual(before);
  expect(pool.deepCheck().problems.filter((p) => p.kind !== 'leak')).toEqual([]);
  pool.close();
});
