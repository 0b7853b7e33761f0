/**
 * The schema diff: each class in code against its entry in the pool's catalog, field by field, and
 * what that means for opening the pool: nothing to do, a new class, a migration (automatic, or one
 * that needs a migration function), or a refusal (lower version, same version with another layout,
 * another type number). Pure: reads layouts and catalog records, touches no pool.
 */
import type { ScalarType } from '@pmemts/decorators';
import type { FieldLayout, TypeLayout } from '../layout';
import { catalogTypeOf, type Catalog, type CatalogField, type CatalogType } from '../pool/catalog';

/**
 * What happened to one field between the pool's version of its class and the code's.
 * - `unchanged`: same type at the same offset. `moved`: same type at another offset.
 * - `added`: new in code, starts zeroed. `removed`: gone from code, dropped (its heap value freed).
 * - `widened`: a longer string or bytes field, a longer array, or a wider integer (or f32 → f64).
 * - `narrowed`, `type-changed`: needs a migration function (the field starts zeroed for it).
 */
export type FieldChangeKind = 'unchanged' | 'moved' | 'added' | 'removed' | 'widened' | 'narrowed' | 'type-changed';

/** One field's change; `automatic` is false when only a migration function can convert it. */
export interface FieldChange {
  /** The field's name. */
  readonly field: string;
  /** What changed. */
  readonly change: FieldChangeKind;
  /** Whether pmemts converts it without a migration function. */
  readonly automatic: boolean;
  /** The field as the pool has it (absent for an added field), in words. */
  readonly inPool?: string;
  /** The field as the code has it (absent for a removed field), in words. */
  readonly inCode?: string;
}

/**
 * What opening the pool with this class does.
 * - `same`: the catalog's layout; nothing to do. `new`: not in the pool yet; added to the catalog.
 * - `migrate`: a higher version; its objects are converted.
 * - `lower-version`: the pool has a higher version than the code: refused.
 * - `same-version-changed`: the layout differs but the version does not: refused (raise the version).
 * - `type-number-changed`: the class's type number differs from the pool's: refused.
 */
export type ClassDiffStatus = 'same' | 'new' | 'migrate' | 'lower-version' | 'same-version-changed' | 'type-number-changed';

/** One class of the code against the pool's catalog. */
export interface ClassDiff {
  /** The class's type name. */
  readonly type: string;
  /** What opening does with it. */
  readonly status: ClassDiffStatus;
  /** Its version in the pool's catalog (undefined for a new class). */
  readonly poolVersion?: number;
  /** Its version in code. */
  readonly codeVersion: number;
  /** Field by field, pool order then fields new in code; empty unless the layouts differ. */
  readonly fields: readonly FieldChange[];
}

/**
 * Every class of the code against the catalog, in the order of `layouts`.
 * @param catalog - the pool's catalog (readPoolCatalog), or null for a pool without one (every class is new).
 * @param layouts - the classes' layouts (resolveLayouts).
 * @throws {TypeError} when catalog is not a Catalog or null, or layouts is not an array of layouts.
 */
export function diffSchema(catalog: Catalog | null, layouts: readonly TypeLayout[]): ClassDiff[] {
  if (catalog !== null && (typeof catalog !== 'object' || !Array.isArray(catalog.types))) throw new TypeError('diffSchema: catalog must be a Catalog (as readPoolCatalog returns) or null');
  if (!Array.isArray(layouts) || !layouts.every((l) => typeof l === 'object' && l !== null && typeof l.name === 'string' && Array.isArray(l.fields))) {
    throw new TypeError('diffSchema: layouts must be an array of TypeLayouts (as resolveLayouts returns)');
  }
  const byName = new Map((catalog?.types ?? []).map((t) => [t.name, t]));
  return layouts.map((layout) => diffClass(byName.get(layout.name), layout, byName));
}

function diffClass(pool: CatalogType | undefined, layout: TypeLayout, catalogTypes: ReadonlyMap<string, CatalogType>): ClassDiff {
  const codeVersion = layout.version;
  if (pool === undefined) return { type: layout.name, status: 'new', codeVersion, fields: [] };
  const base = { type: layout.name, poolVersion: pool.version, codeVersion };
  if (pool.fingerprint === layout.fingerprint) return { ...base, status: 'same', fields: [] };
  const fields = diffFields(pool.fields, catalogTypeOf(layout).fields, layout.fields, catalogTypes);
  const status: ClassDiffStatus =
    pool.typeNum !== layout.typeNum ? 'type-number-changed' : codeVersion < pool.version ? 'lower-version' : codeVersion === pool.version ? 'same-version-changed' : 'migrate';
  return { ...base, status, fields };
}

