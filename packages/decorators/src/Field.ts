import { classThunk, getRecordedLayout, isAlignment, SCALAR_TYPES, type PropertySite } from './metadata';
import { fieldDecorator, type FieldDecorator } from './signatures';
import type { CollectionKeySpec, CollectionValueSpec, FieldOptions, FieldSpec, FieldType, ScalarType } from './types';

/** The keys each object form takes, so a misspelt option (`maxbytes`) is an error, not a silent default. */
const FORM_KEYS = {
  scalar: ['type', 'align'],
  string: ['type', 'maxBytes', 'align'],
  heapString: ['type', 'align'],
  heapBytes: ['type', 'align'],
  bytes: ['type', 'length', 'align'],
  array: ['type', 'of', 'length', 'align'],
  struct: ['type', 'of', 'align'],
  map: ['type', 'key', 'value', 'align'],
  vector: ['type', 'of', 'align'],
  counter: ['type', 'stripes', 'align'],
} as const satisfies Record<string, readonly string[]>;

type Form = keyof typeof FORM_KEYS;

/**
 * Declares a persistent field; fields are laid out in declaration order.
 *
 * Without `type`, the type comes from TypeScript's `design:type` where that is unambiguous:
 * number → `'f64'`, boolean → `'bool'`, Date → `'timestamp'`, bigint → `'i64'`. Everything else
 * (strings, arrays, bytes, embedded structs, other integer widths) is given explicitly, and every
 * type can be, so a project without `emitDecoratorMetadata` works too.
 *
 * Works with `experimentalDecorators` and with TypeScript's standard decorators alike. Standard
 * decorators emit no `design:type`, so there every field gives its type explicitly.
 *
 * @param type - a scalar name (`'u32'`) or an object form (`{ type: 'string', maxBytes: 64 }`).
 * @param options - per-field options (`align`; `default`, the value a field added by a new version of
 * the class gets when a pool migrates: docs/schema-evolution.md); with an object form they may be
 * given inline instead.
 * @throws {LayoutDefinitionError} when the type is missing, ambiguous or malformed, or the decorated
 * member is static, a method, an accessor or a #private field; the message names the class, the
 * property and the fix. Under standard decorators it is thrown when the class is decorated.
 * @example
 * ```ts
 * @Persistent()
 * class Account {
 *   @Field('u64') id!: bigint;
 *   @Field({ type: 'string', maxBytes: 64 }) owner!: string;
 *   @Field() balance!: number; // f64, from design:type
 *   @Field('u32', { align: 64 }) hot!: number; // on its own cache line
 * }
 * ```
 */
export function Field(type?: FieldType, options?: FieldOptions): FieldDecorator {
  return fieldDecorator('@Field', (site) => {
    const spec = type === undefined ? inferredSpec(site) : explicitSpec(site, type);
    const inline = typeof type === 'object' && type !== null ? type.align : undefined;
    if (inline !== undefined && options?.align !== undefined && inline !== options.align) {
      site.fail(`align is given twice (${inline} and ${options.align}); give it once`);
    }
    const align = options?.align ?? inline;
    if (align !== undefined) {
      if (!isAlignment(align)) site.fail(`align must be a power of two from 1 to 4096 (64 = a cache line), got ${String(align)}`);
      spec.align = align;
    }
    const defaults = [type, options].filter((o): o is FieldOptions => typeof o === 'object' && o !== null && Object.hasOwn(o, 'default'));
    if (defaults.length > 1) site.fail('default is given twice; give it once');
    if (defaults.length === 1) {
      if (spec.kind === 'map' || spec.kind === 'vector' || spec.kind === 'counter') site.fail(`a ${spec.kind} field takes no default: it starts empty`);
      spec.default = defaults[0].default;
    }
    return spec;
  });
}

