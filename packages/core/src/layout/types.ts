import type { Constructor, ScalarType } from '@pmemts/decorators';

export type FieldKind = 'scalar' | 'string' | 'heapString' | 'heapBytes' | 'bytes' | 'array' | 'struct' | 'ref';

/** One field of a resolved layout: where its bytes are and how they are encoded. */
export interface FieldLayout {
  readonly name: string;
  readonly kind: FieldKind;
  /** Scalar type of a scalar field, or the element type of an array. */
  readonly scalar?: ScalarType;
  readonly offset: number;
  readonly size: number;
  readonly align: number;
  /** Element count (array) or byte count (bytes). */
  readonly length?: number;
  /** Capacity of an inline string. */
  readonly maxBytes?: number;
  /** Target class of a ref. */
  readonly target?: () => Constructor;
  /** Layout of an embedded struct. */
  readonly struct?: TypeLayout;
}

/** A persistent class resolved into a C-compatible layout. */
export interface TypeLayout {
  readonly name: string;
  readonly typeNum: number;
  readonly version: number;
  readonly size: number;
  readonly align: number;
  readonly fields: readonly FieldLayout[];
  readonly ctor: Constructor;
  /** SHA-256 (hex) of the canonical layout; equal fingerprints mean byte-compatible layouts. */
  readonly fingerprint: string;
  /** The class's own memory settings (@Persistent({ memory })), validated by the pool. */
  readonly memory?: Record<string, unknown>;
}
