/** Field and class option types recorded by the decorators (type-only module). */

export type ScalarType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'f32' | 'f64' | 'bool' | 'timestamp';

export const SCALAR_TYPES: readonly ScalarType[] = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'f32', 'f64', 'bool', 'timestamp'];

/** A class constructor, as decorators see it. */
export type Constructor = abstract new (...args: never[]) => unknown;

/** Options every field form accepts. */
export interface FieldOptions {
  /** Raise the field's alignment (a power of two, e.g. 64 for the cache line). @defaultValue natural alignment */
  align?: number;
}

/** The explicit forms of @Field's type argument. */
export type FieldType =
  | ScalarType
  | ({ type: ScalarType } & FieldOptions)
  | ({ type: 'string'; maxBytes: number } & FieldOptions)
  | ({ type: 'heapString' } & FieldOptions)
  | ({ type: 'heapBytes' } & FieldOptions)
  | ({ type: 'bytes'; length: number } & FieldOptions)
  | ({ type: 'array'; of: ScalarType; length: number } & FieldOptions)
  | ({ type: 'struct'; of: () => Constructor } & FieldOptions);

/** A field as recorded: its kind and parameters, normalised. */
export type FieldSpec =
  | { kind: 'scalar'; scalar: ScalarType; align?: number }
  | { kind: 'string'; maxBytes: number; align?: number }
  | { kind: 'heapString'; align?: number }
  | { kind: 'heapBytes'; align?: number }
  | { kind: 'bytes'; length: number; align?: number }
  | { kind: 'array'; scalar: ScalarType; length: number; align?: number }
  | { kind: 'struct'; of: () => Constructor; align?: number }
  | { kind: 'ref'; target: () => Constructor; align?: number };

/** Memory settings of a class; validated by @pmemts/core (HybridMemoryConfig). */
export type MemoryOptions = Record<string, unknown>;

/** Options of @Persistent. */
export interface PersistentOptions {
  /** Stable type name stored in the pool's catalog. Minifiers rename classes: set it in bundled code. @defaultValue the class name */
  name?: string;
  /** libpmemobj type number, 1 … 2^31-257. @defaultValue derived from the name (FNV-1a) */
  typeNum?: number;
  /** Layout version recorded in the catalog. @defaultValue 1 */
  version?: number;
  /** Alignment of the whole class (power of two ≤ 4096, e.g. 64 for the cache line). @defaultValue its largest field alignment */
  align?: number;
  /** Memory settings (HybridMemoryConfig of @pmemts/core); the pool's default applies when absent. */
  memory?: MemoryOptions;
}

export interface RecordedField {
  readonly name: string;
  readonly spec: FieldSpec;
}

export interface RecordedLayout {
  readonly ctor: Constructor;
  /** Set by @Persistent; undefined while only fields were recorded. */
  options?: PersistentOptions;
  readonly fields: RecordedField[];
}
