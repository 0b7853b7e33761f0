// The workload of space.kill.test.ts, shared by the parent (to check) and the child (to run): each
// step adds one reachable leaf (a map entry, every third also a vector element, and the root's last
// ref) and leaks a dozen leaves with heap strings, then collects (every other step) and defragments.
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));

class Leaf {}
core.Field('u32')(Leaf.prototype, 'n');
core.Field({ type: 'heapString' })(Leaf.prototype, 'label');
core.Persistent({ name: 'SkLeaf' })(Leaf);

class Root {}
core.Field('u32')(Root.prototype, 'n');
core.Field({ type: 'map', key: 'u32', value: () => Leaf })(Root.prototype, 'byId');
core.Field({ type: 'vector', of: () => Leaf })(Root.prototype, 'list');
core.Ref(() => Leaf)(Root.prototype, 'last');
core.Persistent({ name: 'SkRoot' })(Root);

const TYPES = [Leaf, Root];
const labelOf = (k) => `leaf ${k} `.repeat(1 + (k % 5));

/** Adds a reachable leaf and leaks a dozen, in one transaction. */
function grow(pool, root) {
  const k = root.n;
  core.runTransaction(pool, () => {
    const leaf = pool.create(Leaf, { n: k, label: labelOf(k) });
    root.byId.set(k, leaf);
    if (k % 3 === 0) root.list.push(leaf);
    root.last = leaf;
    for (let g = 0; g < 12; g++) pool.create(Leaf, { n: 1e6 + g, label: 'garbage '.repeat(g + 1) });
    root.n = k + 1;
  });
}

/** One step: grow, collect (even steps), then defragment: most of a step's time is inside the defragmentation. */
function step(pool, root) {
  const k = root.n;
  grow(pool, root);
  if (k % 2 === 0) pool.collect({ batchSize: 5 });
  pool.defrag();
}

/** Problems of what the root reaches after `root.n` steps (an empty list when all of it is there). */
function reachableProblems(root) {
  const problems = [];
  const n = root.n;
  if (root.byId.size !== n) problems.push(`byId has ${root.byId.size} entries, expected ${n}`);
  for (const [k, leaf] of root.byId) if (leaf.n !== k || leaf.label !== labelOf(k)) problems.push(`byId ${k} holds leaf ${leaf.n} '${leaf.label}'`);
  if (root.list.length !== Math.ceil(n / 3)) problems.push(`list has ${root.list.length} elements, expected ${Math.ceil(n / 3)}`);
  for (let i = 0; i < root.list.length; i++) if (root.list.get(i).n !== 3 * i) problems.push(`list ${i} holds leaf ${root.list.get(i).n}`);
  if (n > 0 && (root.last === null || root.last.n !== n - 1)) problems.push(`last is ${root.last?.n}`);
  return problems;
}

module.exports = { TYPES, Root, grow, step, reachableProblems };
