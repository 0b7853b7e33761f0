import 'reflect-metadata';
import { Field, Persistent, Pool, verifyCollection, type PMap, type PVector } from '@pmemts/core';
import { MapHeader } from '../../packages/core/src/collections/node-format';
import { setNodeCapacityForTests } from '../../packages/core/src/collections';

export { tempDir } from '../core/fixtures';

@Persistent({ name: 'ColAccount' })
export class Account {
  @Field({ type: 'string', maxBytes: 16 }) owner!: string;
  @Field('i64') balance!: bigint;
}

@Persistent({ name: 'ColOther' })
export class Other {
  @Field('u32') n!: number;
}

/** One map per key type, the value kinds, and vectors. */
@Persistent({ name: 'ColBank' })
export class Bank {
  @Field('u32') touched!: number;
  @Field({ type: 'map', key: 'u64', value: () => Account }) byId!: PMap<bigint, Account>;
  @Field({ type: 'map', key: { type: 'string', maxBytes: 32 }, value: () => Account }) byOwner!: PMap<string, Account>;
  @Field({ type: 'map', key: 'i64', value: 'f64' }) rates!: PMap<bigint, number>;
  @Field({ type: 'map', key: 'u32', value: 'u8' }) small!: PMap<number, number>;
  @Field({ type: 'map', key: 'i32', value: 'bool' }) flags!: PMap<number, boolean>;
  @Field({ type: 'map', key: 'f64', value: 'timestamp' }) times!: PMap<number, Date>;
  @Field({ type: 'map', key: { type: 'bytes', maxLength: 8 }, value: { type: 'string', maxBytes: 12 } }) tags!: PMap<Uint8Array, string>;
  @Field({ type: 'map', key: 'u64', value: 'u64' }) counts!: PMap<bigint, bigint>;
  @Field({ type: 'vector', of: () => Account }) recent!: PVector<Account>;
  @Field({ type: 'vector', of: 'f32' }) samples!: PVector<number>;
  @Field({ type: 'vector', of: { type: 'string', maxBytes: 8 } }) names!: PVector<string>;
}

export const TYPES = [Bank, Account, Other];

/** Tiny nodes so a few dozen keys split and merge at every level; restored after each test. */
export function smallNodes(leaf = 4, inner = 3): void {
  beforeEach(() => setNodeCapacityForTests({ leaf, inner }));
  afterEach(() => setNodeCapacityForTests(null));
}

/** Asserts the collection's invariants (the deep check's own checker). */
export function expectSound(collection: PMap<any, any> | PVector<any>): void {
  expect(verifyCollection(collection)).toEqual([]);
}

/** Height of a map's tree, read from its header (0 when empty). */
export function heightOf(pool: Pool, owner: object, field: string): number {
  const session = Pool.sessionOf(pool);
  const { offset, layout } = pool.locate(owner);
  const slot = offset + layout.fields.find((f) => f.name === field)!.offset;
  const header = Number(session.dv.getBigUint64(slot + 8, true));
  return header === 0 ? 0 : session.dv.getUint32(header + MapHeader.height, true);
}

/** A deterministic pseudo-random sequence (xorshift32). */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}
