/**
 * A raw persistent byte region (access mode 1, memory-mapped): a named allocation of the pool that the
 * application lays out itself (a ring buffer, an image, a tensor). `bytes` is the mapping itself, so
 * stores through it are plain memory stores; they are durable once persisted (`persist`, or
 * `flush` + `drain`), or atomic with a transaction when snapshotted into it first (`snapshot`).
 */
import { TransactionError, type NativePool } from '@pmemts/native';
import type { PoolSession } from '../pool/PoolSession';
import { requireBytes, requireInteger, requireRange } from './arguments';

export class Region {
  private view: Uint8Array;

  /** @internal Made by `pool.region(name, bytes)`. */
  constructor(
    private readonly session: PoolSession,
    /** Its name in the pool's region directory. */
    readonly name: string,
    /** Offset of its first byte from the pool base (what `pmemts` tools and C programs address). */
    readonly offset: number,
    /** Its size in bytes. */
    readonly size: number,
  ) {
    this.view = session.pmemBytes().subarray(offset, offset + size);
  }

  /**
   * The region's bytes: a `Uint8Array` over the pool's mapping (zero copy). Stores through it reach
   * the pool at once but are durable only once persisted. After `pool.close()` the getter throws, and
   * an array taken before has length 0 (its buffer is detached): reads give undefined, stores are lost.
   * @throws {PoolClosedError} when the pool is closed.
   */
  get bytes(): Uint8Array {
    this.live();
    return this.view;
  }

  /**
   * Makes [offset, offset + length) durable: cache-line flushes and a fence on persistent memory, an
   * msync of the touched pages on an ordinary file. @defaultValue the whole region
   * @throws {TypeError} for a non-integer offset or length. @throws {RangeError} for a range that is not inside the region.
   * @throws {PoolClosedError} when the pool is closed.
   */
  persist(offset = 0, length = this.size - offset): void {
    const native = this.live();
    requireRange('Region.persist', offset, length, this.size);
    if (length > 0) native.persist(this.offset + offset, length);
  }

  /**
   * Flushes [offset, offset + length) without the fence: call `drain()` once after several flushes.
   * @throws {TypeError} for a non-integer offset or length. @throws {RangeError} for a range that is not inside the region.
   * @throws {PoolClosedError} when the pool is closed.
   */
  flush(offset = 0, length = this.size - offset): void {
    const native = this.live();
    requireRange('Region.flush', offset, length, this.size);
    if (length > 0) native.flush(this.offset + offset, length);
  }

  /** The fence that completes earlier `flush` calls (of this region or any other part of the pool). @throws {PoolClosedError} when the pool is closed. */
  drain(): void {
    this.live().drain();
  }

  /**
   * Copies `source` to `offset` and persists it (libpmem's memcpy: non-temporal stores for large
   * copies, then a fence). Not atomic: a power failure can leave part of the copy.
   * @throws {TypeError} when source is not a Uint8Array or offset not an integer. @throws {RangeError} when the copy does not fit inside the region.
   * @throws {PoolClosedError} when the pool is closed.
   */
  memcpyPersist(offset: number, source: Uint8Array): void {
    const native = this.live();
    requireBytes('Region.memcpyPersist', 'source', source);
    requireRange('Region.memcpyPersist', offset, source.length, this.size);
    if (source.length > 0) native.memcpyPersist(this.offset + offset, source);
  }

  /**
   * Fills [offset, offset + length) with `byte` and persists it. Not atomic.
   * @throws {TypeError} for a non-integer offset, byte or length. @throws {RangeError} for a byte outside [0, 255] or a range not inside the region.
   * @throws {PoolClosedError} when the pool is closed.
   */
  memsetPersist(offset: number, byte: number, length: number): void {
    const native = this.live();
    requireInteger('Region.memsetPersist', 'byte', byte, 0, 255);
    requireRange('Region.memsetPersist', offset, length, this.size);
    if (length > 0) native.memsetPersist(this.offset + offset, byte, length);
  }

  /**
   * Joins [offset, offset + length) to the running transaction: its current bytes go to libpmemobj's
   * undo log, so an abort (or a crash before the commit) restores them, and the commit persists
   * whatever was stored there meanwhile. Call it before storing through `bytes`.
   * @throws {TransactionError} TX_REQUIRED outside runTransaction. @throws {OutOfSpaceError} when the undo log has no room (the transaction aborts).
   * @throws {TypeError} for a non-integer offset or length. @throws {RangeError} for a range that is not inside the region.
   * @throws {PoolClosedError} when the pool is closed.
   */
  snapshot(offset: number, length: number): void {
    this.live();
    requireRange('Region.snapshot', offset, length, this.size);
    const tx = this.session.tx;
    if (!tx.active) throw new TransactionError('Region.snapshot must run inside runTransaction()', 'TX_REQUIRED');
    if (length > 0) tx.snapshotRange(this.offset + offset, length, `Region.snapshot(${this.name})`);
  }

  private live(): NativePool {
    if (this.session.closed) throw this.session.closedError();
    return this.session.native;
  }
}
