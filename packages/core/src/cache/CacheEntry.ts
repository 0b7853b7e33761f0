/**
 * The object a DRAM copy belongs to: a live object's ViewState, seen only as far as the tier needs.
 * The read path needs only the owner: `cacheView` and `cacheAt` locate the copy in the tier's arena,
 * so a cached read touches the owner and the copy's bytes, not this entry.
 */
export interface CacheOwner {
  /** Pool offset of the object (negative once it is dead). */
  readonly offset: number;
  readonly layout: { readonly size: number };
  /** The owner's current DRAM copy, or null. */
  cache: CacheEntry | null;
  /** The arena chunk holding the copy (null when not cached) and the copy's first byte in it. */
  cacheView: DataView | null;
  cacheAt: number;
  /** Second-chance bit of the CLOCK eviction (set on every access). */
  cacheUsed: boolean;
}

/** The DRAM copy of one write-back object (`size` bytes at `at` in `bytes`), with its dirty range (coalesced to one [lo, hi) span). */
export class CacheEntry {
  dirtyLo = Infinity;
  dirtyHi = 0;
  /** Allocated in the running transaction: copied without a snapshot at commit. */
  fresh = false;
  /** Where the DRAM tier's ring holds this entry (kept by the tier). */
  ringIndex = -1;

  constructor(
    readonly owner: CacheOwner,
    readonly size: number,
    /** The arena chunk holding the copy (shared with other entries) and where in it the copy starts. */
    readonly bytes: Uint8Array,
    readonly view: DataView,
    readonly at: number,
  ) {}

  get dirty(): boolean {
    return this.dirtyHi > this.dirtyLo;
  }

  /** The copy's bytes [lo, hi) (relative to the object). */
  slice(lo: number, hi: number): Uint8Array {
    return this.bytes.subarray(this.at + lo, this.at + hi);
  }

  markDirty(at: number, length: number): void {
    if (at < this.dirtyLo) this.dirtyLo = at;
    if (at + length > this.dirtyHi) this.dirtyHi = at + length;
  }

  clean(): void {
    this.dirtyLo = Infinity;
    this.dirtyHi = 0;
    this.fresh = false;
  }
}
