/**
 * Turns the metadata recorded by @Persistent/@Field/@Ref into TypeLayouts: resolves inheritance,
 * embedded structs and ref targets (both added to the set), computes offsets (rules in offsets.ts),
 * type numbers and fingerprints. A class's layout is computed once and shared, so an embedded
 * struct's layout is the same object as that class's own.
 */
import { createHash } from 'node:crypto';
import {
  FIRST_RESERVED_TYPE_NUM,
  getRecordedLayout,
  isPersistentClass,
  LayoutDefinitionError,
  persistentNameOf,
  type Constructor,
  type FieldSpec,
  type RecordedField,
} from '@pmemts/decorators';
import { assertNotEmbedded } from './LayoutValidator';
import { LayoutStorage } from './LayoutStorage';
import { alignUp, naturalPlacement } from './offsets';
import type { FieldLayout, TypeLayout } from './types';

const resolved = new WeakMap<Function, TypeLayout>();

/**
 * Resolves `types` and every class they embed or refer to, and checks they can share a pool.
 * @throws {LayoutDefinitionError} for a class that is not `@Persistent` or has no fields, a struct or ref
 * target that is not `@Persistent`, a class that embeds itself, or two classes that clash (type name or
 * type number).
 * @throws {TypeError} when an entry of `types` is not a function.
 */
export function discoverLayouts(types: readonly Function[]): LayoutStorage {
  const found = new Map<Function, TypeLayout>();
  const pending = [...types];
  for (let ctor = pending.shift(); ctor !== undefined; ctor = pending.shift()) {
    if (found.has(ctor)) continue;
    const layout = resolveLayout(ctor);
    found.set(ctor, layout);
    for (const field of layout.fields) if (field.target !== undefined) pending.push(field.target());
  }
  return new LayoutStorage(found.values());
}

/**
 * `discoverLayouts` as an array, in resolution order: `types` first, then what they pulled in.
 * @throws {LayoutDefinitionError} see `discoverLayouts`.
 * @throws {TypeError} when an entry of `types` is not a function.
 */
export function resolveLayouts(types: readonly Function[]): TypeLayout[] {
  return discoverLayouts(types).all();
}

/**
 * The layout of one class, with its embedded structs; computed once per class. It does not check the
 * class against others (see `discoverLayouts`).
 * @throws {LayoutDefinitionError} when the class is not `@Persistent`, has no fields, redeclares a
 * parent's field, embeds itself, or a struct or ref target is not `@Persistent`.
 * @throws {TypeError} when `ctor` is not a function.
 */
export function resolveLayout(ctor: Function): TypeLayout {
  return resolveWithin(ctor, []);
}

/** `chain`: the classes whose resolution is embedding this one, to detect cycles. */
function resolveWithin(ctor: Function, chain: readonly Function[]): TypeLayout {
  const cached = resolved.get(ctor);
  if (cached !== undefined) return cached;
  if (typeof ctor !== 'function') throw new TypeError(`expected a @Persistent class, got ${String(ctor)}`);
  const className = ctor.name || '(anonymous class)';
  if (!isPersistentClass(ctor)) throw new LayoutDefinitionError(className, undefined, 'is not decorated with @Persistent(); add it to the class');
  const options = getRecordedLayout(ctor)!.options!;
  const recorded = inheritedFields(ctor);
  if (recorded.length === 0) {
    throw new LayoutDefinitionError(className, undefined, "has no fields; a persistent class needs at least one field: add a @Field or @Ref, e.g. @Field('u32') id!: number");
  }

  const within = [...chain, ctor];
  const fields: FieldLayout[] = [];
  let end = 0;
  let align = options.align ?? 1;
  for (const { name, spec } of recorded) {
    const field = describeField(ctor, name, spec, within);
    const natural = naturalPlacement(field);
    const fieldAlign = Math.max(natural.align, spec.align ?? 1);
    const offset = alignUp(end, fieldAlign);
    fields.push({ ...field, offset, size: natural.size, align: fieldAlign });
    end = offset + natural.size;
    align = Math.max(align, fieldAlign);
  }
  const name = options.name ?? ctor.name;
  const unsigned = {
    name,
    typeNum: options.typeNum ?? typeNumOf(name),
    version: options.version ?? 1,
    size: alignUp(end, align),
    align,
    fields,
    ctor: ctor as Constructor,
    ...(options.memory !== undefined ? { memory: options.memory } : {}),
  };
  const layout: TypeLayout = { ...unsigned, fingerprint: fingerprintOf(unsigned) };
  resolved.set(ctor, layout);
  return layout;
}

