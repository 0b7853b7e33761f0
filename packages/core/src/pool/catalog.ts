/**
 * The schema catalog: a JSON blob reachable from the pool's root record, describing every class ever
 * registered in the pool (type name, number, version, size, fields, fingerprint). Opening a pool
 * compares the classes in code against it field by field; new classes are added transactionally.
 *
 * Root record (the libpmemobj root object, 48 bytes, little-endian):
 *   u64 magic "PMEMTS01" | u32 format | u32 open flag | u64 catalog offset | u64 catalog length |
 *   u64 user root offset | u64 user root type number
 * The open flag is 1 while a process has the pool open; finding it set at open means the previous
 * session ended without close() (a crash, or a pool dropped unclosed).
 */
import { PoolCorruptError } from '@pmemts/native';
import { CATALOG_TYPE_NUM } from '@pmemts/decorators';
import { SchemaMismatchError, type SchemaDifference } from '../errors';
import type { CollectionKeySpec, CollectionValueSpec } from '@pmemts/decorators';
import type { FieldLayout, TypeLayout } from '../layout';
import type { PoolSession } from './PoolSession';

export const ROOT_RECORD_SIZE = 48;
const MAGIC = 0x313053544d454d50n; // "PMEMTS01" read as little-endian u64
const FORMAT = 1;

export const RootField = { magic: 0, format: 8, openFlag: 12, catalogOff: 16, catalogLen: 24, userRoot: 32, userRootType: 40 } as const;

/** One field of a class as the schema catalog stores it (the JSON form of a FieldLayout). */
export interface CatalogField {
  /** The field's property name. */
  name: string;
  /** Its kind: `scalar`, `string`, `heapString`, `heapBytes`, `bytes`, `array`, `struct`, `ref`, `map` or `vector`. */
  kind: string;
  /** Scalar type of a scalar field, or element type of an array. */
  scalar?: string;
  /** Byte offset in the object. */
  offset: number;
  /** Bytes the field occupies. */
  size: number;
  /** Alignment of the offset. */
  align: number;
  /** Element count (array) or byte count (bytes). */
  length?: number;
  /** Capacity in UTF-8 bytes of an inline string. */
  maxBytes?: number;
  /** Struct, ref, or the class a map's values or a vector's elements refer to. */
  target?: string;
  /** Key type of a map field. */
  key?: CollectionKeySpec;
  /** Value type of a map field, element type of a vector field (a ref's class is `target`). */
  value?: CatalogCollectionValue;
}

/** A map's value or a vector's element type as the catalog stores it: a ref names its class in the field's `target`. */
export type CatalogCollectionValue = Exclude<CollectionValueSpec, { kind: 'ref' }> | { kind: 'ref' };

/** One class as the schema catalog stores it. */
export interface CatalogType {
  /** Its stable type name. */
  name: string;
  /** libpmemobj type number of its objects. */
  typeNum: number;
  /** Layout version (`@Persistent({ version })`). */
  version: number;
  /** Bytes of one object. */
  size: number;
  /** Alignment of the object. */
  align: number;
  /** SHA-256 (hex) of the canonical layout. */
  fingerprint: string;
  /** In layout order. */
  fields: CatalogField[];
}

/** The schema catalog of a pool: every class ever registered in it. */
export interface Catalog {
  /** Version of the catalog's JSON form. */
  format: number;
  /** Every class, in registration order. */
  types: CatalogType[];
  /**
   * Small persistent records of pmemts's own features (e.g. a region directory, a migration cursor),
   * by feature name, as JSON. Kept across catalog rewrites; see updateCatalogSection.
   */
  sections?: Record<string, unknown>;
}

export function catalogTypeOf(layout: TypeLayout): CatalogType {
  return {
    name: layout.name,
    typeNum: layout.typeNum,
    version: layout.version,
    size: layout.size,
    align: layout.align,
    fingerprint: layout.fingerprint,
    fields: layout.fields.map((f) => {
      const field: CatalogField = { name: f.name, kind: f.kind, offset: f.offset, size: f.size, align: f.align };
      if (f.scalar !== undefined) field.scalar = f.scalar;
      if (f.length !== undefined) field.length = f.length;
      if (f.maxBytes !== undefined) field.maxBytes = f.maxBytes;
      if (f.kind === 'struct' && f.struct) field.target = f.struct.name;
      else if (f.targetName !== undefined) field.target = f.targetName;
      if (f.key !== undefined) field.key = f.key;
      if (f.value !== undefined) field.value = f.value.kind === 'ref' ? { kind: 'ref' } : f.value;
      return field;
    }),
  };
}