function inferredSpec(site: PropertySite): FieldSpec {
  if (site.mode === 'standard') {
    return site.fail(
      "TypeScript's standard decorators emit no design:type to infer the field type from; give @Field an explicit type: @Field('f64') for a number, 'bool', 'timestamp' for a Date, 'i64' for a bigint, or an object form such as { type: 'string', maxBytes: 64 }",
    );
  }
  const design = site.designType();
  const fix = (forms: string) => `give the type explicitly: ${forms}`;
  if (design === undefined) {
    return site.fail(
      `no design:type metadata to infer the field type from; enable "emitDecoratorMetadata" and import 'reflect-metadata', or ${fix("@Field('f64')")}`,
    );
  }
  if (design === Number) return { kind: 'scalar', scalar: 'f64' };
  if (design === Boolean) return { kind: 'scalar', scalar: 'bool' };
  if (design === Date) return { kind: 'scalar', scalar: 'timestamp' };
  if (design === BigInt) return { kind: 'scalar', scalar: 'i64' };
  if (design === String) {
    return site.fail("cannot infer a field type from design:type String; give a capacity: @Field({ type: 'string', maxBytes: 64 }), or use @Field({ type: 'heapString' }) for any length");
  }
  if (design === Array) {
    return site.fail(`cannot infer a field type from design:type Array; ${fix("@Field({ type: 'array', of: 'u32', length: 8 })")}`);
  }
  if (design === Uint8Array) {
    return site.fail(`cannot infer a field type from design:type Uint8Array; ${fix("@Field({ type: 'bytes', length: 16 }) or @Field({ type: 'heapBytes' })")}`);
  }
  if (design === Object) {
    return site.fail(`cannot infer a field type from design:type Object (a union, interface, any or unknown type); ${fix("@Field('u32')")}`);
  }
  const name = typeof design === 'function' ? design.name : String(design);
  if (typeof design === 'function' && getRecordedLayout(design) !== undefined) {
    return site.fail(`cannot infer a field type from design:type ${name}; embed it with @Field({ type: 'struct', of: () => ${name} }) or point at it with @Ref(() => ${name})`);
  }
  return site.fail(`cannot store a ${name}; ${fix("a scalar name such as @Field('u32'), or an object form such as { type: 'bytes', length: 16 }")}`);
}

function explicitSpec(site: PropertySite, type: FieldType): FieldSpec {
  if (typeof type === 'string') {
    if (!isScalar(type)) return site.fail(`unknown field type ${JSON.stringify(type)}; use one of ${SCALAR_TYPES.join(', ')}, or an object form such as { type: 'string', maxBytes: 64 }`);
    return { kind: 'scalar', scalar: type };
  }
  if (typeof type !== 'object' || type === null) {
    return site.fail(`the field type must be a scalar name or an object form, got ${String(type)}`);
  }
  const form = type as unknown as Record<string, unknown>;
  // 'scalar' names the form of every scalar type, not a type of its own.
  const kind = isScalar(form.type) ? 'scalar' : form.type === 'scalar' ? undefined : form.type;
  if (typeof kind !== 'string' || !Object.hasOwn(FORM_KEYS, kind)) {
    return site.fail(`unknown field type ${JSON.stringify(form.type)}; use one of ${SCALAR_TYPES.join(', ')}, 'string', 'heapString', 'heapBytes', 'bytes', 'array', 'struct', 'map', 'vector' or 'counter'`);
  }
  const keys: readonly string[] = FORM_KEYS[kind as Form];
  // `default` is an option every form takes (see Field), not a parameter of the type.
  const extra = Object.keys(form).filter((k) => !keys.includes(k) && k !== 'default');
  if (extra.length > 0) site.fail(`a ${kind} field takes ${keys.join(', ')}; remove ${extra.join(', ')}`);
  switch (kind as Form) {
    case 'scalar':
      return { kind: 'scalar', scalar: form.type as ScalarType };
    case 'string':
      return { kind: 'string', maxBytes: count(site, form.maxBytes, "a string field needs maxBytes, its capacity in UTF-8 bytes: @Field({ type: 'string', maxBytes: 64 })") };
    case 'heapString':
      return { kind: 'heapString' };
    case 'heapBytes':
      return { kind: 'heapBytes' };
    case 'bytes':
      return { kind: 'bytes', length: count(site, form.length, "a bytes field needs length, its size in bytes: @Field({ type: 'bytes', length: 16 })") };
    case 'array': {
      if (!isScalar(form.of)) site.fail(`an array field needs 'of', one of ${SCALAR_TYPES.join(', ')}: @Field({ type: 'array', of: 'u32', length: 8 })`);
      const length = count(site, form.length, "an array field needs length, its element count: @Field({ type: 'array', of: 'u32', length: 8 })");
      return { kind: 'array', scalar: form.of as ScalarType, length };
    }
    case 'struct':
      return { kind: 'struct', of: classThunk(site, form.of, 'a struct field needs', (n) => `@Field({ type: 'struct', of: () => ${n} })`) };
    case 'map':
      return { kind: 'map', key: mapKey(site, form.key), value: collectionValue(site, form.value, 'a map value', (v) => `@Field({ type: 'map', key: 'u64', value: ${v} })`) };
    case 'vector':
      return { kind: 'vector', value: collectionValue(site, form.of, "a vector's 'of'", (v) => `@Field({ type: 'vector', of: ${v} })`) };
    case 'counter':
      return { kind: 'counter', stripes: stripeCount(site, form.stripes) };
  }
}

