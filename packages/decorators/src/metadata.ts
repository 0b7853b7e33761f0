/**
 * Where decorators record layouts: an own property of the class under Symbol.for('pmemts.layout'),
 * so several copies of this package agree and nothing leaks into instances. Own, not inherited: a
 * subclass records its own fields, and @pmemts/core appends them after its parents'.
 *
 * Standard (TC39) field decorators do not see their class: they defer their work into the class's
 * `context.metadata`, and it is recorded here once the class is known (by @Persistent, or on the first
 * `getRecordedLayout` of a class that has fields but no @Persistent).
 */
import { SYMBOL_METADATA } from './symbol-metadata';
import type { Constructor, FieldSpec, RecordedLayout, ScalarType } from './types';

/** The key of the recorded layout on a class constructor. */
export const LAYOUT_KEY = Symbol.for('pmemts.layout');

/** Every scalar type name. */
export const SCALAR_TYPES: readonly ScalarType[] = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'f32', 'f64', 'bool', 'timestamp'];

/** Type numbers from here up are pmemts's own (schema catalog, heap blobs); classes use the ones below. */
export const FIRST_RESERVED_TYPE_NUM = 0x7fffff00;
/** Type number of the schema catalog blob. */
export const CATALOG_TYPE_NUM = FIRST_RESERVED_TYPE_NUM;
/** Type number of the blobs behind heap strings and byte arrays. */
export const BLOB_TYPE_NUM = FIRST_RESERVED_TYPE_NUM + 1;
/** Type number of the header of a map or vector field (what the field's PMEMoid names). */
export const COLLECTION_HEADER_TYPE_NUM = FIRST_RESERVED_TYPE_NUM + 2;
/** Type number of a map's tree nodes and a vector's element array. */
export const COLLECTION_NODE_TYPE_NUM = FIRST_RESERVED_TYPE_NUM + 3;
/** Type number of a raw region's allocation (`pool.region`), named by the catalog's region directory. */
export const REGION_TYPE_NUM = FIRST_RESERVED_TYPE_NUM + 8;
/** Type number of a block store's allocation (`pool.blocks`), named by the catalog's block-store directory. */
export const BLOCK_STORE_TYPE_NUM = FIRST_RESERVED_TYPE_NUM + 9;
/** Type number of the defragmentation journal, which lives only while a defrag runs (or was interrupted). */
export const DEFRAG_JOURNAL_TYPE_NUM = FIRST_RESERVED_TYPE_NUM + 0x40;

/** Key, in a standard decorator's `context.metadata`, of the field decorators deferred until the class is known. */
const DEFERRED_KEY = Symbol.for('pmemts.deferredFields');

/**
 * The layout recorded on `ctor` itself (not inherited from a parent class), or undefined. Fields that
 * standard decorators deferred are recorded first.
 * @throws {LayoutDefinitionError} when a deferred field is malformed (a class without @Persistent,
 * whose fields nothing else recorded).
 */
export function getRecordedLayout(ctor: Function): RecordedLayout | undefined {
  if (Object.prototype.hasOwnProperty.call(ctor, SYMBOL_METADATA)) {
    recordDeferredFields(ctor, (ctor as unknown as Record<symbol, object | undefined>)[SYMBOL_METADATA]);
  }
  return ownLayout(ctor);
}

function ownLayout(ctor: Function): RecordedLayout | undefined {
  return Object.prototype.hasOwnProperty.call(ctor, LAYOUT_KEY) ? (ctor as unknown as Record<symbol, RecordedLayout>)[LAYOUT_KEY] : undefined;
}

/** Whether `ctor` itself was decorated with @Persistent. */
export function isPersistentClass(ctor: unknown): ctor is Constructor {
  return typeof ctor === 'function' && getRecordedLayout(ctor)?.options !== undefined;
}

/** The stable type name of a class: `@Persistent({ name })`, else the class name. */
export function persistentNameOf(ctor: Function): string {
  return getRecordedLayout(ctor)?.options?.name ?? ctor.name;
}

