/**
 * A block store (access mode 3, a block device): `count` blocks of `blockSize` bytes, addressed by LBA,
 * where each `write(lba, data)` is power-fail atomic: a read after any crash returns the whole old or
 * the whole new block, never a mix (libpmemblk's BTT contract, built on the pool).
 *
 * Layout of its allocation (little-endian, offsets from the allocation's start):
 *   0   u64 magic "PMEMBLK1" | 8 u32 blockSize | 12 u32 count | 16 u64 data offset | 24..63 zero
 *   64  map: `count` u64 entries, entry `lba` = the physical block holding that LBA
 *   data offset (64-byte aligned in the pool): `count + 1` physical blocks
 * There is one physical block more than LBAs; the one no map entry names is free. A write copies the
 * new data into the free block and persists it, then stores the LBA's map entry (one aligned 8-byte
 * store, atomic on x86-64) and persists it; the displaced block becomes the free one. A crash before the
 * entry is durable leaves the old mapping (the half-written free block is unreachable), after it the
 * new one; either way exactly one block is unnamed, and opening finds it again by scanning the map.
 */
import { PoolCorruptError, TransactionError, type NativePool } from '@pmemts/native';
import type { PoolSession } from '../pool/PoolSession';
import { requireBytes, requireInteger } from './arguments';

const MAGIC = 0x314b4c424d454d50n; // "PMEMBLK1" read as little-endian u64
export const BLOCK_HEADER_SIZE = 64;
const ALIGN = 64;
/** Largest block: 16 MiB. */
export const MAX_BLOCK_SIZE = 1 << 24;
/** Most blocks in one store: the map's entries and the header's count are 32-bit values. */
export const MAX_BLOCK_COUNT = 0xfffffffe;

/** Geometry of a block store: `pool.blocks(name, { blockSize, count })`. */
export interface BlockStoreOptions {
  /** Bytes of one block, 1 to 16 MiB (a multiple of 64, e.g. 512 or 4096, keeps every block cache-line aligned). */
  blockSize: number;
  /** Number of blocks (LBAs 0 to count - 1), at least 1. */
  count: number;
}

/** Bytes to allocate for a store of this geometry: header, map, alignment slack, count + 1 blocks. */
export function blockStoreBytes({ blockSize, count }: BlockStoreOptions): number {
  return BLOCK_HEADER_SIZE + 8 * count + ALIGN + (count + 1) * blockSize;
}

/** Writes the header and the identity map into a fresh (zeroed, not yet committed) allocation at `base`. */
export function initBlockStore(session: PoolSession, base: number, { blockSize, count }: BlockStoreOptions): void {
  const dv = session.dv;
  const data = alignUp(base + BLOCK_HEADER_SIZE + 8 * count, ALIGN) - base;
  dv.setBigUint64(base, MAGIC, true);
  dv.setUint32(base + 8, blockSize, true);
  dv.setUint32(base + 12, count, true);
  dv.setBigUint64(base + 16, BigInt(data), true);
  const map = new BigUint64Array(session.native.buffer, base + BLOCK_HEADER_SIZE, count);
  for (let lba = 0; lba < count; lba++) map[lba] = BigInt(lba);
}

export class BlockStore {
  private readonly map: BigUint64Array;
  private readonly data: number;
  /** The physical block no map entry names: the next write's destination. */
  private free: number;