/** Field changes from the pool's fields to the code's, matched by name. */
function diffFields(poolFields: readonly CatalogField[], codeFields: readonly CatalogField[], codeLayouts: readonly FieldLayout[], catalogTypes: ReadonlyMap<string, CatalogType>): FieldChange[] {
  const inCode = new Map(codeFields.map((f, i) => [f.name, { field: f, layout: codeLayouts[i] }]));
  const changes: FieldChange[] = [];
  for (const p of poolFields) {
    const c = inCode.get(p.name);
    if (c === undefined) changes.push({ field: p.name, change: 'removed', automatic: true, inPool: describe(p) });
    else changes.push({ field: p.name, ...fieldChange(p, c.field, c.layout, catalogTypes), inPool: describe(p), inCode: describe(c.field) });
  }
  const known = new Set(poolFields.map((f) => f.name));
  for (const c of codeFields) if (!known.has(c.name)) changes.push({ field: c.name, change: 'added', automatic: true, inCode: describe(c) });
  return changes;
}

function fieldChange(p: CatalogField, c: CatalogField, code: FieldLayout, catalogTypes: ReadonlyMap<string, CatalogType>): { change: FieldChangeKind; automatic: boolean } {
  const placed = (change: FieldChangeKind) => ({ change, automatic: true });
  const same = p.offset === c.offset ? placed('unchanged') : placed('moved');
  const manual = (change: FieldChangeKind) => ({ change, automatic: false });
  if (p.kind !== c.kind) return manual('type-changed');
  switch (c.kind) {
    case 'scalar':
      if (p.scalar === c.scalar) return same;
      return isWidening(p.scalar as ScalarType, c.scalar as ScalarType) ? placed('widened') : manual(isWidening(c.scalar as ScalarType, p.scalar as ScalarType) ? 'narrowed' : 'type-changed');
    case 'string':
      return sizeChange(p.maxBytes!, c.maxBytes!, same);
    case 'bytes':
      return sizeChange(p.length!, c.length!, same);
    case 'array':
      if (p.scalar !== c.scalar) return manual('type-changed');
      return sizeChange(p.length!, c.length!, same);
    case 'struct': {
      if (p.target !== c.target) return manual('type-changed');
      const poolStruct = catalogTypes.get(p.target!);
      const codeStruct = code.struct!;
      if (poolStruct === undefined || poolStruct.fingerprint === codeStruct.fingerprint) return p.size === c.size ? same : manual('type-changed');
      const inner = diffFields(poolStruct.fields, catalogTypeOf(codeStruct).fields, codeStruct.fields, catalogTypes);
      return inner.every((f) => f.automatic) ? placed(p.offset === c.offset ? 'widened' : 'moved') : manual('type-changed');
    }
    case 'heapString':
    case 'heapBytes':
      return same;
    case 'counter':
      return p.length === c.length ? same : manual('type-changed');
    default: // ref, map, vector: the same target, key and value types carry the 16-byte slot over
      return JSON.stringify([p.target, p.key, p.value]) === JSON.stringify([c.target, c.key, c.value]) ? same : manual('type-changed');
  }
}

function sizeChange(inPool: number, inCode: number, same: { change: FieldChangeKind; automatic: boolean }) {
  if (inPool === inCode) return same;
  return inCode > inPool ? { change: 'widened' as const, automatic: true } : { change: 'narrowed' as const, automatic: false };
}

const INTEGER_BITS: Partial<Record<ScalarType, { bits: number; signed: boolean }>> = {
  u8: { bits: 8, signed: false }, i8: { bits: 8, signed: true }, u16: { bits: 16, signed: false }, i16: { bits: 16, signed: true },
  u32: { bits: 32, signed: false }, i32: { bits: 32, signed: true }, u64: { bits: 64, signed: false }, i64: { bits: 64, signed: true },
};

/** Whether every value of `from` is a value of `to`: a wider integer (unsigned into a wider signed too), or f32 → f64. */
export function isWidening(from: ScalarType, to: ScalarType): boolean {
  if (from === 'f32' && to === 'f64') return true;
  const a = INTEGER_BITS[from];
  const b = INTEGER_BITS[to];
  if (a === undefined || b === undefined || b.bits <= a.bits) return false;
  return a.signed ? b.signed : true;
}

function describe(f: CatalogField): string {
  const type = f.kind === 'scalar' ? f.scalar : f.kind;
  const extra = [
    f.length !== undefined ? `length ${f.length}` : '',
    f.maxBytes !== undefined ? `maxBytes ${f.maxBytes}` : '',
    f.target !== undefined ? `→ ${f.target}` : '',
  ].filter(Boolean);
  return `${type}${extra.length > 0 ? ` (${extra.join(', ')})` : ''} at offset ${f.offset}`;
}

/** The fields of a diff that need a migration function. @throws {TypeError} when diff is not a ClassDiff. */
export function manualFields(diff: ClassDiff): FieldChange[] {
  if (typeof diff !== 'object' || diff === null || !Array.isArray(diff.fields)) throw new TypeError('manualFields: diff must be a ClassDiff (an element of what diffSchema returns)');
  return diff.fields.filter((f) => !f.automatic);
}
