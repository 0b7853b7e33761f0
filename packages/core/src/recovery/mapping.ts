/** How a pool's mapping reaches persistence: what `pmemts info` prints as its mapping. */

/**
 * `dax`: real persistent memory (a device DAX, or a file on a DAX file system), flushed with cache-line
 * flushes; `forced`: PMEM_IS_PMEM_FORCE=1 made libpmem treat an ordinary mapping as persistent memory
 * (for tests: cache-line flushes, no msync, so nothing is durable across a power failure); `msync`: an
 * ordinary file mapping whose flushes are msync.
 */
export type MappingKind = 'dax' | 'forced' | 'msync';

// libpmem reads the variable once, when it is loaded (with this module): a later change does nothing.
const FORCE_AT_LOAD = process.env.PMEM_IS_PMEM_FORCE;

/**
 * The mapping kind of an open pool, from its `isPmem` and PMEM_IS_PMEM_FORCE as libpmem read it (its
 * atoi: 1 forces persistent memory, 0 forces msync).
 * @throws {TypeError} when pool has no boolean isPmem.
 */
export function mappingKind(pool: { readonly isPmem: boolean }): MappingKind {
  const isPmem = pool?.isPmem;
  if (typeof isPmem !== 'boolean') throw new TypeError('mappingKind: pool must be an open Pool');
  if (!isPmem) return 'msync';
  return Number.parseInt(FORCE_AT_LOAD ?? '', 10) === 1 ? 'forced' : 'dax';
}
