/**
 * `pool.region(name, bytes)` and `pool.blocks(name, options)`: find a named region or block store in the
 * pool's directory or create it, and hand out one object per name per pool session (a block store's
 * free block lives in that object, so two objects over one store would hand it out twice).
 */
import { MAX_ALLOC_SIZE, PoolError, TransactionError } from '@pmemts/native';
import type { PoolSession } from '../pool/PoolSession';
import { requireInteger, requireName } from './arguments';
import { BlockStore, blockStoreBytes, initBlockStore, MAX_BLOCK_COUNT, MAX_BLOCK_SIZE, type BlockStoreOptions } from './BlockStore';
import { createEntry, findEntry } from './region-directory';
import { Region } from './Region';

export { Region } from './Region';
export { BlockStore, type BlockStoreOptions } from './BlockStore';
export { directoryOf, REGION_TYPE_NUM, BLOCK_STORE_TYPE_NUM, type RegionEntry, type BlockStoreEntry, type RegionDirectories } from './region-directory';

const opened = new WeakMap<PoolSession, { regions: Map<string, Region>; blocks: Map<string, BlockStore> }>();

function openedIn(session: PoolSession) {
  let maps = opened.get(session);
  if (maps === undefined) opened.set(session, (maps = { regions: new Map(), blocks: new Map() }));
  return maps;
}

/** Creating joins no transaction: an abort would leave a Region over freed memory. */
function refuseInTransaction(session: PoolSession, where: string, name: string): void {
  if (session.tx.active) throw new TransactionError(`${where}: '${name}' does not exist yet, and cannot be created inside runTransaction; create it before`, 'TX_OPEN');
}

export function openRegion(session: PoolSession, rootOffset: number, name: string, bytes: number): Region {
  requireName('region', name);
  requireInteger('region', 'bytes', bytes, 1, MAX_ALLOC_SIZE);
  const cache = openedIn(session).regions;
  const known = cache.get(name);
  const entry = known === undefined ? findEntry(session, rootOffset, 'regions', name, (e) => e.bytes) : { offset: known.offset, bytes: known.size };
  if (entry !== undefined && entry.bytes !== bytes) {
    throw new PoolError(`region: '${name}' exists with ${entry.bytes} bytes; bytes must be ${entry.bytes}, got ${bytes}`, 'REGION_SIZE_MISMATCH');
  }
  if (known !== undefined) return known;
  if (entry === undefined) refuseInTransaction(session, 'region', name);
  const { offset } = entry ?? createEntry(session, rootOffset, 'regions', name, bytes, (offset) => ({ offset, bytes }), () => undefined);
  const region = new Region(session, name, offset, bytes);
  cache.set(name, region);
  return region;
}

/** `options` may be left out to open an existing store with the geometry it was created with. */
export function openBlockStore(session: PoolSession, rootOffset: number, name: string, options?: BlockStoreOptions): BlockStore {
  requireName('blocks', name);
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null) throw new TypeError('blocks: options must be an object { blockSize, count }');
    requireInteger('blocks', 'options.blockSize', options.blockSize, 1, MAX_BLOCK_SIZE);
    requireInteger('blocks', 'options.count', options.count, 1, MAX_BLOCK_COUNT);
    if (blockStoreBytes(options) > MAX_ALLOC_SIZE) throw new RangeError(`blocks: ${options.count} blocks of ${options.blockSize} bytes exceed the largest allocation (${MAX_ALLOC_SIZE} bytes)`);
  }
  const cache = openedIn(session).blocks;
  const known = cache.get(name);
  const entry = known ?? findEntry(session, rootOffset, 'blocks', name, blockStoreBytes);
  if (entry !== undefined && options !== undefined && (entry.blockSize !== options.blockSize || entry.count !== options.count)) {
    throw new PoolError(`blocks: '${name}' exists with ${entry.count} blocks of ${entry.blockSize} bytes, not ${options.count} of ${options.blockSize}`, 'BLOCKS_GEOMETRY_MISMATCH');
  }
  if (known !== undefined) return known;
  if (entry === undefined && options === undefined) throw new TypeError(`blocks: there is no block store '${name}'; pass options { blockSize, count } to create it`);
  if (entry === undefined) refuseInTransaction(session, 'blocks', name);
  const geometry = entry ?? options!;
  const { offset } = entry ?? createEntry(session, rootOffset, 'blocks', name, blockStoreBytes(geometry), (offset) => ({ offset, blockSize: geometry.blockSize, count: geometry.count }), (offset) => initBlockStore(session, offset, geometry));
  const store = new BlockStore(session, name, offset, geometry.blockSize, geometry.count);
  cache.set(name, store);
  return store;
}
