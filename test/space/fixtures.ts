import 'reflect-metadata';
import { Field, Persistent, Ref, type PMap, type PVector } from '@pmemts/core';

/** Every kind of reference the collector and defrag must follow: ref, struct-embedded ref, heap slots, maps and vectors of refs. */
@Persistent({ name: 'SpLeaf' })
export class Leaf {
  @Field('u32') n!: number;
  @Field({ type: 'heapString' }) label!: string;
}

@Persistent({ name: 'SpLink' })
export class Link {
  @Field('u32') weight!: number;
  @Ref(() => Leaf) leaf!: Leaf | null;
}

@Persistent({ name: 'SpHub' })
export class Hub {
  @Field('u32') n!: number;
  @Ref(() => Leaf) direct!: Leaf | null;
  @Field({ type: 'struct', of: () => Link }) link!: Link;
  @Field({ type: 'heapString' }) text!: string;
  @Field({ type: 'heapBytes' }) bytes!: Uint8Array;
  @Field({ type: 'map', key: 'u32', value: () => Leaf }) byId!: PMap<number, Leaf>;
  @Field({ type: 'map', key: { type: 'string', maxBytes: 16 }, value: { type: 'string', maxBytes: 16 } }) names!: PMap<string, string>;
  @Field({ type: 'vector', of: () => Leaf }) list!: PVector<Leaf>;
  @Field({ type: 'vector', of: 'u32' }) numbers!: PVector<number>;
  @Ref(() => Hub) next!: Hub | null;
}

export const TYPES = [Leaf, Link, Hub];
