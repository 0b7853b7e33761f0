import { spawnSync } from 'node:child_process';
import { Pool, runTransaction, MemoryTier, WritePolicy, PersistenceLevel, TransactionError, type HybridMemoryConfig } from '@pmemts/core';
import { Counter, Point, tempDir } from './fixtures';

const tmp = tempDir('memory');
afterAll(() => tmp.cleanup());
const types = [Point, Counter];

const combos: [string, HybridMemoryConfig][] = [
  ['write-through/transaction', { writePolicy: WritePolicy.WriteThrough }],
  ['write-back/transaction', { cacheTier: MemoryTier.StandardDRAM, writePolicy: WritePolicy.WriteBack }],
  ['write-through/flush', { persistenceLevel: PersistenceLevel.Flush }],
  ['write-back/flush', { writePolicy: WritePolicy.WriteBack, persistenceLevel: PersistenceLevel.Flush }],
  ['write-through/none', { persistenceLevel: PersistenceLevel.None }],
  ['write-back/none', { writePolicy: WritePolicy.WriteBack, persistenceLevel: PersistenceLevel.None }],
];

describe.each(combos)('%s', (name, memory) => {
  const transactional = (memory.persistenceLevel ?? PersistenceLevel.Transaction) === PersistenceLevel.Transaction;
  const writeBack = memory.writePolicy === WritePolicy.WriteBack;

  test('committed or flushed stores survive a reopen; aborted ones do not', () => {
    const file = tmp.file(name.replace('/', '-'));
    let pool = Pool.create(file, { types, memory });
    const c = pool.root(Counter);
    if (transactional) {
      runTransaction(pool, () => { c.value = 5n; });
      expect(() => runTransaction(pool, () => { c.value = 6n; throw new Error('no'); })).toThrow('no');
      expect(c.value).toBe(5n);
      expect(() => { c.value = 7n; }).toThrow(TransactionError);
    } else {
      c.value = 5n;
      expect(c.value).toBe(5n);
    }
    pool.close(); // close flushes write-back data
    pool = Pool.open(file, { types, memory });
    expect(pool.root(Counter).value).toBe(5n);
    pool.close();
  });

  test('what a killed process leaves behind', () => {
    // A child stores without close: it is SIGKILLed after writing.
    const file = tmp.file(`${name.replace('/', '-')}-kill`);
    Pool.create(file, { types, memory }).close();
    const script = `
      const { core, Counter, Point } = require(${JSON.stringify(__dirname + '/child-fixture.js')});
      const pool = core.Pool.open(${JSON.stringify(file)}, { types: [Point, Counter], memory: ${JSON.stringify(memory)} });
      const c = pool.root(Counter);
      ${transactional ? 'core.runTransaction(pool, () => { c.value = 9n; });' : 'c.value = 9n; pool.flush();'}
      process.kill(process.pid, 'SIGKILL');`;
    spawnSync(process.execPath, ['-e', script]);
    const pool = Pool.open(file, { types, memory });
    // Every level survives a process crash once committed/flushed: the mapping holds the bytes.
    expect(pool.root(Counter).value).toBe(9n);
    pool.close();
  });

  if (writeBack) {
    test('reads come from DRAM and stats count the tier', () => {
      const file = tmp.file(`${name.replace('/', '-')}-stats`);
      const first = Pool.create(file, { types, memory });
      first.root(Counter);
      first.close();
      const pool = Pool.open(file, { types, memory });
      const c = pool.root(Counter);
      void c.value;
      void c.touched;
      const s = pool.stats();
      expect(s.cacheMisses).toBe(1);
      expect(s.cacheHits).toBe(1);
      expect(s.dramBytes).toBe(16);
      pool.close();
    });
  }
});

test('clean write-back objects are evicted under the budget; dirty ones are kept until commit', () => {
  const memory = { writePolicy: WritePolicy.WriteBack, cacheBytes: 16 * 10 } as const;
  const pool = Pool.create(tmp.file('lru'), { types, memory });
  const counters = runTransaction(pool, () => Array.from({ length: 40 }, (_, i) => pool.create(Counter, { value: BigInt(i) })));
  for (const c of counters) void c.value;
  expect(pool.stats().dramBytes).toBeLessThanOrEqual(160);
  expect(pool.stats().cacheEvictions).toBeGreaterThan(0);
  runTransaction(pool, () => {
    for (const c of counters) c.value += 1n;
    // 40 dirty objects exceed the budget: none may be evicted before commit.
    expect(pool.stats().dramBytes).toBe(40 * 16);
  });
  expect(pool.stats().dramBytes).toBeLessThanOrEqual(160);
  expect(counters.map((c) => c.value)).toEqual(counters.map((_, i) => BigInt(i + 1)));
  pool.close();
});

test('bad memory settings are TypeErrors naming the option', () => {
  expect(() => Pool.create(tmp.file('badmem'), { types, memory: { writePolicy: 'sideways' as never } })).toThrow(/writePolicy/);
  expect(() => Pool.create(tmp.file('badmem2'), { types, memory: { writePolicy: WritePolicy.WriteBack, cacheTier: null } })).toThrow(/cacheTier/);
  expect(() => Pool.create(tmp.file('badmem3'), { types, memory: { cacheBytes: -1 } })).toThrow(/cacheBytes/);
});
