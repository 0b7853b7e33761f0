/**
 * The 16-byte field slot of a map or vector: a PMEMoid {uuid_lo, offset} of the collection's header,
 * OID_NULL while the collection has never held anything (an empty collection). The slot is written
 * once, in the transaction that allocates the header, through to the pool; a write-back object's DRAM
 * copy mirrors it (as heap string slots do), so flushing the copy never writes a stale slot back.
 */
import { PoolCorruptError } from '@pmemts/native';
import type { SessionHost } from '../objects/session-host';
import type { ViewState } from '../objects/view-state';
import { readOffset, writeOffset } from './node-format';

export class CollectionSlot {
  /** The pool's uuid_lo as two u32 halves: the slot's tag is checked on every access, without a bigint. */
  private readonly uuidLow: number;
  private readonly uuidHigh: number;

  constructor(
    readonly session: SessionHost,
    readonly state: ViewState,
    /** Offset of the slot inside the owning object (embedded structs included). */
    readonly at: number,
    /** `Class.field`, for errors and undo-log labels. */
    readonly what: string,
  ) {
    this.uuidLow = Number(session.uuidLo & 0xffffffffn);
    this.uuidHigh = Number(session.uuidLo >> 32n);
  }

  /** Pool address of the slot. @throws {InvalidObjectError} owner freed, {PoolClosedError} pool closed. */
  address(): number {
    const offset = this.state.offset;
    if (offset < 0) this.session.deadView(this.state);
    return offset + this.at;
  }

  /** Offset of the header, or 0 for a collection that never held anything. */
  header(): number {
    const address = this.address();
    const dv = this.session.dv;
    const header = readOffset(dv, address + 8);
    if (header !== 0 && (dv.getUint32(address, true) !== this.uuidLow || dv.getUint32(address + 4, true) !== this.uuidHigh)) {
      throw new PoolCorruptError(`${this.what}: the collection's PMEMoid names another pool (pool data is invalid)`, 'FIELD_CORRUPT');
    }
    return header;
  }

  /** Points the slot at a header allocated in the running transaction. */
  setHeader(header: number): void {
    const session = this.session;
    const address = this.address();
    session.tx.snapshotRange(address, 16, `store to ${this.what}`);
    session.dv.setBigUint64(address, header === 0 ? 0n : session.uuidLo, true);
    writeOffset(session.dv, address + 8, header);
    // A write-back owner's DRAM copy mirrors the slot (and is resynced if the transaction aborts).
    const entry = this.state.cache;
    if (entry !== null) entry.bytes.set(session.pmemBytes().subarray(address, address + 16), entry.at + this.at);
    session.tx.noteThroughSlot(this.state, this.at, 16);
  }
}
