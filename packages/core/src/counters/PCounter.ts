/**
 * PCounter: the live handle of a counter field, a row of u64 stripes, each on a cache line of its
 * own (COUNTER_STRIPE_SIZE apart). Its value is the sum of the stripes; an add changes one stripe,
 * chosen by a per-object cursor in DRAM that moves on after every add, so consecutive adds (and the
 * flushes and undo-log entries behind them) land on different lines. A transaction keeps the stripe
 * its first add took: later adds of the same transaction fold into the line it already logs and flushes.
 *
 * An add is stored like a u64 field store of the owning class, with the undo snapshot narrowed to the
 * one stripe (docs/guarantees.md, "Counters").
 */
import { PoolCorruptError, TransactionError } from '@pmemts/native';
import type { FieldLayout, TypeLayout } from '../layout';
import { COUNTER_STRIPE_SIZE } from '../layout/offsets';
import { PersistenceLevel, WritePolicy, type ResolvedMemoryConfig } from '../memory/config';
import type { SessionHost } from '../objects/session-host';
import type { ViewState } from '../objects/view-state';

/** The largest value a counter holds: its stripes are u64 and so is its sum. */
export const COUNTER_MAX = 2n ** 64n - 1n;

/** Bytes from one stripe to the next (a module constant: hot loops read it without a module getter). */
const STRIDE = COUNTER_STRIPE_SIZE;

/** See PCounter.fits: stripes below 2^57 and an amount below 2^63 cannot take the sum past 2^64 - 1. */
const FAST_HIGH_WORD_LIMIT = 2 ** 25;
const FAST_AMOUNT_LIMIT = 2n ** 63n;

/** What a counter field's handles share (one per field per session). */
export class CounterType {
  readonly stripes: number;
  readonly what: string;
  readonly writeBack: boolean;
  readonly level: PersistenceLevel;

  constructor(readonly session: SessionHost, owner: TypeLayout, field: FieldLayout, memory: ResolvedMemoryConfig) {
    this.stripes = field.length!;
    this.what = `${owner.name}.${field.name}`;
    this.writeBack = memory.writePolicy === WritePolicy.WriteBack;
    this.level = memory.persistenceLevel;
  }
}

/**
 * A striped counter: `@Field({ type: 'counter', stripes: 8 }) hits!: PCounter`. Reading the field
 * gives the same handle each time; `hits.add(1)` counts, `hits.value` is the total. Adds follow the
 * owning class's memory settings like any field store: at the Transaction level they must run inside
 * `runTransaction` (they join it and roll back with it).
 */
export class PCounter {
  /** The stripe the next add takes (not persisted: a fresh session starts at a random one). */
  private cursor: number;
  /** The transaction whose adds go to `txStripe` (its first add logged that stripe), or 0. */
  private txId = 0;
  private txStripe = 0;
  /** Set by `locate`: the bytes the stripes are in (kept here so no read allocates). */
  private view: DataView | null = null;

  /** @internal Counters are made by their field's accessor. */
  constructor(
    private readonly type: CounterType,
    private readonly state: ViewState,
    /** Offset of the field in its object. */
    private readonly at: number,
  ) {
    if (!(type instanceof CounterType)) throw new TypeError("a PCounter is not constructed: declare a field @Field({ type: 'counter', stripes: 8 }) and read it from a live object");
    // A random start keeps short sessions (a process that adds once and exits) from all wearing stripe 0.
    this.cursor = Math.floor(Math.random() * type.stripes);
  }

  /** `'PCounter'`, for `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return 'PCounter';
  }

  /** Number of stripes (cache lines) the counter spreads its adds over. */
  get stripes(): number {
    return this.type.stripes;
  }

  /**
   * The counter's value: the sum of its stripes, as the last committed or in-flight adds left it.
   * @throws {InvalidObjectError} when the owning object was freed. @throws {PoolClosedError} after close.
   * @throws {PoolCorruptError} FIELD_CORRUPT when the stored stripes sum to more than 2^64 − 1.
   */
  get value(): bigint {
    const base = this.locate();
    return this.sum(this.view!, base);
  }

