/**
 * The DRAM tier in front of PMEM for write-back classes. Each cached object has one CacheEntry.
 * Clean entries are evicted under the byte budget with CLOCK (second chance), an LRU approximation
 * that costs one store per access instead of a list move; dirty entries are never evicted: they leave
 * only by commit/flush (then clean) or abort (then dropped).
 */
import { CacheEntry, type CacheOwner } from './CacheEntry';
import type { PoolStats } from '../pool/stats';

export class DramCache {
  private readonly ring: CacheEntry[] = [];
  private hand = 0;
  heldBytes = 0;

  constructor(
    readonly budget: number,
    private readonly stats: PoolStats,
  ) {}

  /** Copies the object's bytes from the mapping into a new entry (a miss). */
  load(state: CacheOwner, pmem: Uint8Array): CacheEntry {
    const size = state.layout.size;
    const entry = new CacheEntry(state, size);
    entry.bytes.set(pmem.subarray(state.offset, state.offset + size));
    this.admit(entry);
    this.stats.cacheMisses++;
    return entry;
  }

  /** An entry for an object allocated in the running transaction: its bytes start as zeros. */
  fresh(state: CacheOwner): CacheEntry {
    const entry = new CacheEntry(state, state.layout.size);
    entry.fresh = true;
    this.admit(entry);
    return entry;
  }

  /** Forgets an entry (abort, free, close); the next access reloads from PMEM. */
  drop(entry: CacheEntry): void {
    const i = this.ring.indexOf(entry);
    if (i >= 0) {
      this.ring.splice(i, 1);
      if (this.hand > i) this.hand--;
      this.heldBytes -= entry.bytes.byteLength;
    }
    if (entry.owner.cache === entry) entry.owner.cache = null;
  }

  clear(): void {
    for (const entry of this.ring) entry.owner.cache = null;
    this.ring.length = 0;
    this.hand = 0;
    this.heldBytes = 0;
  }

  /** Evicts clean entries until the budget holds with `room` bytes to spare (or only dirty entries remain). */
  evictToBudget(room = 0): void {
    let scanned = 0;
    while (this.heldBytes + room > this.budget && this.ring.length > 0 && scanned < 2 * this.ring.length) {
      if (this.hand >= this.ring.length) this.hand = 0;
      const entry = this.ring[this.hand];
      scanned++;
      if (entry.dirty || entry.fresh) {
        this.hand++;
      } else if (entry.referenced) {
        entry.referenced = false;
        this.hand++;
      } else {
        this.ring.splice(this.hand, 1);
        this.heldBytes -= entry.bytes.byteLength;
        entry.owner.cache = null;
        this.stats.cacheEvictions++;
        scanned = 0;
      }
    }
  }

  /** Makes room first, so the entry being admitted is never its own victim. */
  private admit(entry: CacheEntry): void {
    this.evictToBudget(entry.bytes.byteLength);
    entry.owner.cache = entry;
    this.ring.push(entry);
    this.heldBytes += entry.bytes.byteLength;
  }
}
