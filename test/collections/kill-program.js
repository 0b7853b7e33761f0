// The workload of map.kill.test.ts, shared by the parent (to replay) and the child (to run).
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));

class Store {}
core.Field('u32')(Store.prototype, 'done');
core.Field({ type: 'map', key: 'u64', value: 'u64' })(Store.prototype, 'm');
core.Persistent({ name: 'KillStore' })(Store);

/** The operations of transaction n: a burst of inserts or of deletes over 300 keys, seeded by n. */
function operations(n) {
  let x = (n * 2654435761 + 1) >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
  const inserting = Math.floor(n / 7) % 2 === 0;
  const out = [];
  const count = 1 + Math.floor(next() * 40);
  for (let i = 0; i < count; i++) {
    const key = BigInt(Math.floor(next() * 300));
    out.push(next() < (inserting ? 0.8 : 0.2) ? ['set', key, BigInt(n)] : ['delete', key]);
  }
  return out;
}

module.exports = { Store, operations };
