/**
 * The DRAM tier in front of PMEM for write-back classes. Each cached object has one CacheEntry whose
 * bytes live in an arena of 1 MiB chunks (an object of 256 KiB or more gets a chunk of its own), so a
 * cached read is a DataView read on a chunk shared by thousands of objects, not on a small buffer of
 * its own (a per-object buffer cost two more cache misses per read). Freed slots are reused by size.
 * Clean entries are evicted under the byte budget with CLOCK (second chance), an LRU approximation
 * that costs one store per access instead of a list move; an entry leaves the ring in O(1) (the last
 * entry takes its place), so aborting or freeing many cached objects stays linear; dirty entries are never evicted: they leave
 * only by commit/flush (then clean) or abort (then dropped).
 */
import { CacheEntry, type CacheOwner } from './CacheEntry';
import type { PoolStats } from '../pool/stats';

const CHUNK_BYTES = 1 << 20;
/** Copies at least this big get a chunk of their own, returned when they leave. */
const OWN_CHUNK_BYTES = CHUNK_BYTES / 4;
/** Slot alignment in a shared chunk: keeps 8-byte fields of a copy 8-byte aligned. */
const SLOT_ALIGN = 8;

interface Chunk {
  bytes: Uint8Array;
  view: DataView;
}

export class DramCache {
  private readonly ring: CacheEntry[] = [];
  private hand = 0;
  heldBytes = 0;
  /** The shared chunk new slots are cut from, and how much of it is used. */
  private current: Chunk | null = null;
  private used = 0;
  /** Freed slots of shared chunks by slot size. */
  private readonly freeSlots = new Map<number, { chunk: Chunk; at: number }[]>();

  constructor(
    readonly budget: number,
    private readonly stats: PoolStats,
  ) {}

  /** Copies the object's bytes from the mapping into a new entry (a miss). */
  load(state: CacheOwner, pmem: Uint8Array): CacheEntry {
    const entry = this.admit(state);
    entry.bytes.set(pmem.subarray(state.offset, state.offset + entry.size), entry.at);
    this.stats.cacheMisses++;
    return entry;
  }

  /** An entry for an object allocated in the running transaction: its bytes start as zeros. */
  fresh(state: CacheOwner): CacheEntry {
    const entry = this.admit(state);
    entry.bytes.fill(0, entry.at, entry.at + entry.size);
    entry.fresh = true;
    return entry;
  }

  /** Forgets an entry (abort, free, close); the next access reloads from PMEM. */
  drop(entry: CacheEntry): void {
    if (this.ring[entry.ringIndex] === entry) {
      this.removeFromRing(entry.ringIndex);
      this.release(entry);
    }
    if (entry.owner.cache === entry) detach(entry.owner);
  }

  clear(): void {
    for (const entry of this.ring) detach(entry.owner);
    this.ring.length = 0;
    this.hand = 0;
    this.heldBytes = 0;
    this.current = null;
    this.used = 0;
    this.freeSlots.clear();
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
      } else if (entry.owner.cacheUsed) {
        entry.owner.cacheUsed = false;
        this.hand++;
      } else {
        // The ring's last entry takes this place and is looked at next.
        this.removeFromRing(this.hand);
        this.release(entry);
        detach(entry.owner);
        this.stats.cacheEvictions++;
        scanned = 0;
      }
    }
  }

  /** Makes room first, so the entry being admitted is never its own victim; then cuts its slot. */
  private admit(owner: CacheOwner): CacheEntry {
    const size = owner.layout.size;
    this.evictToBudget(size);
    const { chunk, at } = this.slot(size);
    const entry = new CacheEntry(owner, size, chunk.bytes, chunk.view, at);
    owner.cache = entry;
    owner.cacheView = chunk.view;
    owner.cacheAt = at;
    owner.cacheUsed = true;
    entry.ringIndex = this.ring.length;
    this.ring.push(entry);
    this.heldBytes += size;
    return entry;
  }

  /** O(1): the last entry moves into the hole (CLOCK's order is an approximation anyway). */
  private removeFromRing(index: number): void {
    this.ring[index].ringIndex = -1;
    const last = this.ring.pop() as CacheEntry;
    if (index < this.ring.length) {
      this.ring[index] = last;
      last.ringIndex = index;
    }
  }

  private slot(size: number): { chunk: Chunk; at: number } {
    if (size >= OWN_CHUNK_BYTES) return { chunk: newChunk(size), at: 0 };
    const rounded = roundSlot(size);
    const reused = this.freeSlots.get(rounded)?.pop();
    if (reused !== undefined) return reused;
    if (this.current === null || this.used + rounded > CHUNK_BYTES) {
      this.current = newChunk(CHUNK_BYTES);
      this.used = 0;
    }
    const at = this.used;
    this.used += rounded;
    return { chunk: this.current, at };
  }

  private release(entry: CacheEntry): void {
    this.heldBytes -= entry.size;
    if (entry.size >= OWN_CHUNK_BYTES) return; // its own chunk goes with it
    const rounded = roundSlot(entry.size);
    let list = this.freeSlots.get(rounded);
    if (list === undefined) this.freeSlots.set(rounded, (list = []));
    list.push({ chunk: { bytes: entry.bytes, view: entry.view }, at: entry.at });
  }
}

function newChunk(bytes: number): Chunk {
  const array = new Uint8Array(bytes);
  return { bytes: array, view: new DataView(array.buffer) };
}

function roundSlot(size: number): number {
  return Math.ceil(size / SLOT_ALIGN) * SLOT_ALIGN;
}

function detach(owner: CacheOwner): void {
  owner.cache = null;
  owner.cacheView = null;
  owner.cacheAt = -1;
}
