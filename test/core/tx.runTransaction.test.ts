import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Pool, runTransaction, InvalidObjectError, OutOfSpaceError, PoolError, TransactionError } from '@pmemts/core';
import { Counter, Everything, Point, tempDir } from './fixtures';

const tmp = tempDir('tx');
afterAll(() => tmp.cleanup());
const types = [Point, Everything, Counter];

test('commit makes every store visible and durable across reopen', () => {
  const file = tmp.file('commit');
  let pool = Pool.create(file, { types });
  const c = pool.root(Counter);
  const result = runTransaction(pool, () => {
    c.value = 10n;
    c.touched = 3;
    return 'done';
  });
  expect(result).toBe('done');
  pool.close();
  pool = Pool.open(file, { types });
  expect(pool.root(Counter).value).toBe(10n);
  expect(pool.root(Counter).touched).toBe(3);
  expect(pool.stats().commits).toBe(0);
  pool.close();
});

test('a throw aborts: values, allocations and frees roll back; the error is rethrown unchanged', () => {
  const pool = Pool.create(tmp.file('abort'), { types });
  const c = pool.create(Counter, { value: 1n });
  const doomed = pool.create(Counter, { value: 2n });
  const boom = new Error('boom');
  let created: Counter | undefined;
  expect(() =>
    runTransaction(pool, () => {
      c.value = 100n;
      created = pool.create(Counter, { value: 3n });
      pool.free(doomed);
      expect(() => doomed.value).toThrow(InvalidObjectError);
      throw boom;
    }),
  ).toThrow(boom);
  expect(c.value).toBe(1n);
  expect(doomed.value).toBe(2n);
  expect(() => created!.value).toThrow(InvalidObjectError);
  expect([...pool.objects(Counter)].length).toBe(2);
  expect(pool.stats().aborts).toBe(1);
  pool.close();
});

test('nested calls flatten; an inner throw aborts the whole chain even when caught', () => {
  const pool = Pool.create(tmp.file('nested'), { types });
  const c = pool.create(Counter, { value: 1n });
  runTransaction(pool, () => {
    c.value = 2n;
    runTransaction(pool, () => { c.value = 3n; });
  });
  expect(c.value).toBe(3n);
  expect(() =>
    runTransaction(pool, () => {
      c.value = 4n;
      try {
        runTransaction(pool, () => { c.value = 5n; throw new Error('inner'); });
      } catch { /* swallowed by the outer closure */ }
    }),
  ).toThrow(TransactionError);
  expect(c.value).toBe(3n);
  pool.close();
});

test('a closure returning a promise is rejected and rolled back', async () => {
  const pool = Pool.create(tmp.file('async'), { types });
  const c = pool.create(Counter, { value: 1n });
  expect(() => runTransaction(pool, (async () => { c.value = 9n; }) as never)).toThrow(/Promise/);
  expect(c.value).toBe(1n);
  expect(() => runTransaction(pool, () => ({ then: () => undefined }))).toThrow(TransactionError);
  pool.close();
});

test('out of space aborts cleanly and the pool stays usable', () => {
  const pool = Pool.create(tmp.file('oom'), { types, size: 8 * 1024 * 1024 });
  const c = pool.create(Counter, { value: 1n });
  expect(() =>
    runTransaction(pool, () => {
      c.value = 2n;
      for (;;) pool.create(Everything, { essay: 'z'.repeat(64 * 1024) });
    }),
  ).toThrow(OutOfSpaceError);
  expect(c.value).toBe(1n);
  expect([...pool.objects(Everything)].length).toBe(0);
  runTransaction(pool, () => { c.value = 7n; });
  expect(c.value).toBe(7n);
  pool.close();
});

test('a second process cannot open a pool this one holds', () => {
  const file = tmp.file('locked');
  const pool = Pool.create(file, { types });
  const nativeDir = path.resolve(__dirname, '../../packages/native/dist');
  const child = spawnSync(process.execPath, ['-e', `
    const n = require(${JSON.stringify(nativeDir)});
    try { n.open(${JSON.stringify(file)}, 'pmemts'); console.log('opened'); }
    catch (e) { console.log(e.name + ' ' + e.code); }`], { encoding: 'utf8' });
  expect(child.stdout.trim()).toBe('PoolError POOL_LOCKED');
  expect(() => Pool.open(file, { types })).toThrow(PoolError);
  pool.close();
});

test('transactions on two pools cannot interleave', () => {
  const a = Pool.create(tmp.file('two-a'), { types });
  const b = Pool.create(tmp.file('two-b'), { types });
  const ca = a.create(Counter);
  expect(() => runTransaction(a, () => { ca.value = 1n; runTransaction(b, () => undefined); })).toThrow(TransactionError);
  expect(ca.value).toBe(0n);
  a.close();
  b.close();
});

test('stats count commits, aborts and snapshots', () => {
  const pool = Pool.create(tmp.file('stats'), { types });
  const c = pool.create(Counter);
  const before = pool.stats();
  runTransaction(pool, () => { c.value = 1n; c.touched = 1; });
  const after = pool.stats();
  expect(after.commits - before.commits).toBe(1);
  expect(after.snapshots - before.snapshots).toBe(1); // both fields: one coalesced snapshot
  expect(after.snapshotBytes - before.snapshotBytes).toBe(16);
  pool.close();
});

test('a session that ends without close() is reported at the next open', async () => {
  const file = tmp.file('shutdown');
  const pool = Pool.create(file, { types });
  expect(pool.lastShutdownClean).toBe(true);
  pool.close();
  const again = Pool.open(file, { types });
  expect(again.lastShutdownClean).toBe(true);
  again.close();
  const script = `const { core, Counter, Point } = require(${JSON.stringify(__dirname + '/child-fixture.js')});
    core.Pool.open(${JSON.stringify(file)}, { types: [Point, Counter] }); process.kill(process.pid, 'SIGKILL');`;
  spawnSync(process.execPath, ['-e', script]);
  const afterCrash = Pool.open(file, { types });
  expect(afterCrash.lastShutdownClean).toBe(false);
  afterCrash.close();
});
