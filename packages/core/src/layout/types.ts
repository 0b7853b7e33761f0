import type { CollectionKeySpec, CollectionValueSpec, Constructor, ScalarType } from '@pmemts/decorators';

/** How a field's bytes are encoded (see docs/layout.md for each encoding). */
export type FieldKind = 'scalar' | 'string' | 'heapString' | 'heapBytes' | 'bytes' | 'array' | 'struct' | 'ref' | 'map' | 'vector' | 'counter';

/** One field of a resolved layout: where its bytes are and how they are encoded. */
export interface FieldLayout {
  /** The property name. */
  readonly name: string;
  /** What the field holds, which says which of the other members are set. */
  readonly kind: FieldKind;
  /** Scalar type of a scalar field, or the element type of an array. */
  readonly scalar?: ScalarType;
  /** Byte offset from the start of the object (or of the enclosing struct). */
  readonly offset: number;
  /** Bytes the field occupies, without the padding before the next field. */
  readonly size: number;
  /** Alignment of `offset`: the natural one, or higher when the field's `align` option raised it. */
  readonly align: number;
  /** Element count (array), byte count (bytes) or stripe count (counter). */
  readonly length?: number;
  /** Capacity in UTF-8 bytes of an inline string. */
  readonly maxBytes?: number;
  /** The class referred to (ref, or the values of a map or vector of refs) or embedded (struct). */
  readonly target?: () => Constructor;
  /** Stable type name of the class referred to (ref, map/vector of refs) or embedded (struct). */
  readonly targetName?: string;
  /** Key type of a map field. */
  readonly key?: CollectionKeySpec;
  /** Value type of a map field, element type of a vector field. */
  readonly value?: CollectionValueSpec;
  /** Layout of an embedded struct. */
  readonly struct?: TypeLayout;
}

/** A persistent class resolved into a C-compatible layout. */
export interface TypeLayout {
  /** Stable type name: the C struct name and the schema catalog's key. */
  readonly name: string;
  /** libpmemobj type number of the class's objects. */
  readonly typeNum: number;
  /** Layout version (`@Persistent({ version })`), recorded in the schema catalog. */
  readonly version: number;
  /** Bytes of one object: the end of the last field, padded to `align`. */
  readonly size: number;
  /** Alignment of the whole object: the largest of its fields', or the class's `align` option. */
  readonly align: number;
  /** In layout order: a parent class's fields first, then each class's in declaration order. */
  readonly fields: readonly FieldLayout[];
  /** The class. */
  readonly ctor: Constructor;
  /** SHA-256 (hex) of the canonical layout; equal fingerprints mean byte-compatible layouts. */
  readonly fingerprint: string;
  /** The class's own memory settings (@Persistent({ memory })), validated by the pool. */
  readonly memory?: Record<string, unknown>;
}

/** A class decorated with `@Persistent`. */
export type PersistentClass<T = object> = abstract new (...args: never[]) => T;
