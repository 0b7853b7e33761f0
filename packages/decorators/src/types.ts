/** What the decorators accept and what they record (type-only module). */

/**
 * A scalar field type, stored little-endian at its natural alignment. `u64`/`i64` read as bigint,
 * `bool` is one byte 0/1, `timestamp` is an i64 of milliseconds since the epoch read as a Date.
 */
export type ScalarType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'f32' | 'f64' | 'bool' | 'timestamp';

/** A class constructor, as decorators see it. */
export type Constructor = abstract new (...args: never[]) => unknown;

/** Options every field form accepts (object forms take them inline, `@Field('u32', { align })` as a second argument). */
export interface FieldOptions {
  /**
   * Raises the field's alignment: a power of two up to 4096, e.g. 64 to start the field on its own
   * cache line. Lower than the natural alignment has no effect.
   * @defaultValue the natural alignment of the field's type
   */
  align?: number;
  /**
   * The value this field gets in the objects of a pool migrated from a version of the class that did
   * not have the field (docs/schema-evolution.md); `pool.create` does not use it. Checked when the
   * migration stores it (a value the field refuses fails the migration, which is rolled back).
   * Not for refs, maps, vectors and counters, which start empty.
   * @defaultValue the field's zero value
   */
  default?: unknown;
}

/** The explicit forms of `@Field`'s type argument; every field type can be written this way. */
export type FieldType =
  | ScalarType
  | ({ type: ScalarType } & FieldOptions)
  /** Inline UTF-8 string of at most `maxBytes` bytes: a u32 byte length, then the bytes. */
  | ({ type: 'string'; maxBytes: number } & FieldOptions)
  /** String of any length, in its own pool allocation; the field is a 16-byte slot {u64 offset, u64 length}. */
  | ({ type: 'heapString' } & FieldOptions)
  /** Uint8Array of any length, in its own pool allocation; the field is a 16-byte slot {u64 offset, u64 length}. */
  | ({ type: 'heapBytes' } & FieldOptions)
  /** Inline Uint8Array of exactly `length` bytes. */
  | ({ type: 'bytes'; length: number } & FieldOptions)
  /** Inline array of exactly `length` scalars. */
  | ({ type: 'array'; of: ScalarType; length: number } & FieldOptions)
  /** Another `@Persistent` class embedded by value (inlined, not a separate object). */
  | ({ type: 'struct'; of: () => Constructor } & FieldOptions)
  /** An ordered map (a B+ tree in the pool); the field is a 16-byte PMEMoid of the tree's header. */
  | ({ type: 'map'; key: MapKeyType; value: CollectionValueType } & FieldOptions)
  /** A growable array in the pool; the field is a 16-byte PMEMoid of the vector's header. */
  | ({ type: 'vector'; of: CollectionValueType } & FieldOptions)
  /**
   * A striped counter for hot increments (`PCounter`): `stripes` u64 stripes of one 64-byte cache line
   * each (1 to 64); its value is their sum. Consecutive increments go to different stripes, so they
   * flush different lines.
   */
  | ({ type: 'counter'; stripes: number } & FieldOptions);

/** Key types of a map field; every one orders as its values do (strings and bytes bytewise). */
export type MapKeyType =
  | 'u32' | 'i32' | 'u64' | 'i64' | 'f64'
  /** A UTF-8 string of at most `maxBytes` bytes; bytewise order is code point order. */
  | { type: 'string'; maxBytes: number }
  /** A Uint8Array of at most `maxLength` bytes, in bytewise order (a prefix sorts first). */
  | { type: 'bytes'; maxLength: number };

/** Values of a map or elements of a vector: a scalar, an inline string, or a reference to a `@Persistent` class. */
export type CollectionValueType = ScalarType | { type: 'string'; maxBytes: number } | (() => Constructor);

/** A map key as recorded. */
export type CollectionKeySpec =
  | { kind: 'scalar'; scalar: 'u32' | 'i32' | 'u64' | 'i64' | 'f64' }
  | { kind: 'string'; maxBytes: number }
  | { kind: 'bytes'; maxLength: number };

/** A map value or vector element as recorded. */
export type CollectionValueSpec =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'string'; maxBytes: number }
  | { kind: 'ref'; target: () => Constructor };

/** A field as recorded: its kind and parameters, normalised. */
export type FieldSpec =
  (
    | { kind: 'scalar'; scalar: ScalarType; align?: number }
    | { kind: 'string'; maxBytes: number; align?: number }
    | { kind: 'heapString'; align?: number }
    | { kind: 'heapBytes'; align?: number }
    | { kind: 'bytes'; length: number; align?: number }
    | { kind: 'array'; scalar: ScalarType; length: number; align?: number }
    | { kind: 'struct'; of: () => Constructor; align?: number }
    | { kind: 'ref'; target: () => Constructor; align?: number }
    | { kind: 'map'; key: CollectionKeySpec; value: CollectionValueSpec; align?: number }
    | { kind: 'vector'; value: CollectionValueSpec; align?: number }
    | { kind: 'counter'; stripes: number; align?: number }
  ) & {
    /** `FieldOptions.default`, when given. */
    default?: unknown;
  };

/**
 * Memory settings of one class (the HybridMemoryConfig of @pmemts/core). Opaque here: decorators only
 * record it, and the pool validates it when it opens.
 */
export type HybridMemoryOptions = Record<string, unknown>;

/** Options of `@Persistent`. */
export interface PersistentOptions {
  /**
   * Stable type name, stored in the pool's schema catalog and used as the C struct name (a C
   * identifier). Minifiers rename classes, so set it in bundled code.
   * @defaultValue the class name
   */
  name?: string;
  /**
   * libpmemobj type number of the class's objects: an integer in [1, 2^31 - 256); the numbers above
   * are reserved by pmemts (schema catalog, heap strings).
   * @defaultValue derived from the type name (FNV-1a), so it is stable across runs and machines
   */
  typeNum?: number;
  /**
   * Layout version recorded in the schema catalog; raise it when the meaning of the bytes changes.
   * @defaultValue 1
   */
  version?: number;
  /**
   * Alignment of the whole class: 8, 16, 32 or 64 (a cache line), or any power of two up to 4096.
   * It raises the struct's alignment and pads its size to a multiple of it.
   * @defaultValue the largest alignment of its fields
   */
  align?: number;
  /**
   * Memory settings for this class (write policy, persistence level); validated by @pmemts/core.
   * @defaultValue the pool's memory settings
   */
  memory?: HybridMemoryOptions;
}

/** One field as a decorator recorded it. */
export interface RecordedField {
  /** The property name. */
  readonly name: string;
  /** Its type, normalised. */
  readonly spec: FieldSpec;
}

/** What the decorators recorded on one class (its own fields only; parents keep theirs). */
export interface RecordedLayout {
  /** The class. */
  readonly ctor: Constructor;
  /** Set by `@Persistent`; undefined while only fields were recorded. */
  options?: PersistentOptions;
  /** In declaration order. */
  readonly fields: RecordedField[];
}
