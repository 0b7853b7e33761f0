// Striped counter vs a plain u64 field under the same increments, one per transaction (or one per
// Flush-level store): the increment rate, and how often each cache line is flushed, counted by the
// pool's write-heat record (Pool.open(..., { heat: true })). The rates come from pools without heat,
// so recording costs neither side anything.
//   node counter.js <variant> <pool> <n>   variant: u64-wt | counter-wt | u64-wb | counter-wb | u64-flush | counter-flush
// (bench/run.js runs it through pmemts.js, as the scenario counter:<variant>).
// Prints one JSON line {impl, scenario, n, opsPerSec, nsPerOp[, vs]} and one {note} with the flushes per line.
const path = require('node:path');
const fs = require('node:fs');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { Field, Persistent, PersistenceLevel, Pool, runTransaction, WritePolicy } = core;

/** Stripes of the benchmarked counter. */
const STRIPES = 8;
/** Most increments whose flushes are counted (a multiple of STRIPES, so the counter's lines come out even). */
const MAX_COUNTED = 8000;

// The plain field in an object of its own (16 bytes, one line), so its commits flush only its line.
class BenchTally {}
Field('u64')(BenchTally.prototype, 'value');
Persistent({ name: 'BenchTally' })(BenchTally);

class BenchHits {}
Field({ type: 'counter', stripes: STRIPES })(BenchHits.prototype, 'hits');
Persistent({ name: 'BenchHits' })(BenchHits);

const VARIANTS = {
  wt: { label: 'write-through', memory: { writePolicy: WritePolicy.WriteThrough } },
  wb: { label: 'write-back', memory: { writePolicy: WritePolicy.WriteBack } },
  flush: { label: 'write-through, Flush level', memory: { writePolicy: WritePolicy.WriteThrough, persistenceLevel: PersistenceLevel.Flush } },
};

/** `count` increments of the field `kind` names, each in its own transaction at the Transaction level. */
function increments(pool, kind, transactional, count) {
  const obj = pool.create(kind === 'u64' ? BenchTally : BenchHits);
  const one = kind === 'u64' ? () => (obj.value += 1n) : () => obj.hits.add(1);
  for (let i = 0; i < count; i++) {
    if (transactional) runTransaction(pool, one);
    else one();
  }
  const total = kind === 'u64' ? obj.value : obj.hits.value;
  if (total !== BigInt(count)) throw new Error(`${kind}: ${count} increments read back as ${total}`);
  return obj;
}

function open(file, variant, heat) {
  fs.rmSync(file, { force: true });
  return Pool.create(file, { layout: 'bench', size: 64 << 20, types: [BenchTally, BenchHits], memory: VARIANTS[variant].memory, heat });
}

function run(scenario, file, n) {
  const [kind, variant] = scenario.split('-');
  if (!VARIANTS[variant] || (kind !== 'u64' && kind !== 'counter')) throw new Error(`unknown counter scenario ${scenario}`);
  const transactional = variant !== 'flush';
  const name = kind === 'u64' ? 'u64 field' : `counter, ${STRIPES} stripes`;
  const impl = `${name} (${VARIANTS[variant].label})`;

  let pool = open(file, variant, false);
  const start = process.hrtime.bigint();
  increments(pool, kind, transactional, n);
  const ns = Number(process.hrtime.bigint() - start);
  pool.close();
  const vs = kind === 'counter' ? `u64 field (${VARIANTS[variant].label})` : undefined;
  console.log(JSON.stringify({ impl, scenario, n, opsPerSec: Math.round((n * 1e9) / ns), nsPerOp: ns / n, vs }));

  const counted = Math.max(STRIPES, Math.min(MAX_COUNTED, n - (n % STRIPES)));
  pool = open(file, variant, true);
  const obj = increments(pool, kind, transactional, counted);
  pool.flush();
  const offset = pool.locate(obj).offset;
  const lines = pool.heat({ top: 4096 }).lines.filter((l) => l.object === offset).map((l) => l.flushes);
  pool.close();
  fs.rmSync(file, { force: true });
  // The object's allocation flushed each of its lines once: not an increment's flush.
  const flushes = lines.map((f) => f - 1);
  const hottest = Math.max(...flushes);
  const total = flushes.reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({ note: `${impl}: ${counted} increments flushed ${total} lines, over ${flushes.filter((f) => f > 0).length} line(s); the hottest line ${hottest} times (${(hottest / counted).toFixed(3)} per increment)` }));
}

if (require.main === module) {
  const [scenario, file, n] = process.argv.slice(2);
  run(scenario, file, Number(n));
}

module.exports = { run };
