// Child-process side of crash tests: the fixture classes, decorated by hand (plain JS, compiled core).
require('reflect-metadata');
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));

class Point {}
core.Field('i32')(Point.prototype, 'x');
core.Field('i32')(Point.prototype, 'y');
core.Persistent({ name: 'Point' })(Point);

class Counter {}
core.Field('i64')(Counter.prototype, 'value');
core.Field('u32')(Counter.prototype, 'touched');
core.Persistent({ name: 'Counter' })(Counter);

module.exports = { core, Point, Counter };