/** The layout recorded on `ctor`, created empty on first use. */
export function recordedLayoutFor(ctor: Function): RecordedLayout {
  let layout = ownLayout(ctor);
  if (layout === undefined) {
    layout = { ctor: ctor as Constructor, fields: [] };
    Object.defineProperty(ctor, LAYOUT_KEY, { value: layout, enumerable: false });
  }
  return layout;
}

/** A power of two from 1 to 4096 (a page): the alignments a C compiler and libpmemobj can honour. */
export function isAlignment(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 4096 && (value & (value - 1)) === 0;
}

/** Names go into the C header as struct and member names. */
export function isCIdentifier(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value);
}

/** Whether `fn` is a class rather than a thunk returning one (`@Ref(Account)` instead of `@Ref(() => Account)`). */
export function isClassSyntax(fn: Function): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/** Where a property decorator was applied, and how to fail there. */
export interface PropertySite {
  readonly ctor: Function;
  readonly property: string;
  /** 'legacy': `experimentalDecorators`; 'standard': TC39 decorators, which have no `design:type`. */
  readonly mode: 'legacy' | 'standard';
  /** TypeScript's `design:type` of the property; always undefined in standard mode. */
  designType(): unknown;
  fail(message: string): never;
}

/** A field as a decorator resolved it, not yet recorded. */
export interface SiteField {
  readonly site: PropertySite;
  readonly spec: FieldSpec;
}

/**
 * Appends fields to their class's recorded layout, in the order given (declaration order); all or none.
 * @throws {LayoutDefinitionError} when a property is already recorded, or given twice.
 */
export function recordFields(ctor: Function, fields: readonly SiteField[]): void {
  const names = new Set((ownLayout(ctor)?.fields ?? []).map((f) => f.name));
  for (const { site } of fields) {
    if (names.has(site.property)) site.fail('is declared twice; keep one @Field or @Ref');
    names.add(site.property);
  }
  recordedLayoutFor(ctor).fields.push(...fields.map(({ site, spec }) => ({ name: site.property, spec })));
}

/** A standard field decorator's work, run once its class is known. */
export type DeferredField = (ctor: Function) => SiteField;

/** Queues a standard field decorator's work in its class's `context.metadata` (own to that class). */
export function deferField(metadata: object, field: DeferredField): void {
  const own = ownDeferred(metadata);
  if (own !== undefined) own.push(field);
  else Object.defineProperty(metadata, DEFERRED_KEY, { value: [field], configurable: true });
}

/**
 * Records the fields deferred in `metadata` on `ctor`. A failure records nothing and keeps them
 * deferred, so every later look at the class fails the same way instead of seeing half a layout.
 * @throws {LayoutDefinitionError} from the first malformed field.
 */
export function recordDeferredFields(ctor: Function, metadata: object | undefined): void {
  const deferred = metadata === undefined || metadata === null ? undefined : ownDeferred(metadata);
  if (deferred === undefined) return;
  recordFields(ctor, deferred.map((field) => field(ctor)));
  delete (metadata as Record<symbol, unknown>)[DEFERRED_KEY];
}

function ownDeferred(metadata: object): DeferredField[] | undefined {
  return Object.prototype.hasOwnProperty.call(metadata, DEFERRED_KEY) ? (metadata as Record<symbol, DeferredField[]>)[DEFERRED_KEY] : undefined;
}

/**
 * Checks a class thunk given to a struct field or a ref. Only its shape can be checked now: the class
 * it returns may be declared later, so @pmemts/core checks that when it resolves the layout.
 * @throws {LayoutDefinitionError} when `value` is not a function, or is the class itself.
 */
export function classThunk(site: PropertySite, value: unknown, needs: string, usage: (className: string) => string): () => Constructor {
  if (typeof value !== 'function') return site.fail(`${needs} a function returning the @Persistent class: ${usage('Point')}`);
  if (isClassSyntax(value)) return site.fail(`${needs} a function returning the class, not the class itself: ${usage(value.name)}`);
  return value as () => Constructor;
}
