#!/usr/bin/env node
// Runs bench/trials.js in two durability classes and prints one table per group with ratios.
//   node bench/run.js [--quick] [--mode shm|disk|all] [--only name,name|group] [--repeat R]
// shm:  pools on /dev/shm with PMEM_IS_PMEM_FORCE=1; lmdb noSync; sqlite synchronous=OFF.
//       All survive a process crash, none a power loss.
// disk: pools on the disk without PMEM_IS_PMEM_FORCE (every persist is msync); lmdb sync;
//       sqlite synchronous=FULL. All survive a power loss as far as the disk honours fsync/msync.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const trials = require('./trials');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const quick = flag('--quick');
const modes = option('--mode', 'all') === 'all' ? ['shm', 'disk'] : [option('--mode')];
const only = option('--only', null)?.split(',');
const repeat = Number(option('--repeat', quick ? 1 : 3));
// Keys of the map trials: 1,000,000 by default; PMEMTS_BENCH_MAP_KEYS scales them down for quick runs.
const mapKeys = Number(process.env.PMEMTS_BENCH_MAP_KEYS ?? (quick ? 20000 : 1_000_000));
const out = path.join(__dirname, 'out');
fs.mkdirSync(out, { recursive: true });

const cBinary = path.join(out, 'bank_c');
execFileSync('cc', ['-O2', '-o', cBinary, path.join(__dirname, 'c', 'bank.c'), '-lpmemobj']);
const regionBinary = path.join(out, 'region_c');
execFileSync('cc', ['-O2', '-o', regionBinary, path.join(__dirname, 'c', 'region.c'), '-lpmemobj', '-lpmem']);

const MODES = {
  shm: { dir: '/dev/shm', env: { PMEM_IS_PMEM_FORCE: '1' }, mapKeys, n: quick ? 20000 : 200000, reads: quick ? 2000 : 20000, lmdb: 'nosync', sqlite: 'OFF' },
  disk: { dir: out, env: { PMEM_IS_PMEM_FORCE: '0' }, n: quick ? 300 : 2000, reads: quick ? 2000 : 20000, lmdb: 'sync', sqlite: 'FULL' },
};

function runOnce(trial, mode) {
  const m = MODES[mode];
  const target = path.join(m.dir, `pmemts-bench-${process.pid}-${trial.name}`);
  fs.rmSync(target, { recursive: true, force: true });
  const n = String(trial.mapKeys ? m.mapKeys : trial.n ?? (trial.reads ? m.reads : m.n));
  const [kind, scenario] = trial.run;
  const script = (file, ...args) => [process.execPath, [path.join(__dirname, 'scenarios', file), ...args]];
  // Built for the trial's kind only: the kinds' arguments differ (lmdb's run names no scenario).
  const command = {
    c: () => [cBinary, [scenario, target, n]],
    pmemts: () => script('pmemts.js', scenario, target, n),
    'region-c': () => [regionBinary, [scenario, target, n]],
    regions: () => script('regions.js', scenario, target, n),
    // A scenario file of its own: node scenarios/<file> <pool> <n> [arguments...]
    script: () => script(scenario, target, n, ...trial.run.slice(2)),
    lmdb: () => script('lmdb.js', target, n, m.lmdb),
    sqlite: () => script('sqlite.js', target, n, m.sqlite),
    collections: () => script('collections.js', scenario, trial.run[2], target, n, m.lmdb),
  }[kind]();
  const child = spawnSync(command[0], command[1], { encoding: 'utf8', env: { ...process.env, ...m.env } });
  fs.rmSync(target, { recursive: true, force: true });
  for (const suffix of ['-wal', '-shm']) fs.rmSync(target + suffix, { force: true });
  if (child.status !== 0) throw new Error(`${trial.name} (${mode}) failed: ${child.stderr || child.error}`);
  const lines = child.stdout.trim().split('\n').map((line) => JSON.parse(line));
  // A line with a `note` is a fact about the run (e.g. bytes per key), printed under its group once.
  for (const line of lines) if (line.note && !notes.includes(line.note)) notes.push(line.note);
  return lines.filter((line) => !line.note);
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const results = [];
const notes = [];
console.log(`pmemts benchmarks — ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}, ${os.release()}`);
for (const mode of modes) {
  console.log(`\n## ${mode === 'shm' ? 'process-crash durable (/dev/shm, PMEM_IS_PMEM_FORCE=1; lmdb noSync; sqlite WAL synchronous=OFF)' : 'power-failure durable on this disk (msync / fsync per commit)'}`);
  for (const group of [...new Set(trials.map((t) => t.group))]) {
    const rows = [];
    const chosen = trials.filter((t) => t.group === group && (!only || only.includes(t.name) || only.includes(t.group)))
      .filter((t) => !(mode === 'disk' && (t.reads || t.shmOnly))); // reads do not touch the disk
    // Repeats go round the group's trials (A B C, A B C, ...), not trial by trial: this shared VM's speed
    // drifts within minutes, and a ratio is only fair between runs made at about the same time.
    const runsOf = new Map(chosen.map((t) => [t, []]));
    for (let r = 0; r < repeat; r++) for (const trial of chosen) runsOf.get(trial).push(runOnce(trial, mode));
    for (const trial of chosen) {
      const runs = runsOf.get(trial);
      for (let line = 0; line < runs[0].length; line++) {
        const rates = runs.map((lines) => lines[line].opsPerSec);
        const med = median(rates);
        const spread = rates.length > 1 ? (100 * (Math.max(...rates) - Math.min(...rates))) / 2 / med : 0;
        rows.push({ impl: runs[0][line].impl, vs: runs[0][line].vs, opsPerSec: med, spread, baseline: trial.baseline && line === 0, latency: Boolean(trial.latency), n: runs[0][line].n });
      }
    }
    if (rows.length === 0) continue;
    const base = rows.find((r) => r.baseline) ?? rows[0];
    const latency = rows[0].latency;
    console.log(`\n${group} (${latency ? 'ms per call' : 'ops/s'}, median of ${repeat}; ratio vs ${rows.some((r) => r.vs) ? 'the row named in vs' : base.impl})`);
    for (const row of rows) {
      const against = rows.find((r) => r.impl === row.vs) ?? base;
      const ratio = latency ? against.opsPerSec / row.opsPerSec : row.opsPerSec / against.opsPerSec;
      const value = latency ? `${(1000 / row.opsPerSec).toFixed(2)} ms` : String(row.opsPerSec);
      console.log(`  ${row.impl.padEnd(56)} ${value.padStart(11)} ±${row.spread.toFixed(1).padStart(4)}%  ${ratio.toFixed(2)}×`);
      results.push({ mode, group, ...row, ratio });
    }
    for (const note of notes.splice(0)) console.log(`  note: ${note}`);
  }
}
fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify(results, null, 2));
