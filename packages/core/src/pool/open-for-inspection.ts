/**
 * Opening a pool without its classes, for tools: the layout name comes from the pool header and the
 * classes are rebuilt from the schema catalog (inspect.ts), so objects show up as the user's types.
 */
import { requireString } from '@pmemts/native';
import type { Catalog } from './catalog';
import { asCatalogCorrupt, classesFromCatalog, readLayoutName, readPoolCatalog } from './inspect';
import { Pool } from './Pool';

/** Options of openForInspection. */
export interface InspectionOptions {
  /** libpmemobj layout name. @defaultValue read from the pool header */
  layout?: string;
  /** Crash isolation of the open. @defaultValue 'walk' (tools walk the heap in-process, and a corrupted heap can crash or hang the walk) */
  probe?: 'open' | 'walk' | false;
  /** The caller will change the pool (pmemts import): the session records its open flag like any writer's. @defaultValue false */
  writable?: boolean;
}

/**
 * Opens a pool for inspection: layout from the header, classes from the catalog. pmemts writes
 * nothing unless `writable` (see PoolOpenOptions.inspect): the unclean-shutdown record and the
 * catalog stay as found. libpmemobj has no read-only open: the pool is mapped read-write and its
 * recovery may run.
 * @returns the open `pool`, its `catalog`, and the `layout` name it was opened with.
 * @throws {PoolError} when the file is missing, locked, or not a regular file or device.
 * @throws {PoolCorruptError} when it is not a pmemts pool, or its catalog is unusable (CATALOG_CORRUPT).
 * @throws {SchemaMismatchError} when the classes rebuilt from the catalog do not reproduce it.
 */
export function openForInspection(file: string, options: InspectionOptions = {}): { pool: Pool; catalog: Catalog; layout: string } {
  requireString('openForInspection: path', file);
  const layout = options.layout ?? readLayoutName(file);
  const catalog = readPoolCatalog(file, layout, options.probe ?? 'walk');
  const pool = asCatalogCorrupt(file, () => Pool.open(file, { layout, types: classesFromCatalog(catalog), probe: false, inspect: options.writable !== true }));
  return { pool, catalog, layout };
}
