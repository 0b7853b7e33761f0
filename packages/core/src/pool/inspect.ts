/**
 * Opening a pool without its classes, for tools: the layout name comes from the pool header and the
 * classes are rebuilt from the schema catalog, so objects show up as the user's types.
 */
import * as fs from 'node:fs';
import * as native from '@pmemts/native';
import { PoolCorruptError, PoolError } from '@pmemts/native';
import { Field, Persistent, Ref, type FieldType, type ScalarType } from '@pmemts/decorators';
import { resolveMemoryConfig } from '../memory/config';
import { readCatalog, ROOT_RECORD_SIZE, type Catalog, type CatalogType } from './catalog';
import { Pool, type PersistentClass } from './Pool';
import { PoolSession } from './PoolSession';

/** Offset and size of the layout name in a libpmemobj pool file (after the 4 KiB pool header). */
const LAYOUT_OFFSET = 4096;
const LAYOUT_BYTES = 1024;

/**
 * The layout name stored in a pool file's header.
 * @throws {PoolError} when the file cannot be read. @throws {PoolCorruptError} when it is too short to be a pool.
 */
export function readLayoutName(file: string): string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const code = err.code === 'ENOENT' ? 'POOL_NOT_FOUND' : err.code === 'EISDIR' ? 'POOL_NOT_A_FILE' : 'POOL_OPEN_FAILED';
    throw new PoolError(`${file}: ${err.message}`, code);
  }
  try {
    if (fs.fstatSync(fd).isDirectory()) throw new PoolError(`${file}: is a directory, not a pool file`, 'POOL_NOT_A_FILE');
    const bytes = Buffer.alloc(LAYOUT_BYTES);
    const read = fs.readSync(fd, bytes, 0, LAYOUT_BYTES, LAYOUT_OFFSET);
    const end = bytes.indexOf(0);
    if (read < LAYOUT_BYTES || end <= 0) throw new PoolCorruptError(`${file}: no layout name in the header: not a pmemobj pool`, 'POOL_CORRUPT');
    return bytes.subarray(0, end).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** The schema catalog of a pool file (opens and closes it). */
export function readPoolCatalog(file: string, layout: string, probe: 'open' | 'walk' | false = 'walk'): Catalog {
  const handle = native.open(file, layout, { probe });
  try {
    if (handle.rootSize() < ROOT_RECORD_SIZE) {
      throw new PoolCorruptError(`${file}: the pool has no pmemts root record (was it written by pmemts?)`, 'NOT_PMEMTS_POOL');
    }
    const session = new PoolSession(handle, resolveMemoryConfig(undefined));
    const catalog = readCatalog(session, handle.root(ROOT_RECORD_SIZE));
    if (catalog === null) throw new PoolCorruptError(`${file}: the pool has no schema catalog`, 'NOT_PMEMTS_POOL');
    return catalog;
  } finally {
    handle.close();
  }
}

/** Classes equivalent to the catalog's (same names, numbers, fields): their layouts match it exactly. */
export function classesFromCatalog(catalog: Catalog): PersistentClass[] {
  const classes = new Map<string, Function>();
  for (const type of catalog.types) classes.set(type.name, { [type.name]: class {} }[type.name]);
  const byName = (name: string | undefined, what: string) => () => {
    const ctor = name === undefined ? undefined : classes.get(name);
    if (ctor === undefined) throw new PoolCorruptError(`the catalog's ${what} names unknown type ${String(name)}`, 'CATALOG_CORRUPT');
    return ctor as never;
  };
  for (const type of catalog.types) {
    const ctor = classes.get(type.name)!;
    for (const field of type.fields) decorateField(ctor, type, field, byName);
    Persistent({ name: type.name, typeNum: type.typeNum, version: type.version, align: type.align })(ctor);
  }
  return [...classes.values()] as unknown as PersistentClass[];
}

function decorateField(
  ctor: Function,
  type: CatalogType,
  field: CatalogType['fields'][number],
  byName: (name: string | undefined, what: string) => () => never,
): void {
  const align = field.align;
  const what = `${type.name}.${field.name}`;
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
      spec = { type: 'struct', of: byName(field.target, what), align };
      break;
    case 'ref':
      Ref(byName(field.target, what), { align })(ctor.prototype, field.name);
      return;
    default:
      throw new PoolCorruptError(`the catalog's ${what} has unknown kind ${field.kind}`, 'CATALOG_CORRUPT');
  }
  Field(spec)(ctor.prototype, field.name);
}

/**
 * Opens a pool for inspection: layout from the header, classes from the catalog. The probe walks the
 * whole heap by default: tools walk it in-process too, and a corrupted heap can crash or hang the walk.
 * libpmemobj has no read-only open: this maps the pool read-write and may run its recovery, but
 * pmemts itself changes nothing.
 */
export function openForInspection(file: string, options: { layout?: string; probe?: 'open' | 'walk' | false } = {}): { pool: Pool; catalog: Catalog; layout: string } {
  const layout = options.layout ?? readLayoutName(file);
  const catalog = readPoolCatalog(file, layout, options.probe ?? 'walk');
  const pool = Pool.open(file, { layout, types: classesFromCatalog(catalog), probe: false });
  return { pool, catalog, layout };
}
