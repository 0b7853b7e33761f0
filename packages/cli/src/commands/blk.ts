/**
 * `pmemts blk`: the pool's block stores (pool.blocks): their geometry and where they live; one store's
 * map (checked when it opens: every physical block named at most once) and free block; one block's bytes.
 */
import { directoryOf } from '@pmemts/core';
import { UsageError } from '../errors';
import type { Inspected } from '../open';
import { integerOption } from '../options';

export interface BlockStoreRow {
  name: string;
  blockSize: number;
  count: number;
  offset: number;
}

export type BlkResult =
  | { stores: BlockStoreRow[] }
  | (BlockStoreRow & { freeBlock: number; map: 'valid' })
  | (BlockStoreRow & { lba: number; physicalBlock: number; hex: string });

export function blk({ pool, catalog, file }: Inspected, name: string | undefined, options: { lba?: string }): BlkResult {
  const directory = directoryOf(catalog, 'blocks', file);
  if (name === undefined) {
    if (options.lba !== undefined) throw new UsageError('--lba needs a block store name: pmemts blk <pool> <store> --lba <n>');
    return { stores: [...directory].map(([storeName, e]) => ({ name: storeName, blockSize: e.blockSize, count: e.count, offset: e.offset })) };
  }
  if (!directory.has(name)) throw new UsageError(`no block store '${name}' in this pool${directory.size === 0 ? ' (it has none)' : `; it has ${[...directory.keys()].join(', ')}`}`);
  const store = pool.blocks(name);
  const row: BlockStoreRow = { name, blockSize: store.blockSize, count: store.count, offset: store.offset };
  if (options.lba === undefined) return { ...row, freeBlock: store.freeBlock, map: 'valid' };
  const lba = integerOption('--lba', options.lba, 0, store.count - 1);
  return { ...row, lba, physicalBlock: store.physicalBlock(lba), hex: Buffer.from(store.read(lba)).toString('hex') };
}

/** A block as a hex dump: 16 bytes a line, each line headed by its offset in the block. */
export function hexDump(hex: string): string {
  const lines: string[] = [];
  for (let at = 0; at < hex.length; at += 32) {
    const pairs = hex.slice(at, at + 32).match(/../g) ?? [];
    lines.push(`${(at / 2).toString(16).padStart(8, '0')}  ${pairs.join(' ')}`);
  }
  return lines.join('\n');
}
