/**
 * Per pool session state the collections share: mutation counters that invalidate iterators, and the
 * undo bookkeeping of the running transaction (nodes it allocated need no undo copy; a word already
 * logged is not logged again).
 */
import { InvalidObjectError } from '@pmemts/native';
import type { SessionHost } from '../objects/session-host';

/** Mutation state of one collection, keyed by the pool address of its field slot. */
export interface CollectionEpoch {
  /** Bumped by every mutation: an iterator made before it fails on its next step. */
  version: number;
  /** Id of the last transaction that mutated the collection (an abort rolls its changes back). */
  lastTx: number;
}

export class CollectionSession {
  private readonly epochs = new Map<number, CollectionEpoch>();
  private txId = -1;
  private readonly fresh = new Set<number>();
  private readonly logged = new Set<number>();

  constructor(readonly session: SessionHost) {}

  epoch(slotAddress: number): CollectionEpoch {
    let epoch = this.epochs.get(slotAddress);
    if (epoch === undefined) {
      epoch = { version: 0, lastTx: -1 };
      this.epochs.set(slotAddress, epoch);
    }
    return epoch;
  }

  /** Makes every iterator made so far fail on its next step (their node offsets may have moved). */
  invalidateIterators(): void {
    for (const epoch of this.epochs.values()) epoch.version++;
  }

  /** Records a mutation of the collection at `slotAddress` in the running transaction. */
  mutated(slotAddress: number): void {
    const epoch = this.epoch(slotAddress);
    epoch.version++;
    epoch.lastTx = this.session.tx.id;
  }

  private sync(): void {
    const id = this.session.tx.id;
    if (id !== this.txId) {
      this.txId = id;
      this.fresh.clear();
      this.logged.clear();
    }
  }

  /** Allocates a zeroed node in the running transaction; its stores need no undo copy. */
  allocate(size: number, typeNum: number, what: string): number {
    this.sync();
    const offset = this.session.tx.allocate(size, typeNum, what);
    this.fresh.add(offset);
    return offset;
  }

  isFresh(node: number): boolean {
    this.sync();
    return this.fresh.has(node);
  }

  /** Undo-logs [offset, offset + size) of `node` unless the node is new in this transaction. */
  log(node: number, offset: number, size: number, what: string): void {
    this.sync();
    if (this.fresh.has(node)) return;
    this.session.tx.snapshotRange(offset, size, what);
  }

  /** Undo-logs an 8-byte word once per transaction (counts, bitmaps, chain pointers). */
  logWord(node: number, offset: number, what: string): void {
    this.sync();
    if (this.fresh.has(node) || this.logged.has(offset)) return;
    this.session.tx.snapshotRange(offset, 8, what);
    this.logged.add(offset);
  }

  free(node: number, what: string): void {
    this.sync();
    this.session.tx.free(null, node, what);
  }
}

const sessions = new WeakMap<SessionHost, CollectionSession>();

export function collectionSession(session: SessionHost): CollectionSession {
  let state = sessions.get(session);
  if (state === undefined) {
    state = new CollectionSession(session);
    sessions.set(session, state);
  }
  return state;
}

export function iteratorInvalidated(what: string): InvalidObjectError {
  return new InvalidObjectError(`${what} changed since this iterator was made; make a new iterator (or collect the keys first, then change the collection)`, 'COLLECTION_MODIFIED');
}
