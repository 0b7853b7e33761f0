/**
 * Pools as pmemts wrote them before the catalog named ref targets by persistent name: a ref field's
 * target was its class's JS name (`OrderModel`), whatever its `@Persistent({ name })`.
 */
import { Pool, runTransaction, type Catalog, type PersistentClass } from '@pmemts/core';
import { readCatalog, ROOT_RECORD_SIZE, writeCatalog } from '../../packages/core/src/pool/catalog';

/** The catalog exactly as stored (no legacy resolution), read without writing anything. */
export function storedCatalog(file: string, layout?: string): Catalog {
  const pool = Pool.open(file, { layout, inspect: true });
  try {
    const session = Pool.sessionOf(pool);
    return readCatalog(session, session.native.root(ROOT_RECORD_SIZE))!;
  } finally {
    pool.close();
  }
}

/** Rewrites the catalog of the closed pool `file` (holding `types`) the old way: ref targets by JS class name. */
export function writeLegacyCatalog(file: string, types: PersistentClass[], edit: (catalog: Catalog) => Catalog = (c) => c, layout?: string): void {
  const pool = Pool.open(file, { types, layout });
  const session = Pool.sessionOf(pool);
  const root = session.native.root(ROOT_RECORD_SIZE);
  const jsName = new Map(pool.layouts().map((l) => [l.name, l.ctor.name]));
  const catalog = readCatalog(session, root)!;
  const legacy = {
    ...catalog,
    types: catalog.types.map((t) => ({ ...t, fields: t.fields.map((f) => (f.kind === 'ref' ? { ...f, target: jsName.get(f.target!) ?? f.target } : f)) })),
  };
  runTransaction(pool, () => writeCatalog(session, root, edit(legacy), []));
  pool.close();
}
