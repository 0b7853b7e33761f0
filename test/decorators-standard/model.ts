/**
 * One model, compiled twice by compile-model.ts: with `experimentalDecorators` + `emitDecoratorMetadata`
 * and with TypeScript's standard decorators. Every field kind the decorators support, every option,
 * inheritance (through a @Persistent parent and through a plain class with fields), all with explicit
 * types, since standard decorators have no design:type. Not imported by jest directly.
 */
import { Field, Persistent, Ref } from '@pmemts/decorators';
import type { PMap, PVector } from '@pmemts/core';

@Persistent({ name: 'StdPoint', align: 16 })
export class Point {
  @Field('i32') x!: number;
  @Field('i32') y!: number;
}

/** Not @Persistent: its fields lead every subclass's. */
export class Stamped {
  @Field('u64') id!: bigint;
  @Field('timestamp') created!: Date;
}

@Persistent({ name: 'StdEverything', version: 3, typeNum: 4242 })
export class Everything extends Stamped {
  @Field('u8') u8!: number;
  @Field('i8') i8!: number;
  @Field('u16') u16!: number;
  @Field('i16') i16!: number;
  @Field('u32') u32!: number;
  @Field('i32') i32!: number;
  @Field('i64') i64!: bigint;
  @Field('f32') f32!: number;
  @Field('f64') f64!: number;
  @Field('bool') flag!: boolean;
  @Field({ type: 'u32', align: 64 }) hot!: number;
  @Field('u16', { align: 8 }) warm!: number;
  @Field({ type: 'string', maxBytes: 24 }) name!: string;
  @Field({ type: 'heapString' }) essay!: string;
  @Field({ type: 'heapBytes' }) blob!: Uint8Array;
  @Field({ type: 'bytes', length: 5 }) tag!: Uint8Array;
  @Field({ type: 'array', of: 'u16', length: 3 }) triple!: number[];
  @Field({ type: 'struct', of: () => Point }) at!: Point;
  @Ref(() => Everything) next!: Everything | null;
  @Ref(() => Leaf, { align: 32 }) leaf!: Leaf | null;
  @Ref(() => BigLeaf) big!: BigLeaf | null;
  @Field({ type: 'map', key: 'u64', value: () => Leaf }) byId!: PMap<bigint, Leaf>;
  @Field({ type: 'map', key: { type: 'string', maxBytes: 16 }, value: 'f64' }) scores!: PMap<string, number>;
  @Field({ type: 'map', key: { type: 'bytes', maxLength: 8 }, value: { type: 'string', maxBytes: 12 } }) labels!: PMap<Uint8Array, string>;
  @Field({ type: 'vector', of: 'f64' }) samples!: PVector<number>;
  @Field({ type: 'vector', of: () => Leaf }) leaves!: PVector<Leaf>;
  @Field({ type: 'vector', of: { type: 'string', maxBytes: 8 } }) words!: PVector<string>;
}

@Persistent({ name: 'StdLeaf' })
export class Leaf {
  @Field('f64') weight!: number;
  @Ref(() => Everything) owner!: Everything | null;
}

@Persistent({ name: 'StdBigLeaf' })
export class BigLeaf extends Leaf {
  @Field({ type: 'struct', of: () => Point, align: 64 }) corner!: Point;
  @Field('u8') last!: number;
}

export const MODEL_TYPES = [Everything, Leaf, BigLeaf, Point];
