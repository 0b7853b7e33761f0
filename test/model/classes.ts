/**
 * The fixed classes of the model-based tester. Every data class has the same fields, covering every
 * field kind; they differ only in their memory configuration: one class follows the pool's, six set
 * their own (write-through/write-back × Transaction/Flush/None). A root object (write-through,
 * Transaction) holds a ref to every object the program keeps, so anything unreachable is a real leak.
 *
 * Every data class embeds the same struct classes, which set no memory of their own: a store through
 * an embedded struct follows its parent object's configuration (the core builds struct views with
 * their owner's memory), and the model says so.
 */
import { Field, MemoryTier, PersistenceLevel, Persistent, Ref, WritePolicy, type HybridMemoryConfig } from '@pmemts/core';

export type Policy = 'wt' | 'wb';
export type Level = 'tx' | 'flush' | 'none';
export interface Config {
  readonly policy: Policy;
  readonly level: Level;
}

export const CONFIGS: readonly Config[] = (['wt', 'wb'] as const).flatMap((policy) =>
  (['tx', 'flush', 'none'] as const).map((level) => ({ policy, level })),
);

const LEVELS: Record<Level, PersistenceLevel> = { tx: PersistenceLevel.Transaction, flush: PersistenceLevel.Flush, none: PersistenceLevel.None };

export function memoryOf(config: Config, cacheBytes?: number): HybridMemoryConfig {
  return {
    writePolicy: config.policy === 'wb' ? WritePolicy.WriteBack : WritePolicy.WriteThrough,
    cacheTier: config.policy === 'wb' ? MemoryTier.StandardDRAM : null,
    persistenceLevel: LEVELS[config.level],
    ...(cacheBytes === undefined ? {} : { cacheBytes }),
  };
}

export const configName = (c: Config): string => `${c.policy}-${c.level}`;

/** Leaf kinds the generator, the model and the oracle know values of. */
export type Kind =
  | 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'f32' | 'f64' | 'bool' | 'timestamp'
  | 'string' | 'heapString' | 'heapBytes' | 'bytes' | 'array' | 'ref'
  | 'map' | 'vector' | 'counter';

/** Kinds a collection holds as keys or elements ('string' keys are inline strings of KEY_BYTES). */
export type ElementKind = 'u64' | 'i64' | 'i32' | 'f64' | 'i16' | 'string' | 'ref';

/** One stored value of a data class: a top-level field or a field of an embedded struct ("at.x"). */
export interface Leaf {
  readonly path: string;
  readonly kind: Kind;
  /** Inline strings: capacity in UTF-8 bytes. */
  readonly maxBytes?: number;
  /** bytes and arrays: element count. */
  readonly length?: number;
  /** Maps: the key kind. */
  readonly key?: ElementKind;
  /** Maps: the value kind; vectors: the element kind. Refs name objects of the same class. */
  readonly element?: ElementKind;
}

export const NAME_BYTES = 12;
export const TAG_LENGTH = 5;
export const TRIPLE_LENGTH = 3;
/** String map keys: small, so multi-byte keys at the limit and keys one byte over it are both cheap to generate. */
export const KEY_BYTES = 8;

/** Every leaf of a data class, in declaration order. */
export const LEAVES: readonly Leaf[] = [
  { path: 'u8', kind: 'u8' }, { path: 'i8', kind: 'i8' }, { path: 'u16', kind: 'u16' }, { path: 'i16', kind: 'i16' },
  { path: 'u32', kind: 'u32' }, { path: 'i32', kind: 'i32' }, { path: 'u64', kind: 'u64' }, { path: 'i64', kind: 'i64' },
  { path: 'f32', kind: 'f32' }, { path: 'f64', kind: 'f64' }, { path: 'flag', kind: 'bool' }, { path: 'when', kind: 'timestamp' },
  { path: 'name', kind: 'string', maxBytes: NAME_BYTES },
  { path: 'essay', kind: 'heapString' },
  { path: 'blob', kind: 'heapBytes' },
  { path: 'tag', kind: 'bytes', length: TAG_LENGTH },
  { path: 'triple', kind: 'array', length: TRIPLE_LENGTH },
  { path: 'at.x', kind: 'i32' }, { path: 'at.y', kind: 'i32' },
  { path: 'note.n', kind: 'u16' }, { path: 'note.text', kind: 'heapString' },
  { path: 'peer', kind: 'ref' },
  { path: 'byId', kind: 'map', key: 'u64', element: 'ref' },
  { path: 'byName', kind: 'map', key: 'string', element: 'i64' },
  { path: 'byReal', kind: 'map', key: 'f64', element: 'i32' },
  { path: 'byInt', kind: 'map', key: 'i32', element: 'f64' },
  { path: 'refs', kind: 'vector', element: 'ref' },
  { path: 'nums', kind: 'vector', element: 'i16' },
  { path: 'hits', kind: 'counter' },
];

/** Stripes of the counter leaf: a few, so adds come round to a stripe again within a program. */
export const COUNTER_STRIPES = 3;

