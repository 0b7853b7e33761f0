import 'reflect-metadata';
import { LayoutDefinitionError } from './errors';
import { recordedLayoutFor } from './metadata';
import { isAlignment } from './Persistent';
import { SCALAR_TYPES, type FieldOptions, type FieldSpec, type FieldType, type ScalarType } from './types';

/**
 * Declares a persistent field. Without a type it is inferred from TypeScript's `design:type` where that
 * is unambiguous (number → f64, boolean → bool, Date → timestamp, bigint → i64); everything else is
 * given explicitly, so projects without emitDecoratorMetadata work too.
 * @throws {LayoutDefinitionError} when the type is missing, ambiguous or malformed; the message names the fix.
 */
export function Field(type?: FieldType, options?: FieldOptions): PropertyDecorator {
  return (target, key, descriptor?: PropertyDescriptor) => {
    const { property, fail } = site(target, key, '@Field');
    if (descriptor !== undefined && typeof descriptor.value === 'function') fail('@Field cannot decorate a method');
    const spec = type === undefined ? inferSpec(target, key, fail) : explicitSpec(type, fail);
    const align = options?.align ?? (typeof type === 'object' ? type.align : undefined);
    if (align !== undefined) {
      if (!isAlignment(align)) fail(`align must be a power of two between 1 and 4096, got ${String(align)}`);
      spec.align = align;
    }
    record(target, property, spec, fail);
  };
}

/** Resolves where a property decorator was applied; static members are refused. */
export function site(target: object, key: string | symbol, decorator: string) {
  const isStatic = typeof target === 'function';
  const ctor = (isStatic ? target : target.constructor) as Function;
  const className = ctor?.name || '(anonymous class)';
  const property = String(key);
  const fail = (message: string): never => {
    throw new LayoutDefinitionError(className, property, message);
  };
  if (typeof key === 'symbol') fail(`${decorator} needs a string property name`);
  if (isStatic) fail(`${decorator} cannot decorate a static member`);
  return { className, property, fail };
}

export function record(target: object, property: string, spec: FieldSpec, fail: (m: string) => never): void {
  const layout = recordedLayoutFor(target.constructor);
  if (layout.fields.some((f) => f.name === property)) fail('is declared twice');
  layout.fields.push({ name: property, spec });
}

function inferSpec(target: object, key: string | symbol, fail: (m: string) => never): FieldSpec {
  const design: unknown = Reflect.getMetadata?.('design:type', target, key);
  if (design === undefined) {
    return fail("no type metadata: enable \"emitDecoratorMetadata\" (and import 'reflect-metadata'), or give the type: @Field('f64')");
  }
  if (design === Number) return { kind: 'scalar', scalar: 'f64' };
  if (design === Boolean) return { kind: 'scalar', scalar: 'bool' };
  if (design === Date) return { kind: 'scalar', scalar: 'timestamp' };
  if (design === BigInt) return { kind: 'scalar', scalar: 'i64' };
  if (design === String) {
    return fail("cannot infer a field type from design:type String; give a capacity: @Field({ type: 'string', maxBytes: 64 }) or use @Field({ type: 'heapString' })");
  }
  if (design === Array) {
    return fail("cannot infer a field type from design:type Array; give it: @Field({ type: 'array', of: 'u32', length: 8 })");
  }
  if (design === Uint8Array) {
    return fail("cannot infer a field type from design:type Uint8Array; give it: @Field({ type: 'bytes', length: 16 }) or @Field({ type: 'heapBytes' })");
  }
  if (design === Object) {
    return fail("design:type is Object (a union, interface, any or optional type): give the type explicitly, e.g. @Field('u32')");
  }
  const name = (design as Function).name ?? String(design);
  return fail(`cannot infer a field type from design:type ${name}; embed it with @Field({ type: 'struct', of: () => ${name} }) or point at it with @Ref(() => ${name})`);
}

function explicitSpec(type: FieldType, fail: (m: string) => never): FieldSpec {
  if (typeof type === 'string') {
    if (!SCALAR_TYPES.includes(type)) fail(`unknown field type ${JSON.stringify(type)}; use one of ${SCALAR_TYPES.join(', ')} or an object form`);
    return { kind: 'scalar', scalar: type };
  }
  if (typeof type !== 'object' || type === null) return fail(`the field type must be a name or an object, got ${String(type)}`);
  const t = type as { type?: unknown; maxBytes?: unknown; length?: unknown; of?: unknown };
  switch (t.type) {
    case 'string':
      if (!isCount(t.maxBytes)) fail("a string field needs maxBytes, a positive integer: @Field({ type: 'string', maxBytes: 64 })");
      return { kind: 'string', maxBytes: t.maxBytes as number };
    case 'heapString':
      return { kind: 'heapString' };
    case 'heapBytes':
      return { kind: 'heapBytes' };
    case 'bytes':
      if (!isCount(t.length)) fail("a bytes field needs length, a positive integer: @Field({ type: 'bytes', length: 16 })");
      return { kind: 'bytes', length: t.length as number };
    case 'array':
      if (typeof t.of !== 'string' || !SCALAR_TYPES.includes(t.of as ScalarType)) fail(`an array field needs 'of', one of ${SCALAR_TYPES.join(', ')}`);
      if (!isCount(t.length)) fail("an array field needs length, a positive integer: @Field({ type: 'array', of: 'u32', length: 8 })");
      return { kind: 'array', scalar: t.of as ScalarType, length: t.length as number };
    case 'struct':
      if (typeof t.of !== 'function') fail("a struct field needs 'of', a function returning the @Persistent class: { type: 'struct', of: () => Point }");
      return { kind: 'struct', of: t.of as () => never };
    default:
      if (typeof t.type === 'string' && SCALAR_TYPES.includes(t.type as ScalarType)) return { kind: 'scalar', scalar: t.type as ScalarType };
      return fail(`unknown field type ${JSON.stringify(t.type)}`);
  }
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 0x7fffffff;
}