/** Most stripes a counter takes: 64 cache lines (4 KiB), more than enough to spread any one writer's flushes. */
const MAX_STRIPES = 64;

function stripeCount(site: PropertySite, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_STRIPES) return value;
  return site.fail(`a counter field needs stripes, its number of cache-line stripes (an integer from 1 to ${MAX_STRIPES}): @Field({ type: 'counter', stripes: 8 }); got ${String(value)}`);
}

const KEY_SCALARS = ['u32', 'i32', 'u64', 'i64', 'f64'] as const;

/** A map key: one of KEY_SCALARS, `{ type: 'string', maxBytes }` or `{ type: 'bytes', maxLength }`. */
function mapKey(site: PropertySite, key: unknown): CollectionKeySpec {
  const usage = `a map key is one of ${KEY_SCALARS.join(', ')}, { type: 'string', maxBytes: 32 } or { type: 'bytes', maxLength: 16 }`;
  if (typeof key === 'string') {
    if ((KEY_SCALARS as readonly string[]).includes(key)) return { kind: 'scalar', scalar: key as (typeof KEY_SCALARS)[number] };
    return site.fail(`${usage}; got ${JSON.stringify(key)}`);
  }
  if (typeof key !== 'object' || key === null) return site.fail(`${usage}; got ${String(key)}`);
  const form = key as Record<string, unknown>;
  if (form.type === 'string') {
    onlyKeys(site, form, ['type', 'maxBytes'], 'a string key');
    return { kind: 'string', maxBytes: count(site, form.maxBytes, "a string key needs maxBytes: key: { type: 'string', maxBytes: 32 }") };
  }
  if (form.type === 'bytes') {
    onlyKeys(site, form, ['type', 'maxLength'], 'a bytes key');
    return { kind: 'bytes', maxLength: count(site, form.maxLength, "a bytes key needs maxLength: key: { type: 'bytes', maxLength: 16 }") };
  }
  return site.fail(`${usage}; got { type: ${JSON.stringify(form.type)} }`);
}

/** A map value or vector element: a scalar name, `{ type: 'string', maxBytes }` or `() => Class`. */
function collectionValue(site: PropertySite, value: unknown, what: string, usage: (v: string) => string): CollectionValueSpec {
  const forms = `a scalar name, { type: 'string', maxBytes: 32 } or () => Class`;
  if (isScalar(value)) return { kind: 'scalar', scalar: value };
  if (typeof value === 'function') return { kind: 'ref', target: classThunk(site, value, `${what} needs`, (n) => usage(`() => ${n}`)) };
  if (typeof value === 'object' && value !== null && (value as Record<string, unknown>).type === 'string') {
    const form = value as Record<string, unknown>;
    onlyKeys(site, form, ['type', 'maxBytes'], `${what} string`);
    return { kind: 'string', maxBytes: count(site, form.maxBytes, `${what} string needs maxBytes: ${usage("{ type: 'string', maxBytes: 32 }")}`) };
  }
  return site.fail(`${what} is ${forms}: ${usage("'f64'")}; got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
}

function onlyKeys(site: PropertySite, form: Record<string, unknown>, keys: readonly string[], what: string): void {
  const extra = Object.keys(form).filter((k) => !keys.includes(k));
  if (extra.length > 0) site.fail(`${what} takes ${keys.join(', ')}; remove ${extra.join(', ')}`);
}

function isScalar(value: unknown): value is ScalarType {
  return typeof value === 'string' && (SCALAR_TYPES as readonly string[]).includes(value);
}

function count(site: PropertySite, value: unknown, fix: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 0x7fffffff) return value;
  return site.fail(`${fix} (a positive integer), got ${String(value)}`);
}