export const isCollection = (leaf: Leaf): boolean => leaf.kind === 'map' || leaf.kind === 'vector';
/** The collection fields of a data class. */
export const COLLECTIONS: readonly Leaf[] = LEAVES.filter(isCollection);
/** The leaves stored by assignment (every leaf but the collections). */
export const ASSIGNABLE: readonly Leaf[] = LEAVES.filter((l) => !isCollection(l));

/** Embedded structs of a data class, assignable whole: field name → the leaves inside it. */
export const STRUCTS: Record<string, readonly string[]> = { at: ['x', 'y'], note: ['n', 'text'] };

export const SLOTS_PER_CLASS = 2;

export interface ClassSlot {
  /** Index into the program's classes (dataClasses). */
  readonly cls: number;
  readonly slot: number;
}

export const slotField = (cls: number, slot: number): string => `c${cls}s${slot}`;

export interface ModelClasses {
  /** DATA[0] follows the pool's configuration; DATA[1 + i] has CONFIGS[i] of its own. */
  readonly data: readonly Function[];
  readonly root: Function;
  /** Every class to pass as the pool's `types`. */
  readonly types: Function[];
}

/** @Persistent's options: decorators take the memory settings as an opaque record. */
const persistent = (name: string, memory: HybridMemoryConfig | undefined) =>
  Persistent({ name, ...(memory ? { memory: { ...memory } as Record<string, unknown> } : {}) });

/** The embedded struct classes, shared by every data class. */
function structClasses(): { point: Function; note: Function } {
  class Point {}
  Field('i32')(Point.prototype, 'x');
  Field('i32')(Point.prototype, 'y');
  persistent('Point_model', undefined)(Point);
  class Note {}
  Field('u16')(Note.prototype, 'n');
  Field({ type: 'heapString' })(Note.prototype, 'text');
  persistent('Note_model', undefined)(Note);
  return { point: Point, note: Note };
}

/** Suffix of data class `cls`'s persistent names: "pool" for the class that follows the pool, else its configuration. */
export const classSuffix = (cls: number): string => (cls === 0 ? 'pool' : configName(CONFIGS[cls - 1]).replace('-', '_'));

/** A collection's key or element declaration. */
function elementType(kind: ElementKind, self: () => Function): unknown {
  if (kind === 'string') return { type: 'string', maxBytes: KEY_BYTES };
  if (kind === 'ref') return self;
  return kind;
}

function dataClass(suffix: string, memory: HybridMemoryConfig | undefined, point: Function, note: Function): Function {
  class Data {}
  const p = Data.prototype;
  for (const leaf of LEAVES) {
    if (leaf.path.includes('.')) continue;
    if (leaf.kind === 'string') Field({ type: 'string', maxBytes: NAME_BYTES })(p, leaf.path);
    else if (leaf.kind === 'heapString' || leaf.kind === 'heapBytes') Field({ type: leaf.kind })(p, leaf.path);
    else if (leaf.kind === 'bytes') Field({ type: 'bytes', length: TAG_LENGTH })(p, leaf.path);
    else if (leaf.kind === 'array') Field({ type: 'array', of: 'i16', length: TRIPLE_LENGTH })(p, leaf.path);
    else if (leaf.kind === 'ref') Ref(() => Data)(p, leaf.path);
    else if (leaf.kind === 'map') Field({ type: 'map', key: elementType(leaf.key!, () => Data), value: elementType(leaf.element!, () => Data) } as never)(p, leaf.path);
    else if (leaf.kind === 'vector') Field({ type: 'vector', of: elementType(leaf.element!, () => Data) } as never)(p, leaf.path);
    else if (leaf.kind === 'counter') Field({ type: 'counter', stripes: COUNTER_STRIPES })(p, leaf.path);
    else Field(leaf.kind)(p, leaf.path);
  }
  Field({ type: 'struct', of: () => point as never })(p, 'at');
  Field({ type: 'struct', of: () => note as never })(p, 'note');
  persistent(`Data_${suffix}`, memory)(Data);
  return Data;
}

/** Builds the classes once per process (decorating is global and names must stay unique). */
function build(): ModelClasses {
  const { point, note } = structClasses();
  const data = [dataClass(classSuffix(0), undefined, point, note), ...CONFIGS.map((c, i) => dataClass(classSuffix(i + 1), memoryOf(c), point, note))];
  class ModelRoot {}
  for (let cls = 0; cls < data.length; cls++) {
    for (let slot = 0; slot < SLOTS_PER_CLASS; slot++) Ref(() => data[cls] as never)(ModelRoot.prototype, slotField(cls, slot));
  }
  persistent('ModelRoot', memoryOf({ policy: 'wt', level: 'tx' }))(ModelRoot);
  return { data, root: ModelRoot, types: [ModelRoot, ...data, point, note] };
}

export const CLASSES: ModelClasses = build();

/** The configuration a data class's stores follow, given the pool's. */
export function configOfClass(cls: number, poolConfig: Config): Config {
  return cls === 0 ? poolConfig : CONFIGS[cls - 1];
}

export const LAYOUT_NAME = 'pmemts-model';
