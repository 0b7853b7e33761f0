// Migration kill-test child: opens the v1 bank pool with the v2 classes, which migrates it, then closes.
// Prints "ready" right before Pool.open (the parent SIGKILLs it some milliseconds later) and "done" after.
// argv: <pool file> [objects per migration transaction]
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const killClasses = require('./kill-classes');
const { writeLineSync } = require('../crash/write-line');

const [file, batch] = process.argv.slice(2);
if (batch !== undefined) core.setMigrationBatchSizeForTests(Number(batch));
const { types } = killClasses(core, 2);
writeLineSync(1, 'ready');
const began = process.hrtime.bigint();
core.Pool.open(file, { layout: 'pmemts-kill', types, probe: false }).close();
writeLineSync(1, `done ${Number(process.hrtime.bigint() - began) / 1e6}`);
