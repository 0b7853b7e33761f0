// Power-failure sweep child: run under crash-image.c's preload, opens the small v1 bank pool with the v2
// classes (a migration in transactions of 4 objects) and closes it; every fence of it is imaged.
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const killClasses = require('./kill-classes');

const [file] = process.argv.slice(2);
core.setMigrationBatchSizeForTests(4);
core.Pool.open(file, { layout: 'pmemts-kill', types: killClasses(core, 2).types, probe: false }).close();
