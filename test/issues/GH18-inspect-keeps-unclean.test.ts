/**
 * Issue 18, defect 5: every CLI command erased the unclean-shutdown record (it set and cleared the
 * open flag like a writer). Inspection now writes nothing: after a SIGKILLed session, every command
 * but import shows the record and leaves it for the application's next Pool.open.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as native from '@pmemts/native';
import { openForInspection, Pool, PoolCorruptError, runTransaction } from '@pmemts/core';
import { Counter, tempDir } from '../core/fixtures';
import { cli, poolBytes } from '../cli/run-cli';

const tmp = tempDir('gh18-unclean');
afterAll(() => tmp.cleanup());
const CORE = path.resolve(__dirname, '../../packages/core/dist');

/** A pool whose last session was SIGKILLed while it held the pool open. */
async function killedWhileOpen(): Promise<string> {
  const file = tmp.file('killed');
  const pool = Pool.create(file, { types: [Counter] });
  runTransaction(pool, () => {
    pool.root(Counter).value = 42n;
  });
  pool.close();
  const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(CORE)}).Pool.open(${JSON.stringify(file)}); process.stdout.write('open\\n'); setInterval(() => {}, 1000);`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before opening the pool`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return file;
}

test('every inspecting command keeps the unclean-shutdown record, shows it in info, and changes nothing', async () => {
  const file = await killedWhileOpen();
  const before = poolBytes(file);
  const info = cli('info', file, '--json');
  expect(info.status).toBe(0);
  expect(info.json().lastShutdown).toMatch(/^not clean/);
  expect(cli('info', file).out).toMatch(/lastShutdown\s+not clean/);
  for (const args of [['types'], ['ls'], ['show', 'root'], ['check'], ['stats'], ['export'], ['info']]) {
    const r = cli(args[0], file, ...args.slice(1));
    expect({ args, status: r.status, err: r.err }).toEqual({ args, status: 0, err: '' });
    expect({ args, unchanged: poolBytes(file).equals(before) }).toEqual({ args, unchanged: true });
  }
  const pool = Pool.open(file, { types: [Counter] });
  expect(pool.lastShutdownClean).toBe(false);
  expect(pool.root(Counter).value).toBe(42n);
  pool.close();
  const next = Pool.open(file, { types: [Counter] });
  expect(next.lastShutdownClean).toBe(true);
  next.close();
});

test('openForInspection reports the record and leaves it; Pool.open with inspect does too', async () => {
  const file = await killedWhileOpen();
  const before = poolBytes(file);
  const inspected = openForInspection(file);
  expect(inspected.pool.lastShutdownClean).toBe(false);
  inspected.pool.close();
  const looked = Pool.open(file, { types: [Counter], inspect: true });
  expect(looked.lastShutdownClean).toBe(false);
  looked.close();
  expect(poolBytes(file).equals(before)).toBe(true);
  const pool = Pool.open(file, { types: [Counter] });
  expect(pool.lastShutdownClean).toBe(false);
  pool.close();
});

test('Pool.open refuses an inspect option that is not a boolean', () => {
  const file = tmp.file('options');
  Pool.create(file, { types: [Counter] }).close();
  expect(() => Pool.open(file, { types: [Counter], inspect: 'yes' as never })).toThrow(new TypeError('Pool.open: options.inspect must be a boolean'));
});

test('Pool.open with inspect refuses a pmemobj pool pmemts never wrote, instead of allocating its root record', () => {
  const file = tmp.file('foreign');
  native.create(file, 'pmemts', 8 * 1024 * 1024).close();
  expect(() => Pool.open(file, { inspect: true })).toThrow(PoolCorruptError);
  expect(() => Pool.open(file, { inspect: true })).toThrow(/no pmemts root record/);
  const handle = native.open(file, 'pmemts');
  expect(handle.rootSize()).toBe(0);
  handle.close();
});
