/**
 * Turns the metadata recorded by @Persistent/@Field/@Ref into TypeLayouts: resolves inheritance,
 * embedded structs and ref targets (added to the set automatically), computes offsets (offsets.ts),
 * type numbers and fingerprints. Layouts are cached per class: decorators run once.
 */
import { createHash } from 'node:crypto';
import { getRecordedLayout, isPersistentClass, LayoutDefinitionError, type Constructor, type FieldSpec } from '@pmemts/decorators';
import { alignUp, SCALAR_SIZE } from './offsets';
import type { FieldLayout, TypeLayout } from './types';
import { validateLayouts } from './LayoutValidator';

const cache = new WeakMap<Function, TypeLayout>();

/**
 * Resolves `types` and every class they embed or reference.
 * @throws {LayoutDefinitionError} for a class that is not @Persistent, has no fields, embeds itself, or
 * clashes with another class (name or type number).
 */
export function resolveLayouts(types: readonly Function[]): TypeLayout[] {
  const out = new Map<Function, TypeLayout>();
  const pending = [...types];
  while (pending.length > 0) {
    const ctor = pending.shift() as Function;
    if (out.has(ctor)) continue;
    const layout = resolveLayout(ctor, []);
    out.set(ctor, layout);
    for (const f of layout.fields) {
      if (f.struct) pending.push(f.struct.ctor);
      if (f.target) pending.push(targetOf(layout.name, f.name, f.target));
    }
  }
  const layouts = [...out.values()];
  validateLayouts(layouts);
  return layouts;
}

/** The layout of one class (cached). `resolving` detects embedded-struct cycles. */
export function resolveLayout(ctor: Function, resolving: Function[]): TypeLayout {
  const cached = cache.get(ctor);
  if (cached) return cached;
  if (typeof ctor !== 'function') throw new TypeError(`expected a @Persistent class, got ${String(ctor)}`);
  if (!isPersistentClass(ctor)) {
    throw new LayoutDefinitionError(ctor.name || '(anonymous class)', undefined, 'is not decorated with @Persistent()');
  }
  if (resolving.includes(ctor)) {
    throw new LayoutDefinitionError(ctor.name, undefined, `embeds itself (${[...resolving, ctor].map((c) => c.name).join(' → ')}); use @Ref for recursive data`);
  }
  const recorded = getRecordedLayout(ctor)!;
  const options = recorded.options!;
  const name = options.name ?? ctor.name;
  const specs = inheritedFields(ctor);
  if (specs.length === 0) throw new LayoutDefinitionError(name, undefined, 'has no @Field or @Ref: a persistent class needs at least one field');

  const fields: FieldLayout[] = [];
  let offset = 0;
  let maxAlign = 1;
  for (const { name: fieldName, spec } of specs) {
    const base = placeField(name, fieldName, spec, [...resolving, ctor]);
    const align = Math.max(base.align, spec.align ?? 1);
    offset = alignUp(offset, align);
    fields.push({ ...base, name: fieldName, offset, align });
    offset += base.size;
    maxAlign = Math.max(maxAlign, align);
  }
  const align = Math.max(maxAlign, options.align ?? 1);
  const size = alignUp(offset, align);
  const layout: TypeLayout = {
    name,
    typeNum: options.typeNum ?? typeNumOf(name),
    version: options.version ?? 1,
    size,
    align,
    fields,
    ctor: ctor as Constructor,
    fingerprint: '',
    ...(options.memory ? { memory: options.memory } : {}),
  };
  const resolved = { ...layout, fingerprint: fingerprintOf(layout) };
  cache.set(ctor, resolved);
  return resolved;
}

/** Parent classes' fields first, then the class's own, in declaration order. */
function inheritedFields(ctor: Function): { name: string; spec: FieldSpec }[] {
  const chain: Function[] = [];
  for (let c: Function | null = ctor; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.unshift(c);
  const out: { name: string; spec: FieldSpec }[] = [];
  for (const c of chain) {
    for (const f of getRecordedLayout(c)?.fields ?? []) {
      if (out.some((o) => o.name === f.name)) throw new LayoutDefinitionError(ctor.name, f.name, 'redeclares a field of its parent class');
      out.push({ name: f.name, spec: f.spec });
    }
  }
  return out;
}

function placeField(type: string, field: string, spec: FieldSpec, resolving: Function[]): Omit<FieldLayout, 'name' | 'offset'> {
  switch (spec.kind) {
    case 'scalar':
      return { kind: 'scalar', scalar: spec.scalar, size: SCALAR_SIZE[spec.scalar], align: SCALAR_SIZE[spec.scalar] };
    case 'string':
      return { kind: 'string', maxBytes: spec.maxBytes, size: 4 + spec.maxBytes, align: 4 };
    case 'heapString':
    case 'heapBytes':
      return { kind: spec.kind, size: 16, align: 8 };
    case 'bytes':
      return { kind: 'bytes', length: spec.length, size: spec.length, align: 1 };
    case 'array': {
      const element = SCALAR_SIZE[spec.scalar];
      return { kind: 'array', scalar: spec.scalar, length: spec.length, size: element * spec.length, align: element };
    }
    case 'struct': {
      const inner = resolveLayout(targetOf(type, field, spec.of), resolving);
      return { kind: 'struct', struct: inner, size: inner.size, align: inner.align };
    }
    case 'ref':
      return { kind: 'ref', target: spec.target, size: 16, align: 8 };
  }
}

function targetOf(type: string, field: string, thunk: () => Constructor): Function {
  const target = thunk();
  if (typeof target !== 'function') {
    throw new LayoutDefinitionError(type, field, 'the target thunk returned no class (is it used before its declaration?)');
  }
  return target;
}

/** FNV-1a of the name, folded into [1, 0x7fffff00): stable across runs and machines. */
export function typeNumOf(name: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 1 + (hash % 0x7ffffeff);
}

function fingerprintOf(layout: TypeLayout): string {
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
      length: f.length ?? null,
      maxBytes: f.maxBytes ?? null,
      struct: f.struct?.fingerprint ?? null,
      target: f.target ? targetName(f.target) : null,
    })),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** A ref target's stable name; the thunk may not resolve yet for classes declared later, so fall back to the class name. */
function targetName(thunk: () => Constructor): string | null {
  const ctor = thunk();
  if (typeof ctor !== 'function') return null;
  return getRecordedLayout(ctor)?.options?.name ?? ctor.name;
}
