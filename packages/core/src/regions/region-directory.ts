/**
 * The persistent directory of named regions and block stores: two sections of the schema catalog,
 * `regions` (name -> { offset, bytes }) and `blocks` (name -> { offset, blockSize, count }), written in
 * the same libpmemobj transaction as the allocation they name, so a crash leaves both or neither.
 */
import { PoolCorruptError } from '@pmemts/native';
import { BLOCK_STORE_TYPE_NUM, REGION_TYPE_NUM } from '@pmemts/decorators';
import { readCatalog, updateCatalogSection, type Catalog } from '../pool/catalog';
import type { PoolSession } from '../pool/PoolSession';

export { BLOCK_STORE_TYPE_NUM, REGION_TYPE_NUM };

/** A region as the catalog's `regions` section records it. */
export interface RegionEntry {
  /** Offset of its allocation from the pool base. */
  readonly offset: number;
  /** Its size in bytes. */
  readonly bytes: number;
}

/** A block store as the catalog's `blocks` section records it. */
export interface BlockStoreEntry {
  /** Offset of its allocation from the pool base. */
  readonly offset: number;
  /** Bytes of one block. */
  readonly blockSize: number;
  /** Blocks (LBAs 0 to count - 1). */
  readonly count: number;
}

/** The catalog sections of the directory, each with the entry type it maps names to. */
export interface RegionDirectories {
  /** Regions made by `pool.region`. */
  regions: RegionEntry;
  /** Block stores made by `pool.blocks`. */
  blocks: BlockStoreEntry;
}

const FIELDS: { [K in keyof RegionDirectories]: (keyof RegionDirectories[K])[] } = { regions: ['offset', 'bytes'], blocks: ['offset', 'blockSize', 'count'] };
const TYPE_NUMS: { [K in keyof RegionDirectories]: number } = { regions: REGION_TYPE_NUM, blocks: BLOCK_STORE_TYPE_NUM };

/**
 * Every entry of one section of a catalog, shape-checked (no pool access): what the CLI lists.
 * @throws {PoolCorruptError} REGION_DIRECTORY_CORRUPT when the section is not a map of well-formed entries.
 */
export function directoryOf<K extends keyof RegionDirectories>(catalog: Catalog | null, section: K, file: string): Map<string, RegionDirectories[K]> {
  const raw = catalog?.sections?.[section];
  const entries = new Map<string, RegionDirectories[K]>();
  if (raw === undefined) return entries;
  const corrupt = (what: string) => new PoolCorruptError(`${file}: the catalog's ${section} directory is corrupt: ${what}`, 'REGION_DIRECTORY_CORRUPT');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw corrupt('not an object');
  for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
    const ok = typeof entry === 'object' && entry !== null && FIELDS[section].every((f) => Number.isSafeInteger((entry as Record<string, unknown>)[f as string]) && ((entry as Record<string, number>)[f as string]) > 0);
    if (!ok) throw corrupt(`entry '${name}' is malformed`);
    entries.set(name, entry as RegionDirectories[K]);
  }
  return entries;
}

/**
 * The entry named `name` in the pool's directory, checked against the heap (a live allocation of the
 * section's type number, big enough), or undefined when there is none.
 * @throws {PoolCorruptError} REGION_DIRECTORY_CORRUPT when the entry names no such allocation.
 */
export function findEntry<K extends keyof RegionDirectories>(session: PoolSession, rootOffset: number, section: K, name: string, minBytes: (entry: RegionDirectories[K]) => number): RegionDirectories[K] | undefined {
  const file = session.native.path;
  const entry = directoryOf(readCatalog(session, rootOffset), section, file).get(name);
  if (entry === undefined) return undefined;
  const native = session.native;
  const live = native.isObject(entry.offset) && native.typeNum(entry.offset) === TYPE_NUMS[section] && native.usableSize(entry.offset) >= minBytes(entry);
  if (!live) throw new PoolCorruptError(`${file}: the ${section} directory's entry '${name}' names no live allocation of its kind at ${entry.offset}`, 'REGION_DIRECTORY_CORRUPT');
  return entry;
}

/**
 * Allocates `bytes` zeroed bytes of the section's type, lets `init` write them (fresh allocations need
 * no snapshot), and records `name` in the directory, all in one transaction of its own.
 */
export function createEntry<K extends keyof RegionDirectories>(
  session: PoolSession,
  rootOffset: number,
  section: K,
  name: string,
  bytes: number,
  entryOf: (offset: number) => RegionDirectories[K],
  init: (offset: number) => void,
): RegionDirectories[K] {
  return session.tx.atomically(() => {
    const offset = session.tx.allocate(bytes, TYPE_NUMS[section], `${section}: create '${name}'`);
    init(offset);
    const entry = entryOf(offset);
    const current = readCatalog(session, rootOffset)?.sections?.[section] as Record<string, unknown> | undefined;
    updateCatalogSection(session, rootOffset, section, { ...(current ?? {}), [name]: entry });
    return entry;
  });
}

/**
 * Every allocation the directory names, offset -> `(region name)` or `(block store name)`: the extra
 * roots a reachability walk needs (the deep check, so that regions are neither unknown types nor
 * leaks). Not shape-checked beyond directoryOf: a walk only reaches offsets that are in its heap.
 */
export function directoryAllocations(session: PoolSession, rootOffset: number): Map<number, string> {
  const catalog = readCatalog(session, rootOffset);
  const file = session.native.path;
  const named = new Map<number, string>();
  for (const [name, entry] of directoryOf(catalog, 'regions', file)) named.set(entry.offset, `(region ${name})`);
  for (const [name, entry] of directoryOf(catalog, 'blocks', file)) named.set(entry.offset, `(block store ${name})`);
  return named;
}