/** Reads the root record and catalog; null for a pool whose root record was never written. */
export function readCatalog(session: PoolSession, rootOffset: number): Catalog | null {
  const dv = session.dv;
  const magic = dv.getBigUint64(rootOffset + RootField.magic, true);
  if (magic === 0n) return null;
  const file = session.native.path;
  if (magic !== MAGIC) throw new PoolCorruptError(`${file}: the root object is not a pmemts root record`, 'NOT_PMEMTS_POOL');
  const format = dv.getUint32(rootOffset + RootField.format, true);
  if (format !== FORMAT) throw new PoolCorruptError(`${file}: pmemts format ${format} is not supported (expected ${FORMAT})`, 'FORMAT_UNSUPPORTED');
  const off = Number(dv.getBigUint64(rootOffset + RootField.catalogOff, true));
  const len = Number(dv.getBigUint64(rootOffset + RootField.catalogLen, true));
  if (off === 0) return { format, types: [] };
  // A live allocation (isObject reads the heap's bitmaps, no walk) whose header says catalog and size.
  const header = session.native.isObject(off) ? session.native.allocationHeader(off) : null;
  if (header === null || header.typeNum !== CATALOG_TYPE_NUM || header.usableSize < len || off + len > session.native.size) {
    throw new PoolCorruptError(`${file}: the schema catalog pointer is invalid`, 'CATALOG_CORRUPT');
  }
  try {
    const catalog: unknown = JSON.parse(new TextDecoder().decode(session.pmemBytes().subarray(off, off + len)));
    assertCatalogShape(catalog);
    return catalog;
  } catch (error) {
    throw new PoolCorruptError(`${file}: the schema catalog is unreadable: ${(error as Error).message}`, 'CATALOG_CORRUPT');
  }
}

/** Every value the catalog's readers use has its type, so a damaged catalog is CATALOG_CORRUPT rather than a TypeError later. */
function assertCatalogShape(catalog: unknown): asserts catalog is Catalog {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!isObject(catalog) || !Array.isArray(catalog.types)) throw new Error('types is not an array');
  if (catalog.sections !== undefined && !isObject(catalog.sections)) throw new Error('sections is not an object');
  for (const [i, type] of (catalog.types as unknown[]).entries()) {
    const ok = isObject(type) && typeof type.name === 'string' && isCount(type.typeNum) && isCount(type.version) && isCount(type.size) && isCount(type.align) && typeof type.fingerprint === 'string' && Array.isArray(type.fields);
    if (!ok) throw new Error(`type ${i} is malformed`);
    for (const field of type.fields as unknown[]) {
      const isSpec = (v: unknown) => v === undefined || (isObject(v) && typeof v.kind === 'string');
      const fieldOk = isObject(field) && typeof field.name === 'string' && typeof field.kind === 'string' && isCount(field.offset) && isCount(field.size) && isCount(field.align) &&
        (field.target === undefined || typeof field.target === 'string') && isSpec(field.key) && isSpec(field.value);
      if (!fieldOk) throw new Error(`a field of ${type.name} is malformed`);
    }
  }
}

/**
 * Pools written before pmemts recorded ref targets by persistent name hold the target's JS class
 * name instead (`OrderModel` for `@Persistent({ name: 'Order' }) class OrderModel`).
 */
function isLegacyTargetOf(inPool: CatalogField, code: FieldLayout): boolean {
  return code.kind === 'ref' && inPool.kind === 'ref' && inPool.target !== code.targetName && inPool.target === code.target?.().name;
}

/** Differences between the classes in code and the catalog; empty when every known class matches. */
export function compareCatalog(catalog: Catalog, layouts: TypeLayout[]): SchemaDifference[] {
  const differences: SchemaDifference[] = [];
  const byName = new Map(catalog.types.map((t) => [t.name, t]));
  const byNum = new Map(catalog.types.map((t) => [t.typeNum, t]));
  for (const layout of layouts) {
    const code = catalogTypeOf(layout);
    const pool = byName.get(code.name);
    if (pool === undefined) {
      const clash = byNum.get(code.typeNum);
      if (clash) differences.push({ type: code.name, what: 'type number already used by another class', inPool: `${clash.name} = ${clash.typeNum}`, inCode: String(code.typeNum) });
      continue;
    }
    if (pool.fingerprint === code.fingerprint) continue;
    const classLevel: [string, keyof CatalogType][] = [['type number', 'typeNum'], ['version', 'version'], ['size', 'size'], ['alignment', 'align']];
    for (const [what, key] of classLevel) {
      if (pool[key] !== code[key]) differences.push({ type: code.name, what, inPool: String(pool[key]), inCode: String(code[key]) });
    }
    const poolFields = new Map(pool.fields.map((f) => [f.name, f]));
    const codeFields = new Map(code.fields.map((f) => [f.name, f]));
    for (const [i, f] of code.fields.entries()) {
      const p = poolFields.get(f.name);
      if (p === undefined) {
        differences.push({ type: code.name, field: f.name, what: 'field', inPool: 'no such field', inCode: describeField(f) });
        continue;
      }
      const inPool = isLegacyTargetOf(p, layout.fields[i]) ? { ...p, target: f.target } : p;
      if (describeField(inPool) !== describeField(f)) {
        differences.push({ type: code.name, field: f.name, what: 'field', inPool: describeField(p), inCode: describeField(f) });
      }
    }
    for (const p of pool.fields) {
      if (!codeFields.has(p.name)) differences.push({ type: code.name, field: p.name, what: 'field', inPool: describeField(p), inCode: 'no such field' });
    }
    if (differences.every((d) => d.type !== code.name)) {
      differences.push({ type: code.name, what: 'fingerprint', inPool: pool.fingerprint, inCode: code.fingerprint });
    }
  }
  return differences;
}

