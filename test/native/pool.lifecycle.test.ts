import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as n from '@pmemts/native';
import { tempDir } from '../core/fixtures';

const tmp = tempDir('native');
afterAll(() => tmp.cleanup());
const MiB = 1024 * 1024;
const NATIVE = path.resolve(__dirname, '../../packages/native/dist');

test('create, root, reopen: committed bytes survive; the mapping is one zero-copy buffer', () => {
  const file = tmp.file('basic');
  const pool = n.create(file, 'basic', 16 * MiB);
  expect(pool.size).toBe(16 * MiB);
  expect(pool.buffer.byteLength).toBe(16 * MiB);
  expect(typeof pool.isPmem).toBe('boolean');
  expect(typeof pool.uuidLo).toBe('bigint');
  expect(pool.rootSize()).toBe(0);
  const root = pool.root(64);
  expect(pool.rootSize()).toBe(64);
  expect(pool.root(64)).toBe(root);
  const a = new DataView(pool.buffer);
  const b = new Uint8Array(pool.buffer);
  pool.txBegin();
  pool.txAddRange(root, 8);
  a.setFloat64(root, 1.25, true);
  pool.txCommit();
  expect(pool.txEnd()).toBe(0);
  expect(new DataView(b.buffer).getFloat64(root, true)).toBe(1.25); // same memory, two views
  pool.close();
  const again = n.open(file, 'basic');
  expect(new DataView(again.buffer).getFloat64(again.root(64), true)).toBe(1.25);
  expect(again.uuidLo).toBe(pool.uuidLo);
  again.close();
  expect(n.check(file, 'basic').consistent).toBe(true);
  expect(n.version.major).toBeGreaterThanOrEqual(2);
});

test('close detaches the buffer and every method then throws PoolClosedError', () => {
  const pool = n.create(tmp.file('closed'), 'c', 8 * MiB);
  const stale = new Uint8Array(pool.buffer);
  const view = new DataView(pool.buffer);
  pool.close();
  expect(pool.closed).toBe(true);
  expect(stale.length).toBe(0);
  expect(stale[100]).toBeUndefined();
  expect(() => view.getUint8(0)).toThrow(TypeError);
  expect(() => pool.buffer).toThrow(n.PoolClosedError);
  for (const call of [() => pool.close(), () => pool.root(8), () => pool.txBegin(), () => pool.first(), () => pool.drain(), () => pool.persist(0, 1)]) {
    expect(call).toThrow(n.PoolClosedError);
  }
});

test('a pool dropped without close is closed by the garbage collector: lock released, buffer detached', () => {
  const file = tmp.file('gc');
  n.create(file, 'gc', 8 * MiB).close();
  const script = `
    const n = require(${JSON.stringify(NATIVE)});
    let pool = n.open(${JSON.stringify(file)}, 'gc');
    const buf = pool.buffer;
    pool = null;
    (async () => {
      for (let i = 0; i < 20 && buf.byteLength > 0; i++) { global.gc(); await new Promise((r) => setTimeout(r, 10)); }
      const again = n.open(${JSON.stringify(file)}, 'gc');
      console.log(buf.byteLength, again.size);
      again.close();
    })();`;
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
  expect(child.status).toBe(0);
  expect(child.stdout.trim()).toBe(`0 ${8 * MiB}`);
});

test('open and create errors are typed and name the problem', () => {
  const file = tmp.file('errors');
  const pool = n.create(file, 'layout-a', 8 * MiB);
  expect(() => n.open(file, 'layout-a')).toThrow(expect.objectContaining({ name: 'PoolError', code: 'POOL_LOCKED' }));
  const other = spawnSync(process.execPath, ['-e', `const n = require(${JSON.stringify(NATIVE)}); try { n.open(${JSON.stringify(file)}, 'layout-a'); } catch (e) { console.log(e.code); }`], { encoding: 'utf8' });
  expect(other.stdout.trim()).toBe('POOL_LOCKED');
  pool.close();
  const cases: [() => unknown, string, string][] = [
    [() => n.open(file, 'layout-b'), 'PoolError', 'POOL_LAYOUT_MISMATCH'],
    [() => n.create(file, 'x', 8 * MiB), 'PoolError', 'POOL_EXISTS'],
    [() => n.create(tmp.file('small'), 'x', 4 * MiB), 'PoolError', 'POOL_TOO_SMALL'],
    [() => n.open(tmp.file('missing'), 'x'), 'PoolError', 'POOL_NOT_FOUND'],
    [() => n.open(path.dirname(file), 'x'), 'PoolError', 'POOL_NOT_A_FILE'],
    [() => n.open(path.join(file, 'child'), 'x'), 'PoolError', 'POOL_NOT_FOUND'],
    [() => n.create(path.join(path.dirname(file), 'no', 'dir.pool'), 'x', 8 * MiB), 'PoolError', 'POOL_NOT_FOUND'],
  ];
  for (const [call, name, code] of cases) expect(call).toThrow(expect.objectContaining({ name, code }));
  expect(() => n.create(tmp.file('t'), '', 8 * MiB)).toThrow(TypeError);
  expect(() => n.create(tmp.file('t'), 'a\0b', 8 * MiB)).toThrow(TypeError);
  expect(() => n.create(tmp.file('t'), 'x'.repeat(1024), 8 * MiB)).toThrow(RangeError);
  expect(() => n.create(tmp.file('t'), 'x', -1)).toThrow(TypeError);
  expect(() => n.create(tmp.file('t'), 'x', 8 * MiB, 0o10000)).toThrow(TypeError);
  expect(() => n.create(42 as never, 'x', 8 * MiB)).toThrow(TypeError);
  expect(() => n.open(file, 'layout-a', { probe: 'maybe' as never })).toThrow(TypeError);
  // Nothing was harmed: the pool still opens.
  n.open(file, 'layout-a').close();
});

test('files that are not pools are PoolCorruptError, never a crash', () => {
  const random = tmp.file('random');
  fs.writeFileSync(random, Buffer.from(Array.from({ length: 9 * MiB }, (_, i) => (i * 2654435761) >>> 24)));
  const zeros = tmp.file('zeros');
  fs.writeFileSync(zeros, Buffer.alloc(9 * MiB));
  const text = tmp.file('text');
  fs.writeFileSync(text, 'hello, not a pool\n');
  for (const file of [random, zeros, text]) {
    expect(() => n.open(file, 'x')).toThrow(n.PoolCorruptError);
    expect(n.check(file, 'x').consistent).toBe(false);
  }
});

test('the NativePool constructor cannot be called from JS', () => {
  const pool = n.create(tmp.file('ctor'), 'c', 8 * MiB);
  const Ctor = pool.constructor as new (...args: unknown[]) => unknown;
  expect(() => new Ctor()).toThrow(TypeError);
  expect(() => new Ctor({})).toThrow(TypeError);
  pool.close();
});
