/**
 * Catalog sections: features keep small persistent records in the catalog; rewriting the catalog
 * (a new class registered) keeps them, and an aborted update leaves the old record.
 */
import 'reflect-metadata';
import { Pool, runTransaction, readPoolCatalog } from '@pmemts/core';
import { ROOT_RECORD_SIZE, updateCatalogSection } from '../../packages/core/src/pool/catalog';
import { Counter, Point, tempDir } from './fixtures';

const dir = tempDir('catalog-sections');
afterAll(() => dir.cleanup());

function setSection(pool: Pool, name: string, value: unknown): void {
  const session = Pool.sessionOf(pool);
  runTransaction(pool, () => updateCatalogSection(session, session.native.root(ROOT_RECORD_SIZE), name, value));
}

it('keeps sections across reopen and across a catalog rewrite, and rolls an aborted update back', () => {
  const file = dir.file('sections');
  let pool = Pool.create(file, { layout: 'sections', types: [Counter] });
  setSection(pool, 'regions', { a: 1 });
  setSection(pool, 'cursor', [1, 2]);
  expect(() => runTransaction(pool, () => {
    updateCatalogSection(Pool.sessionOf(pool), Pool.sessionOf(pool).native.root(ROOT_RECORD_SIZE), 'regions', { a: 2 });
    throw new Error('boom');
  })).toThrow('boom');
  pool.close();
  pool = Pool.open(file, { layout: 'sections', types: [Counter, Point] }); // registers Point: rewrites the catalog
  pool.close();
  const catalog = readPoolCatalog(file, 'sections');
  expect(catalog.types.map((t) => t.name)).toEqual(['Counter', 'Point']);
  expect(catalog.sections).toEqual({ regions: { a: 1 }, cursor: [1, 2] });
  pool = Pool.open(file, { layout: 'sections', types: [Counter, Point] });
  setSection(pool, 'cursor', undefined);
  pool.close();
  expect(readPoolCatalog(file, 'sections').sections).toEqual({ regions: { a: 1 } });
});
