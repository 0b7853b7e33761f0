/**
 * Reading a pool without its classes, for tools: the layout name from the pool header, the schema
 * catalog, and classes rebuilt from it, so objects show up as the user's types (open-for-inspection.ts
 * opens a Pool with them).
 */
import * as fs from 'node:fs';
import * as native from '@pmemts/native';
import { PoolCorruptError, PoolError, requireString } from '@pmemts/native';
import { Field, LayoutDefinitionError, Persistent, Ref, type CollectionValueType, type FieldType, type MapKeyType, type ScalarType } from '@pmemts/decorators';
import { resolveLayout, type PersistentClass } from '../layout';
import { resolveMemoryConfig } from '../memory/config';
import { readCatalog, ROOT_RECORD_SIZE, type Catalog, type CatalogField, type CatalogType } from './catalog';
import { PoolSession } from './PoolSession';

/** Offset and size of the layout name in a libpmemobj pool file (after the 4 KiB pool header). */
const LAYOUT_OFFSET = 4096;
const LAYOUT_BYTES = 1024;

/**
 * The layout name stored in a pool file's header. Only a regular file or a character device (device
 * DAX) is opened: a FIFO or socket would block the read forever.
 * @throws {PoolError} when the file cannot be read, or is not a regular file or device (POOL_NOT_A_FILE).
 * @throws {PoolCorruptError} when it is too short to be a pool, or its layout name is not UTF-8 text.
 */