  /**
   * @internal Made by `pool.blocks(name, options)`: checks the header against the directory's geometry and finds the free block.
   * @throws {PoolCorruptError} BLOCK_STORE_CORRUPT when the header or the map is not a valid store's.
   */
  constructor(
    private readonly session: PoolSession,
    /** Its name in the pool's block-store directory. */
    readonly name: string,
    /** Offset of its allocation (header, map, blocks) from the pool base. */
    readonly offset: number,
    /** Bytes of one block. */
    readonly blockSize: number,
    /** Number of blocks (LBAs 0 to count - 1). */
    readonly count: number,
  ) {
    const dv = session.dv;
    const corrupt = (what: string) => new PoolCorruptError(`${session.native.path}: block store '${name}' at ${offset}: ${what}`, 'BLOCK_STORE_CORRUPT');
    if (dv.getBigUint64(offset, true) !== MAGIC) throw corrupt('bad magic');
    if (dv.getUint32(offset + 8, true) !== blockSize || dv.getUint32(offset + 12, true) !== count) throw corrupt('its header disagrees with the directory');
    this.data = offset + Number(dv.getBigUint64(offset + 16, true));
    if (this.data !== alignUp(offset + BLOCK_HEADER_SIZE + 8 * count, ALIGN)) throw corrupt('bad data offset');
    this.map = new BigUint64Array(session.native.buffer, offset + BLOCK_HEADER_SIZE, count);
    const named = new Uint8Array(count + 1);
    for (let lba = 0; lba < count; lba++) {
      const physical = this.map[lba];
      if (physical > BigInt(count) || named[Number(physical)] !== 0) throw corrupt(`map entry ${lba} (${physical}) is out of range or names a block twice`);
      named[Number(physical)] = 1;
    }
    this.free = named.indexOf(0);
  }

  /**
   * The block at `lba`, copied into `target` (exactly blockSize bytes) or a new array.
   * @throws {TypeError} for a non-integer lba or a target that is not a Uint8Array. @throws {RangeError} for an lba outside [0, count) or a target of another length.
   * @throws {PoolClosedError} when the pool is closed.
   */
  read(lba: number, target?: Uint8Array): Uint8Array {
    const u8 = this.live();
    requireInteger('BlockStore.read', 'lba', lba, 0, this.count - 1);
    if (target !== undefined) this.requireBlock('BlockStore.read', 'target', target);
    const at = this.data + Number(this.map[lba]) * this.blockSize;
    const out = target ?? new Uint8Array(this.blockSize);
    out.set(u8.subarray(at, at + this.blockSize));
    return out;
  }

  /**
   * Replaces the block at `lba` with `data`, atomically across a crash or power failure, and durably
   * when it returns (at the durability of the pool's mode). A block write is a commit of its own: it
   * cannot run inside runTransaction, whose abort could not undo it.
   * @throws {TypeError} for a non-integer lba or data that is not a Uint8Array. @throws {RangeError} for an lba outside [0, count) or data that is not exactly blockSize bytes.
   * @throws {TransactionError} TX_OPEN inside runTransaction. @throws {PoolClosedError} when the pool is closed.
   */
  write(lba: number, data: Uint8Array): void {
    this.live();
    requireInteger('BlockStore.write', 'lba', lba, 0, this.count - 1);
    this.requireBlock('BlockStore.write', 'data', data);
    if (this.session.tx.active) throw new TransactionError('BlockStore.write is atomic on its own and cannot run inside runTransaction', 'TX_OPEN');
    const native: NativePool = this.session.native;
    const free = this.free;
    native.memcpyPersist(this.data + free * this.blockSize, data);
    const displaced = Number(this.map[lba]);
    // Atomics.store is one 8-byte store: the entry is never torn, so it names the old or the new block.
    Atomics.store(this.map, lba, BigInt(free));
    native.persist(this.map.byteOffset + 8 * lba, 8);
    this.free = displaced;
  }

  /**
   * The physical block that holds `lba` now (0 to count): for inspection (`pmemts blk`); it changes with every write.
   * @throws {TypeError} for a non-integer lba. @throws {RangeError} for an lba outside [0, count). @throws {PoolClosedError} when the pool is closed.
   */
  physicalBlock(lba: number): number {
    this.live();
    requireInteger('BlockStore.physicalBlock', 'lba', lba, 0, this.count - 1);
    return Number(this.map[lba]);
  }

  /** The physical block no LBA maps to: where the next write goes. For inspection. @throws {PoolClosedError} when the pool is closed. */
  get freeBlock(): number {
    this.live();
    return this.free;
  }

  private requireBlock(where: string, argument: string, bytes: unknown): void {
    requireBytes(where, argument, bytes);
    if (bytes.length !== this.blockSize) throw new RangeError(`${where}: ${argument} must be exactly ${this.blockSize} bytes (the block size), got ${bytes.length}`);
  }

  private live(): Uint8Array {
    return this.session.pmemBytes();
  }
}

function alignUp(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}
