/**
 * Where decorators record layouts: an own property of the class under Symbol.for('pmemts.layout'),
 * so several copies of this package agree and nothing leaks into instances. Own, not inherited: a
 * subclass records its own fields, and @pmemts/core appends them after its parents'.
 */
import { LayoutDefinitionError } from './errors';
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

/** The layout recorded on `ctor` itself (not inherited from a parent class), or undefined. */
export function getRecordedLayout(ctor: Function): RecordedLayout | undefined {
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
  let layout = getRecordedLayout(ctor);
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
  fail(message: string): never;
}

/**
 * Resolves the class and property a property decorator was applied to.
 * @throws {LayoutDefinitionError} for a symbol key, a static member, a method or an accessor.
 */
export function propertySite(target: object, key: string | symbol, descriptor: PropertyDescriptor | undefined, decorator: string): PropertySite {
  const isStatic = typeof target === 'function';
  const ctor = (isStatic ? target : target.constructor) as Function;
  const property = String(key);
  const fail = (message: string): never => {
    throw new LayoutDefinitionError(ctor?.name || '(anonymous class)', property, message);
  };
  if (typeof key === 'symbol') fail(`${decorator} needs a string property name; a symbol has no C name`);
  if (isStatic) fail(`${decorator} cannot decorate a static member: objects store instance fields; remove static`);
  // Legacy decorators get a descriptor only for methods and accessors; the pool defines the property itself.
  if (descriptor !== undefined) {
    const what = typeof descriptor.value === 'function' ? 'a method' : 'an accessor';
    fail(`${decorator} cannot decorate ${what}; put it on a plain property (name!: type)`);
  }
  return { ctor, property, fail };
}

/**
 * Appends a field to the class's recorded layout (declaration order).
 * @throws {LayoutDefinitionError} when the property is already recorded.
 */
export function recordField(site: PropertySite, spec: FieldSpec): void {
  const layout = recordedLayoutFor(site.ctor);
  if (layout.fields.some((f) => f.name === site.property)) site.fail('is declared twice; keep one @Field or @Ref');
  layout.fields.push({ name: site.property, spec });
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
