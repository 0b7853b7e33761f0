// Child of defrag.power.test.ts, run under the crash-image preload (test/fault/crash-image.c): one
// defragmentation, then a step that leaks and collects, on the pool the parent fragmented. Every
// image the preload writes is a power failure somewhere inside them.
require(require.resolve('reflect-metadata', { paths: [__dirname] }));
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const { TYPES, Root, grow } = require('./kill-program');

const pool = core.Pool.open(process.argv[2], { types: TYPES, probe: false });
const root = pool.root(Root);
const report = pool.defrag();
grow(pool, root);
pool.collect({ batchSize: 3 });
pool.close();
process.stdout.write(`relocated ${report.relocated}\n`);
