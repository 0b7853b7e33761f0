// Migration rate: a pool of n objects of a class gains one field (version 1 → 2, an automatic
// migration), and Pool.open migrates it: every object copied into its new size, every reference
// rewired, the old objects freed, in transactions of 1,000 objects. The objects form a linked list
// from the root, so every one of them holds a reference the rewiring must fix.
//   node migration.js <pool> <n>   (bench/run.js runs it through pmemts.js, as the scenario migration)
// Prints one JSON line {impl, scenario, n, opsPerSec, nsPerOp} (objects migrated per second, the whole
// open included) and one {note} with the time of each phase.
const fs = require('node:fs');
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { Field, Persistent, Pool, Ref, runTransaction } = core;

/** The benchmarked class at `version`: v2 adds one u32 field. */
function itemClass(version) {
  class MigItem {}
  Field('u64')(MigItem.prototype, 'id');
  Field('f64')(MigItem.prototype, 'value');
  Ref(() => MigItem)(MigItem.prototype, 'next');
  if (version === 2) Field('u32')(MigItem.prototype, 'added');
  Persistent({ name: 'MigItem', version })(MigItem);
  return MigItem;
}

function run(file, n) {
  const V1 = itemClass(1);
  fs.rmSync(file, { force: true });
  // Old and new objects live side by side until the old ones are freed: room for both, and the work list.
  const size = Math.max(64 << 20, n * 512);
  const pool = Pool.create(file, { layout: 'bench-migration', types: [V1], size });
  let head = null;
  for (let start = 0; start < n; start += 10_000) {
    runTransaction(pool, () => {
      for (let i = start; i < Math.min(n, start + 10_000); i++) head = pool.create(V1, { id: BigInt(i), value: i / 2, next: head });
    });
  }
  runTransaction(pool, () => (pool.root(V1).next = head));
  pool.close();

  const V2 = itemClass(2);
  const phases = [];
  let at = process.hrtime.bigint();
  const start = at;
  const migrated = Pool.open(file, {
    layout: 'bench-migration',
    types: [V2],
    probe: false,
    onMigrationProgress: (phase) => {
      if (phases.length > 0 && phases[phases.length - 1].phase === phase) return;
      const now = process.hrtime.bigint();
      if (phases.length > 0) phases[phases.length - 1].ns = now - at;
      phases.push({ phase, ns: 0n });
      at = now;
    },
  });
  const end = process.hrtime.bigint();
  phases[phases.length - 1].ns = end - at;
  let count = 0;
  for (let o = migrated.root(V2).next; o !== null; o = o.next) count++;
  migrated.close();
  fs.rmSync(file, { force: true });
  if (count !== n) throw new Error(`migration: ${count} objects reachable after migrating ${n}`);
  const ns = Number(end - start);
  console.log(JSON.stringify({ impl: 'migration, one added field (objects/s)', scenario: 'migration', n, opsPerSec: Math.round((n * 1e9) / ns), nsPerOp: ns / n }));
  console.log(JSON.stringify({ note: `migration of ${n} objects: ${phases.map((p) => `${p.phase} ${(Number(p.ns) / 1e6).toFixed(0)} ms`).join(', ')} (the first phase includes listing the objects)` }));
}

module.exports = { run };