function describeField(f: CatalogField): string {
  const type = f.kind === 'scalar' ? f.scalar : f.kind;
  const element = (e: CollectionKeySpec | CatalogCollectionValue) =>
    e.kind === 'scalar' ? e.scalar : e.kind === 'string' ? `string(${e.maxBytes})` : e.kind === 'bytes' ? `bytes(${e.maxLength})` : e.kind;
  const extra = [
    f.length !== undefined ? `length ${f.length}` : '',
    f.maxBytes !== undefined ? `maxBytes ${f.maxBytes}` : '',
    f.key ? `key ${element(f.key)}` : '',
    f.value ? `value ${element(f.value)}` : '',
    f.target ? `→ ${f.target}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${type}${extra ? ` (${extra})` : ''} at offset ${f.offset}, ${f.size} bytes`;
}

/**
 * The catalog with legacy ref targets (JS class names) renamed to persistent names, or null when it
 * has none. Only types whose fingerprint equals their class's are renamed: the fingerprint hashes the
 * persistent target names, so equal fingerprints prove what each legacy name stands for.
 */
export function upgradeLegacyTargets(catalog: Catalog, layouts: TypeLayout[]): Catalog | null {
  const byName = new Map(layouts.map((l) => [l.name, l]));
  let upgraded = false;
  const types = catalog.types.map((type) => {
    const layout = byName.get(type.name);
    if (layout === undefined || layout.fingerprint !== type.fingerprint) return type;
    const fields = type.fields.map((p) => {
      const f = layout.fields.find((x) => x.name === p.name);
      if (f?.kind !== 'ref' || p.target === f.targetName) return p;
      upgraded = true;
      return { ...p, target: f.targetName };
    });
    return { ...type, fields };
  });
  return upgraded ? { ...catalog, types } : null;
}

export function throwIfMismatch(file: string, differences: SchemaDifference[]): void {
  if (differences.length > 0) throw new SchemaMismatchError(file, differences);
}

/** Writes the catalog with `layouts` added (inside the running transaction) and initialises the root record. */
export function writeCatalog(session: PoolSession, rootOffset: number, catalog: Catalog | null, layouts: TypeLayout[]): void {
  const types = catalog?.types.slice() ?? [];
  const known = new Set(types.map((t) => t.name));
  for (const layout of layouts) if (!known.has(layout.name)) types.push(catalogTypeOf(layout));
  const sections = catalog?.sections;
  const bytes = new TextEncoder().encode(JSON.stringify({ format: FORMAT, types, ...(sections === undefined ? {} : { sections }) } satisfies Catalog));
  const tx = session.tx;
  const blob = tx.allocate(bytes.length, CATALOG_TYPE_NUM, 'schema catalog');
  session.pmemBytes().set(bytes, blob);
  session.native.txAddRange(rootOffset, ROOT_RECORD_SIZE);
  const dv = session.dv;
  const oldBlob = Number(dv.getBigUint64(rootOffset + RootField.catalogOff, true));
  dv.setBigUint64(rootOffset + RootField.magic, MAGIC, true);
  dv.setUint32(rootOffset + RootField.format, FORMAT, true);
  dv.setBigUint64(rootOffset + RootField.catalogOff, BigInt(blob), true);
  dv.setBigUint64(rootOffset + RootField.catalogLen, BigInt(bytes.length), true);
  if (oldBlob !== 0) tx.free(null, oldBlob, 'schema catalog');
}

/**
 * Sets (or, with `undefined`, removes) one feature's section of the catalog, inside the running
 * transaction: the catalog blob is rewritten, so keep sections small (directories, cursors).
 */
export function updateCatalogSection(session: PoolSession, rootOffset: number, name: string, value: unknown): void {
  const catalog = readCatalog(session, rootOffset) ?? { format: FORMAT, types: [] };
  const sections = { ...(catalog.sections ?? {}) };
  if (value === undefined) delete sections[name];
  else sections[name] = value;
  writeCatalog(session, rootOffset, { ...catalog, sections }, []);
}
