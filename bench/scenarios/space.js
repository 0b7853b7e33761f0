// GC and defragmentation rates. A pool holds n objects with a heap string each: the odd ones in a
// list the root reaches, the even ones leaked (allocated beside them, in the same runs). pool.collect()
// marks and frees (its rate: heap allocations handled per second, the leaked ones freed); then
// pool.defrag() moves the survivors out of the half-empty runs (its rate: objects moved per second).
//   node space.js <pool> <n> [gc|defrag]
// Prints one JSON line {impl, scenario, n, opsPerSec, nsPerOp} per scenario and one {note} each.
require(require.resolve('reflect-metadata', { paths: [__dirname, require('node:path').resolve(__dirname, '../../packages/core')] }));
const fs = require('node:fs');
const path = require('node:path');
const { Field, Persistent, Pool, Ref, runTransaction } = require(path.resolve(__dirname, '../../packages/core/dist'));

class SpaceItem {}
Field('u64')(SpaceItem.prototype, 'id');
Field({ type: 'heapString' })(SpaceItem.prototype, 'label');
Ref(() => SpaceItem)(SpaceItem.prototype, 'next');
Persistent({ name: 'SpaceItem' })(SpaceItem);

function build(file, n) {
  fs.rmSync(file, { force: true });
  const pool = Pool.create(file, { layout: 'bench-space', types: [SpaceItem], size: Math.max(64 << 20, n * 640) });
  const root = pool.root(SpaceItem);
  let head = null;
  for (let start = 0; start < n; start += 10_000) {
    runTransaction(pool, () => {
      for (let i = start; i < Math.min(n, start + 10_000); i++) {
        const item = pool.create(SpaceItem, { id: BigInt(i), label: `item ${i}` });
        if (i % 2 === 1) {
          item.next = head;
          head = item;
        }
      }
    });
  }
  runTransaction(pool, () => (root.next = head));
  return pool;
}

function timed(fn) {
  const start = process.hrtime.bigint();
  const result = fn();
  return { result, ns: Number(process.hrtime.bigint() - start) };
}

function run(file, n, which = 'both') {
  const pool = build(file, n);
  const gc = timed(() => pool.collect());
  const handled = gc.result.allocations;
  if (which !== 'defrag') {
    console.log(JSON.stringify({ impl: 'gc: mark and free (allocations/s)', scenario: 'gc', n: handled, opsPerSec: Math.round((handled * 1e9) / gc.ns), nsPerOp: gc.ns / handled }));
    console.log(JSON.stringify({ note: `gc of ${handled} allocations: ${gc.result.collected.length} freed (${gc.result.bytes} B) in ${gc.result.transactions} transactions, ${(gc.ns / 1e6).toFixed(0)} ms` }));
  }
  if (which !== 'gc') {
    const d = timed(() => pool.defrag());
    const r = d.result;
    console.log(JSON.stringify({ impl: 'defrag (objects moved/s)', scenario: 'defrag', n: r.relocated, opsPerSec: Math.round((r.relocated * 1e9) / d.ns), nsPerOp: d.ns / Math.max(1, r.relocated) }));
    console.log(JSON.stringify({ note: `defrag: ${r.relocated} of ${r.candidates} objects moved, ${r.pointers} pointers, 256 KiB chunks ${r.before.chunks} → ${r.after.chunks}, chunk fragmentation ${(100 * r.before.chunkFragmentation).toFixed(1)}% → ${(100 * r.after.chunkFragmentation).toFixed(1)}%, ${(d.ns / 1e6).toFixed(0)} ms` }));
  }
  let count = 0;
  for (let o = pool.root(SpaceItem).next; o !== null; o = o.next) count++;
  pool.close();
  fs.rmSync(file, { force: true });
  if (count !== Math.floor(n / 2)) throw new Error(`space: ${count} objects reachable, expected ${Math.floor(n / 2)}`);
}

module.exports = { run };
if (require.main === module) run(process.argv[2], Number(process.argv[3]), process.argv[4]);
