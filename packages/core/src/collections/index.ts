/** Persistent collections: maps (B+ trees) and vectors held by decorated fields. */
export { PMap, type RangeOptions } from './PMap';
export { PVector } from './PVector';
export { verifyCollection } from './collection-field';
export { setNodeCapacityForTests } from './node-format';
