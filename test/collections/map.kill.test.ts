import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { tempDir } from './fixtures';

// Plain JS shared with the child process, on the compiled core (as test/crash does).
const { Store, operations } = require('./kill-program') as { Store: new () => { done: number; m: import('@pmemts/core').PMap<bigint, bigint> }; operations: (n: number) => [string, bigint, bigint?][] };
const compiled = require('../../packages/core/dist') as typeof import('@pmemts/core');

const tmp = tempDir('map-kill');
afterAll(() => tmp.cleanup());

/** Runs the child until it has committed for a while, then SIGKILLs it mid-transaction. */
function runAndKill(file: string, afterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'kill-child.js'), file], {
      env: { ...process.env, PMEM_IS_PMEM_FORCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), afterMs));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

test('SIGKILL in the middle of map transactions: every reopen finds the invariants intact and exactly the committed transactions', async () => {
  const file = tmp.file('kill');
  compiled.Pool.create(file, { types: [Store] }).close();
  const model = new Map<bigint, bigint>();
  let replayed = 0;
  let splitsSeen = false;
  for (let kill = 0; kill < 12; kill++) {
    await runAndKill(file, 40 + ((kill * 37) % 120));
    const pool = compiled.Pool.open(file, { types: [Store] });
    const store = pool.root(Store);
    for (; replayed < store.done; replayed++) {
      for (const [op, key, value] of operations(replayed)) {
        if (op === 'set') model.set(key, value!);
        else model.delete(key);
      }
    }
    expect(compiled.verifyCollection(store.m)).toEqual([]);
    expect([...store.m]).toEqual([...model.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    expect(pool.deepCheck().problems).toEqual([]);
    splitsSeen ||= store.m.size > 30;
    pool.close();
  }
  // Hundreds of transactions ran; each kill landed at an arbitrary point of one.
  expect(replayed).toBeGreaterThan(100);
  expect(splitsSeen).toBe(true);
});
