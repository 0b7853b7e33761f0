/**
 * The hidden state of a live object. A top-level view owns one ViewState; views of embedded structs
 * share their parent's state and add their relative offset. Symbols keep the state out of
 * Object.keys / JSON / class-transformer.
 */
import type { CacheEntry } from '../cache/CacheEntry';
import type { TypeLayout } from '../layout';

export const STATE = Symbol('pmemts.state');
export const REL = Symbol('pmemts.rel');
/** On each per-class view prototype: the layout of that class (an embedded struct's own, not its parent's). */
export const LAYOUT = Symbol('pmemts.layout');

/** `offset` of a view whose object was freed (committed) or whose allocation was rolled back. */
export const DEAD = -1;

export class ViewState {
  /** Pool offset of the object, or DEAD. */
  offset: number;
  /** DRAM copy under write-back, null when not cached (or write-through). */
  cache: CacheEntry | null = null;
  /** Where the DRAM copy's bytes are (set and cleared by the DRAM tier with `cache`): what a cached read needs. */
  cacheView: DataView | null = null;
  cacheAt = -1;
  /** CLOCK's second-chance bit for the DRAM copy. */
  cacheUsed = false;
  /** Id of the transaction that already snapshotted (or allocated) this object. */
  snapshotTx = 0;

  constructor(
    offset: number,
    readonly layout: TypeLayout,
    readonly session: object,
  ) {
    this.offset = offset;
  }
}

/** A live object: an instance of the user's class whose fields are accessors over pool memory. */
export interface View {
  [STATE]: ViewState;
  [REL]: number;
  readonly [LAYOUT]: TypeLayout;
}

/** Whether `view` is an embedded struct (a part of its parent object) rather than a whole object. */
export function isStructView(view: View): boolean {
  return view[LAYOUT] !== view[STATE].layout;
}

export function isView(value: unknown): value is View {
  return typeof value === 'object' && value !== null && STATE in value;
}