  /**
   * Adds `n` to the counter, in one stripe. At the Transaction level it joins the running transaction
   * (an abort rolls it back); at the Flush level it is flushed at once, at None it is not.
   * @param n - a non-negative integer: a bigint, or a safe-integer number.
   * @throws {TypeError} when `n` is not a bigint or a safe integer. @throws {RangeError} when `n` is
   * negative, or the value would exceed 2^64 − 1 (it does not wrap). Nothing is changed then.
   * @throws {TransactionError} TX_REQUIRED at the Transaction level outside `runTransaction`.
   * @throws {InvalidObjectError} when the owning object was freed. @throws {PoolClosedError} after close.
   */
  add(n: bigint | number): void {
    const type = this.type;
    const session = type.session;
    const state = this.state;
    const amount = this.amountOf(n);
    const tx = session.tx;
    const transactional = type.level === PersistenceLevel.Transaction;
    const base = this.locate();
    if (transactional && tx.depth === 0) throw storeOutside(type.what);
    const dv = this.view!;
    if (!this.fits(dv, base, amount)) {
      const total = this.sum(dv, base) + amount;
      if (total > COUNTER_MAX) throw new RangeError(`${type.what}.add(n): the value would be ${total}, over 2^64 - 1 (a counter does not wrap)`);
    }
    if (amount === 0n) return;

    const joined = transactional && this.txId === tx.id;
    const stripe = joined ? this.txStripe : this.cursor;
    const rel = this.at + stripe * STRIDE;
    if (type.writeBack) {
      const entry = state.cache!;
      dv.setBigUint64(base + stripe * STRIDE, dv.getBigUint64(base + stripe * STRIDE, true) + amount, true);
      if (transactional) tx.noteDirty(entry);
      else session.noteFlushDirty(entry);
      entry.markDirty(rel, 8);
    } else {
      const at = state.offset + rel;
      // An object snapshotted whole (or allocated) in this transaction needs no stripe snapshot.
      if (transactional && !joined && state.snapshotTx !== tx.id) tx.snapshotRange(at, 8, `add to ${type.what}`);
      dv.setBigUint64(at, dv.getBigUint64(at, true) + amount, true);
      if (transactional) session.stats.bytesPersisted += 8;
      else if (type.level === PersistenceLevel.Flush) session.persistRange(at, 8);
    }
    session.heat?.changed(8);
    if (!joined) {
      this.cursor = (stripe + 1) % type.stripes;
      if (transactional) {
        this.txId = tx.id;
        this.txStripe = stripe;
      }
    }
  }

  /** The counter's value as a string of decimal digits (JSON has no bigint). */
  toJSON(): string {
    return this.value.toString();
  }

  /**
   * Where the stripes are read and written: sets `view` to the DRAM copy under write-back (loaded on a
   * miss) or to the mapping, and returns the field's offset in it. Throws for a dead object.
   */
  private locate(): number {
    const type = this.type;
    const state = this.state;
    if (state.offset < 0) type.session.deadView(state);
    if (!type.writeBack) {
      this.view = type.session.dv;
      return state.offset + this.at;
    }
    const entry = state.cache ?? type.session.loadCache(state);
    state.cacheUsed = true;
    this.view = entry.view;
    return entry.at + this.at;
  }

  /**
   * A bound that spares the exact sum (BigInt arithmetic per stripe) on almost every add: with every
   * stripe below 2^57 (its high word below 2^25), 64 stripes sum to less than 2^63, and `amount` below
   * 2^63 keeps the total under 2^64.
   */
  private fits(dv: DataView, base: number, amount: bigint): boolean {
    if (amount >= FAST_AMOUNT_LIMIT) return false;
    for (let i = 0; i < this.type.stripes; i++) if (dv.getUint32(base + i * STRIDE + 4, true) >= FAST_HIGH_WORD_LIMIT) return false;
    return true;
  }

  private sum(dv: DataView, base: number): bigint {
    let sum = 0n;
    for (let i = 0; i < this.type.stripes; i++) sum += dv.getBigUint64(base + i * STRIDE, true);
    if (sum > COUNTER_MAX) throw new PoolCorruptError(`${this.type.what}: its stripes sum to ${sum}, over 2^64 - 1 (pool data is invalid)`, 'FIELD_CORRUPT');
    return sum;
  }

  private amountOf(n: unknown): bigint {
    if (typeof n === 'number' && n >= 0 && n <= Number.MAX_SAFE_INTEGER && Number.isInteger(n)) return BigInt(n);
    let amount: bigint;
    if (typeof n === 'bigint') amount = n;
    else if (typeof n === 'number' && Number.isSafeInteger(n)) amount = BigInt(n);
    else throw new TypeError(`${this.type.what}.add(n): n must be a bigint or a safe integer, got ${describe(n)}`);
    if (amount < 0n) throw new RangeError(`${this.type.what}.add(n): n must not be negative, got ${amount}`);
    return amount;
  }
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return `a ${v.constructor?.name ?? 'object'}`;
  return `the ${typeof v} ${String(v)}`;
}

function storeOutside(what: string): TransactionError {
  return new TransactionError(
    `add to ${what} outside runTransaction(): this class's persistence level is Transaction; wrap it in runTransaction(pool, () => …) or choose PersistenceLevel.Flush/None`,
    'TX_REQUIRED',
  );
}
