/**
 * Corrupt and hostile pools: seeded mutations of a real bank pool (header, lanes, heap, catalog and
 * object bytes: flips, zeroed and random regions, truncation, extension). Each is opened in a worker
 * the way the probe child does with probe: 'walk' (open, walk, close), then with Pool.open; the result
 * must be a typed error or a consistent open whose deep check reports problems instead of crashing.
 * When the worker dies or hangs inside that open and walk, the real probe is run on the same file and
 * must report it (a crash or a hang: what production's probe: 'walk' turns into PoolCorruptError);
 * only then is it counted as isolated. Any other death, a probe that opens the file cleanly, or an
 * untyped error is a violation.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { probePool } from '@pmemts/native';
import { openBank, accountsOf, transfer } from '../../packages/examples/src';
import { tempDir } from '../core/fixtures';

const MUTATIONS = Number(process.env.PMEMTS_FUZZ_MUTATIONS ?? (process.env.PMEMTS_TORTURE ? 100_000 : 10_000));
const BATCH = 1000;
const BATCH_TIMEOUT_MS = 300_000; // a backstop: the worker's own watchdog ends a hang within ~2 s
const PROBE_DEADLINE_MS = 3_000; // the worker's watchdog gave the same open and walk 1-2 s
const tmp = tempDir('fuzz');
afterAll(() => tmp.cleanup());

test(`${MUTATIONS} corrupted pools never crash the caller`, () => {
  const pristine = tmp.file('pristine');
  const { pool, bank } = openBank(pristine, 6, { size: 8 * 1024 * 1024 });
  const accounts = accountsOf(bank);
  for (let i = 0; i < 40; i++) transfer(pool, bank, accounts[i % 6], accounts[(i + 1) % 6], 1n);
  pool.close();
  const work = path.join('/dev/shm', `pmemts-fuzz-${process.pid}.pool`);
  const counts = { rejected: 0, isolatedCrashes: 0, isolatedHangs: 0, probeRejected: 0, consistent: 0, problemsReported: 0 };
  const violations: string[] = [];
  let next = 0;
  while (next < MUTATIONS) {
    // Batches with a deadline: a corrupted heap can make libpmemobj loop forever, not only crash.
    const end = Math.min(MUTATIONS, next + BATCH);
    const child = spawnSync(process.execPath, [path.join(__dirname, 'mutate-worker.js'), pristine, work, String(next), String(end), '20261122'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, PMEM_IS_PMEM_FORCE: '1' },
      timeout: BATCH_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    let last = { step: 'none', i: next - 1 };
    for (const line of child.stdout.split('\n')) {
      const [step, index, outcome] = line.split(' ');
      if (!step) continue;
      last = { step, i: Number(index) };
      if (step !== 'result') continue;
      if (outcome.startsWith('rejected:')) {
        if (outcome.endsWith(':untyped')) violations.push(`#${index}: untyped error`);
        else counts.rejected++;
      } else if (outcome === 'consistent') counts.consistent++;
      else if (outcome.startsWith('problems:')) counts.problemsReported++;
      else violations.push(`#${index}: ${line}`);
    }
    if (child.status === 0) {
      next = end;
      continue;
    }
    // The worker died or hung. Inside the open and walk, the probe must catch the same file (it still
    // holds mutation last.i); after them, nothing would have.
    const how = child.signal === 'SIGKILL' ? 'hung' : `died (${child.signal ?? child.status})`;
    const detail = child.stderr.split('\n').slice(0, 3).join(' ');
    if (last.step !== 'open') {
      violations.push(`#${last.i}: worker ${how} after "${last.step}": ${detail}`);
    } else {
      const probe = probePool(work, 'pmemts-bank', 'walk', PROBE_DEADLINE_MS);
      if (probe.status === 'crashed') counts[/did not finish/.test(probe.message) ? 'isolatedHangs' : 'isolatedCrashes']++;
      else if (probe.status === 'failed') counts.probeRejected++;
      else violations.push(`#${last.i}: worker ${how} in open/walk, but the probe reported "${probe.status}" (${probe.message}): ${detail}`);
    }
    next = last.i + 1;
  }
  spawnSync('rm', ['-f', work]);
  const total = Object.values(counts).reduce((a, b) => a + b, 0) + violations.length;
  console.log(`corrupt pools: ${MUTATIONS} mutations: ${JSON.stringify(counts)}, ${violations.length} violations`);
  expect(violations).toEqual([]);
  expect(total).toBe(MUTATIONS);
}, 1_800_000);