/** Parent classes' fields first (outermost ancestor first), then the class's own, each in declaration order. */
function inheritedFields(ctor: Function): RecordedField[] {
  const chain: Function[] = [];
  for (let c: Function | null = ctor; c !== null && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.unshift(c);
  const out: RecordedField[] = [];
  for (const c of chain) {
    for (const field of getRecordedLayout(c)?.fields ?? []) {
      const parent = out.find((o) => o.name === field.name);
      if (parent !== undefined) {
        throw new LayoutDefinitionError(ctor.name, field.name, `redeclares a field of a parent class; remove it from ${c.name}, or rename it`);
      }
      out.push(field);
    }
  }
  return out;
}

/** A field's kind and parameters; offsets are placed by the caller. */
type FieldDescription = Omit<FieldLayout, 'offset' | 'size' | 'align'>;

function describeField(ctor: Function, name: string, spec: FieldSpec, within: readonly Function[]): FieldDescription {
  switch (spec.kind) {
    case 'scalar':
      return { name, kind: 'scalar', scalar: spec.scalar };
    case 'string':
      return { name, kind: 'string', maxBytes: spec.maxBytes };
    case 'heapString':
    case 'heapBytes':
      return { name, kind: spec.kind };
    case 'bytes':
      return { name, kind: 'bytes', length: spec.length };
    case 'array':
      return { name, kind: 'array', scalar: spec.scalar, length: spec.length };
    case 'counter':
      return { name, kind: 'counter', length: spec.stripes };
    case 'struct': {
      const target = targetOf(ctor, name, spec.of, 'embeds');
      assertNotEmbedded(within, name, target);
      const struct = resolveWithin(target, within);
      return { name, kind: 'struct', target: spec.of, targetName: struct.name, struct };
    }
    case 'ref':
      return { name, kind: 'ref', target: spec.target, targetName: persistentNameOf(targetOf(ctor, name, spec.target, 'refers to')) };
    case 'map':
    case 'vector': {
      const base = { name, kind: spec.kind, value: spec.value, ...(spec.kind === 'map' ? { key: spec.key } : {}) };
      if (spec.value.kind !== 'ref') return base;
      const target = spec.value.target;
      return { ...base, target, targetName: persistentNameOf(targetOf(ctor, name, target, 'holds references to')) };
    }
  }
}

/** Calls a struct or ref thunk, which may fail if its class is declared after the first use. */
function targetOf(ctor: Function, field: string, thunk: () => Constructor, verb: string): Function {
  const fail = (message: string, cause?: unknown): never => {
    throw new LayoutDefinitionError(ctor.name, field, message, cause === undefined ? undefined : { cause });
  };
  let target: unknown;
  try {
    target = thunk();
  } catch (error) {
    fail(`its target function threw (${String(error)}); is the class declared after the layout is resolved?`, error);
  }
  if (typeof target !== 'function') return fail(`its target function returned ${String(target)}, not a class; is the class declared after this one is used?`);
  if (!isPersistentClass(target)) return fail(`${verb} ${target.name}, which is not @Persistent; decorate ${target.name} with @Persistent()`);
  return target;
}

/** A collection's value type as the fingerprint hashes it: a ref value by its target's type name. */
function collectionValueOf(field: FieldLayout): unknown {
  const value = field.value!;
  return value.kind === 'ref' ? { kind: 'ref', target: field.targetName } : value;
}

/**
 * The default type number of a type name: FNV-1a (32-bit) of its UTF-8 bytes, folded into
 * [1, FIRST_RESERVED_TYPE_NUM). Stable across runs, machines and versions of pmemts; two names may
 * collide, which `validateLayouts` reports.
 */
export function typeNumOf(name: string): number {
  if (typeof name !== 'string') throw new TypeError(`typeNumOf: name must be a string, got ${typeof name}`);
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 1 + (hash % (FIRST_RESERVED_TYPE_NUM - 1));
}

/**
 * SHA-256 of the canonical JSON of what the bytes mean. The schema catalog stores it, so its form
 * must not change: pools written by earlier versions would stop matching their classes.
 */
function fingerprintOf(layout: Omit<TypeLayout, 'fingerprint'>): string {
  const canonical = {
    name: layout.name,
    version: layout.version,
    typeNum: layout.typeNum,
    size: layout.size,
    align: layout.align,
    fields: layout.fields.map((f) => ({
      name: f.name,
      kind: f.kind,
      scalar: f.scalar ?? null,
      offset: f.offset,
      size: f.size,
      length: f.length ?? null, // also a counter's stripe count
      maxBytes: f.maxBytes ?? null,
      struct: f.struct?.fingerprint ?? null,
      target: f.kind === 'ref' ? f.targetName : null,
      // Only collection fields carry this member, so every other layout's fingerprint is unchanged.
      ...(f.kind === 'map' || f.kind === 'vector' ? { collection: { key: f.key ?? null, value: collectionValueOf(f) } } : {}),
    })),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