export function readLayoutName(file: string): string {
  requireString('readLayoutName: path', file);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat can refuse it.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const code = err.code === 'ENOENT' ? 'POOL_NOT_FOUND' : err.code === 'EISDIR' ? 'POOL_NOT_A_FILE' : 'POOL_OPEN_FAILED';
    throw new PoolError(`${file}: ${err.message}`, code);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new PoolError(`${file}: is a directory, not a pool file`, 'POOL_NOT_A_FILE');
    if (!stat.isFile() && !stat.isCharacterDevice()) throw new PoolError(`${file}: is not a regular file or a device, not a pool file`, 'POOL_NOT_A_FILE');
    const bytes = Buffer.alloc(LAYOUT_BYTES);
    const read = fs.readSync(fd, bytes, 0, LAYOUT_BYTES, LAYOUT_OFFSET);
    const end = bytes.indexOf(0);
    if (read < LAYOUT_BYTES || end <= 0) throw new PoolCorruptError(`${file}: no layout name in the header: not a pmemobj pool`, 'POOL_CORRUPT');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    } catch {
      throw new PoolCorruptError(`${file}: the layout name in the header is not UTF-8 text: not a pmemobj pool, or its header is corrupt`, 'POOL_CORRUPT');
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The schema catalog of a pool file (opens and closes it; writes nothing). Ref targets are persistent
 * names, also for a pool written when the catalog held JS class names (see resolveLegacyTargets).
 * @throws {PoolError} {@link Pool.open}'s failures of the file (missing, locked, wrong layout).
 * @throws {PoolCorruptError} when the file is not a valid pool (NOT_PMEMTS_POOL when pmemts did not write it), or its catalog is unusable (CATALOG_CORRUPT).
 */
export function readPoolCatalog(file: string, layout: string, probe: 'open' | 'walk' | false = 'walk'): Catalog {
  const handle = native.open(file, layout, { probe });
  try {
    if (handle.rootSize() < ROOT_RECORD_SIZE) {
      throw new PoolCorruptError(`${file}: the pool has no pmemts root record (was it written by pmemts?)`, 'NOT_PMEMTS_POOL');
    }
    const session = new PoolSession(handle, resolveMemoryConfig(undefined));
    const catalog = readCatalog(session, handle.root(ROOT_RECORD_SIZE));
    if (catalog === null) throw new PoolCorruptError(`${file}: the pool has no schema catalog`, 'NOT_PMEMTS_POOL');
    return asCatalogCorrupt(file, () => resolveLegacyTargets(catalog));
  } finally {
    handle.close();
  }
}

/**
 * Classes equivalent to the catalog's (same names, numbers, fields): their layouts match it exactly.
 * @throws {PoolCorruptError} CATALOG_CORRUPT when a type names a target the catalog lacks.
 */
export function classesFromCatalog(catalog: Catalog): PersistentClass[] {
  if (typeof catalog !== 'object' || catalog === null || !Array.isArray(catalog.types)) {
    throw new TypeError('classesFromCatalog: catalog must be a Catalog (an object with a types array), as readPoolCatalog returns');
  }
  const resolved = resolveLegacyTargets(catalog);
  const classFor = classBuilder(resolved.types);
  return resolved.types.map((t) => classFor(t.name)) as unknown as PersistentClass[];
}

/** Builds the class of a catalog type on first use (with the classes its fields target). */
function classBuilder(types: readonly CatalogType[]): (name: string) => Function {
  const byName = new Map(types.map((t) => [t.name, t]));
  const built = new Map<string, Function>();
  const classFor = (name: string, what: string): Function => {
    const existing = built.get(name);
    if (existing !== undefined) return existing;
    const type = byName.get(name);
    if (type === undefined) throw new PoolCorruptError(`the catalog's ${what} names unknown type ${name}`, 'CATALOG_CORRUPT');
    const ctor = { [name]: class {} }[name];
    built.set(name, ctor);
    for (const field of type.fields) decorateField(ctor, type, field, (target) => () => classFor(String(target), `${type.name}.${field.name}`) as never);
    Persistent({ name: type.name, typeNum: type.typeNum, version: type.version, align: type.align })(ctor);
    return ctor;
  };
  return (name) => classFor(name, 'type list');
}

function decorateField(ctor: Function, type: CatalogType, field: CatalogField, targetOf: (name: string | undefined) => () => never): void {
  const align = field.align;
  let spec: FieldType;
  switch (field.kind) {
    case 'scalar':
      spec = { type: field.scalar as ScalarType, align };
      break;
    case 'string':
      spec = { type: 'string', maxBytes: field.maxBytes as number, align };
      break;
    case 'heapString':
    case 'heapBytes':
      spec = { type: field.kind, align };
      break;
    case 'bytes':
      spec = { type: 'bytes', length: field.length as number, align };
      break;
    case 'array':
      spec = { type: 'array', of: field.scalar as ScalarType, length: field.length as number, align };
      break;
    case 'struct':
      spec = { type: 'struct', of: targetOf(field.target), align };
      break;
    case 'ref':
      Ref(targetOf(field.target), { align })(ctor.prototype, field.name);
      return;
    case 'map':
      spec = { type: 'map', key: mapKeyOf(field), value: collectionValueOf(field, targetOf), align };
      break;
    case 'vector':
      spec = { type: 'vector', of: collectionValueOf(field, targetOf), align };
      break;
    case 'counter':
      spec = { type: 'counter', stripes: field.length as number, align };
      break;
    default:
      throw new PoolCorruptError(`the catalog's ${type.name}.${field.name} has unknown kind ${field.kind}`, 'CATALOG_CORRUPT');
  }
  Field(spec)(ctor.prototype, field.name);
}

/** A map key type as `@Field` declares it, from its catalog record. */
function mapKeyOf(field: CatalogField): MapKeyType {
  const key = field.key;
  if (key?.kind === 'scalar') return key.scalar;
  if (key?.kind === 'string') return { type: 'string', maxBytes: key.maxBytes };
  if (key?.kind === 'bytes') return { type: 'bytes', maxLength: key.maxLength };
  throw new PoolCorruptError(`the catalog's map field ${field.name} has no valid key type`, 'CATALOG_CORRUPT');
}

/** A map's value type or a vector's element type as `@Field` declares it, from its catalog record. */
function collectionValueOf(field: CatalogField, targetOf: (name: string | undefined) => () => never): CollectionValueType {
  const value = field.value;
  if (value?.kind === 'scalar') return value.scalar;
  if (value?.kind === 'string') return { type: 'string', maxBytes: value.maxBytes };
  if (value?.kind === 'ref') return targetOf(field.target);
  throw new PoolCorruptError(`the catalog's ${field.kind} field ${field.name} has no valid value type`, 'CATALOG_CORRUPT');
}

/** Past this many candidate assignments for one type's legacy targets, the search gives up. */
const MAX_LEGACY_TRIALS = 4096;

/**
 * Pools written before the catalog recorded ref targets by persistent name hold the target's JS class
 * name (`OrderModel` for `@Persistent({ name: 'Order' }) class OrderModel`), which names no catalog
 * type. The stored fingerprint always hashed the persistent name, so a legacy target is the catalog
 * type whose name makes the rebuilt class's fingerprint equal the stored one: a proof, not a guess.
 * Types embedded as structs are resolved before the types that embed them (their fingerprint is part
 * of the embedder's).
 * @throws {PoolCorruptError} CATALOG_CORRUPT when a struct target is unknown, or no catalog type matches.
 */
function resolveLegacyTargets(catalog: Catalog): Catalog {
  const names = catalog.types.map((t) => t.name);
  const known = new Set(names);
  for (const type of catalog.types) {
    for (const f of type.fields) {
      if (f.kind === 'struct' && !known.has(f.target ?? '')) throw new PoolCorruptError(`the catalog's ${type.name}.${f.name} embeds unknown type ${f.target}`, 'CATALOG_CORRUPT');
    }
  }
  const legacyOf = (type: CatalogType) => [...new Set(type.fields.filter((f) => f.kind === 'ref' && !known.has(f.target ?? '')).map((f) => f.target ?? ''))];
  const pending = new Set(catalog.types.filter((t) => legacyOf(t).length > 0).map((t) => t.name));
  if (pending.size === 0) return catalog;
  let types = catalog.types;
  while (pending.size > 0) {
    const ready = types.find((t) => pending.has(t.name) && t.fields.every((f) => f.kind !== 'struct' || !pending.has(f.target!)));
    if (ready === undefined) throw new PoolCorruptError(`the catalog's types ${[...pending].join(', ')} embed each other`, 'CATALOG_CORRUPT');
    const resolved = resolveTypeTargets(types, ready, legacyOf(ready), names);
    types = types.map((t) => (t === ready ? resolved : t));
    pending.delete(ready.name);
  }
  return { ...catalog, types };
}

/** `type` with each legacy target replaced by the candidate name that reproduces its fingerprint. */
function resolveTypeTargets(types: readonly CatalogType[], type: CatalogType, legacy: string[], candidates: string[]): CatalogType {
  const trials = candidates.length ** legacy.length;
  const unresolved = () => `the catalog's ${type.name} refers to ${legacy.join(', ')}, which names no type in the catalog`;
  if (trials > MAX_LEGACY_TRIALS) throw new PoolCorruptError(`${unresolved()}, and too many types could be meant (${trials} combinations)`, 'CATALOG_CORRUPT');
  for (let trial = 0; trial < trials; trial++) {
    const meant = new Map(legacy.map((name, i) => [name, candidates[Math.floor(trial / candidates.length ** i) % candidates.length]]));
    const candidate = { ...type, fields: type.fields.map((f) => (f.kind === 'ref' && meant.has(f.target ?? '') ? { ...f, target: meant.get(f.target ?? '') } : f)) };
    const classFor = classBuilder(types.map((t) => (t === type ? candidate : t)));
    if (resolveLayout(classFor(type.name)).fingerprint === type.fingerprint) return candidate;
  }
  throw new PoolCorruptError(`${unresolved()}, and no type in it reproduces ${type.name}'s fingerprint`, 'CATALOG_CORRUPT');
}

/** A catalog whose types cannot be declared as classes is a corrupt catalog, not a programming error. */
/** Runs `build`, turning a catalog that cannot be made into classes into CATALOG_CORRUPT naming `file`. */
export function asCatalogCorrupt<T>(file: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof LayoutDefinitionError || (error instanceof PoolCorruptError && error.code === 'CATALOG_CORRUPT')) {
      throw new PoolCorruptError(`${file}: the schema catalog is unusable: ${error.message}`, 'CATALOG_CORRUPT', undefined, { cause: error });
    }
    throw error;
  }
}
