/** The object a DRAM copy belongs to: a live object's ViewState, seen only as far as the tier needs. */
export interface CacheOwner {
  /** Pool offset of the object (negative once it is dead). */
  readonly offset: number;
  readonly layout: { readonly size: number };
  /** The owner's current DRAM copy, or null. */
  cache: CacheEntry | null;
}

/** The DRAM copy of one write-back object, with its dirty range (coalesced to one [lo, hi) span). */
export class CacheEntry {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Second-chance bit of the CLOCK eviction (set on every access). */
  referenced = true;
  dirtyLo = Infinity;
  dirtyHi = 0;
  /** Allocated in the running transaction: copied without a snapshot at commit. */
  fresh = false;

  constructor(
    readonly owner: CacheOwner,
    size: number,
  ) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  get dirty(): boolean {
    return this.dirtyHi > this.dirtyLo;
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
