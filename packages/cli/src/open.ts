import { openForInspection, type Catalog, type Pool } from '@pmemts/core';

export interface Inspected {
  readonly file: string;
  readonly pool: Pool;
  readonly catalog: Catalog;
  readonly layout: string;
}

/** Opens `file` with its classes rebuilt from the catalog, runs `fn`, always closes. */
export function withPool<T>(file: string, layout: string | undefined, fn: (inspected: Inspected) => T): T {
  const { pool, catalog, layout: name } = openForInspection(file, { layout });
  try {
    return fn({ file, pool, catalog, layout: name });
  } finally {
    pool.close();
  }
}
