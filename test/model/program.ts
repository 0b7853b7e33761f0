/**
 * A generated program: the pool's memory configuration and a list of operations over the fixed
 * classes. Objects are named by (class, slot): the root's ref that holds them. Operations are resolved
 * against the model when they run (a store to an empty slot is skipped), so every generated program is
 * runnable and shrinking never makes it invalid. Programs travel to child processes as JSON.
 */
import type { ClassSlot, Config } from './classes';

/** A value of a ref leaf: the object in slot `ref` of the same class, or null. */
export interface RefTo {
  readonly ref: number;
}

/** A thrown value: an Error, or one of the non-Error values JavaScript lets a closure throw. */
export type Thrown = 'Error' | 'string' | 'number' | 'undefined' | 'null' | 'object';

export type Op =
  /** Allocates an object into an empty slot and links it from the root in the same transaction. `bad` makes the init invalid. */
  | { readonly op: 'create'; readonly at: ClassSlot; readonly init?: Readonly<Record<string, unknown>>; readonly bad?: { readonly path: string; readonly value: unknown } }
  /** Assigns a leaf ("u8", "at.x") or a whole embedded struct ("at"). */
  | { readonly op: 'store'; readonly at: ClassSlot; readonly path: string; readonly value: unknown }
  /** Assigns a value the field must refuse with FieldValueError, changing nothing. */
  | { readonly op: 'storeInvalid'; readonly at: ClassSlot; readonly path: string; readonly value: unknown }
  /** Frees the object and clears its root slot in one transaction (skipped for objects ever referenced). */
  | { readonly op: 'free'; readonly at: ClassSlot }
  /** runTransaction around `body`; with catchInner the closure catches what nested transactions throw. */
  | { readonly op: 'tx'; readonly body: readonly Op[]; readonly catchInner: boolean }
  /**
   * Calls on a map or vector field (`path`), arguments as the model holds them (refs as RefTo).
   * set: [[key, value], …], one call each; delete: [key, …]; clear: []; push: [value, …] in one call;
   * pop: [count]; vset/insert/removeAt: [index, value?], the index taken modulo the length (plus one
   * for insert), so no generated index is out of range.
   */
  | { readonly op: 'mutate'; readonly at: ClassSlot; readonly path: string; readonly call: MutateCall; readonly args: readonly unknown[] }
  /** A mutation with a key or value the field must refuse with FieldValueError, changing nothing: set [key, value], push/vset/insert [index, value] (vset and insert at 0, push ignores the index). */
  | { readonly op: 'mutateInvalid'; readonly at: ClassSlot; readonly path: string; readonly call: 'set' | 'push' | 'vset' | 'insert'; readonly args: readonly unknown[] }
  /** A read checked against the model: get/has [key], range [options], first/last [], vget [index]. */
  | { readonly op: 'read'; readonly at: ClassSlot; readonly path: string; readonly call: ReadCall; readonly args: readonly unknown[] }
  /**
   * Takes one step of an iterator, then mutates (set [key, value], push [value], vset [index, value]):
   * a structural change (an insert, a push) must make its next step throw InvalidObjectError
   * COLLECTION_MODIFIED; a value change must not.
   */
  | { readonly op: 'iterate'; readonly at: ClassSlot; readonly path: string; readonly call: 'set' | 'push' | 'vset'; readonly args: readonly unknown[] }
  /** `add(n)` on a counter field; `n` may be one add must refuse (negative, a fraction), changing nothing. */
  | { readonly op: 'add'; readonly at: ClassSlot; readonly path: string; readonly n: bigint | number }
  /** `pool.collect()` (which must free nothing: every kept object is reachable) or `pool.defrag()`, between transactions. */
  | { readonly op: 'space'; readonly call: 'collect' | 'defrag' }
  /** `pool.checkpoint()` between transactions: the copy must be the pool's bytes, open flag cleared. */
  | { readonly op: 'checkpoint' }
  | { readonly op: 'throw'; readonly value: Thrown }
  | { readonly op: 'flush' }
  | { readonly op: 'reopen' };

export type MutateCall = 'set' | 'delete' | 'clear' | 'push' | 'pop' | 'vset' | 'insert' | 'removeAt';
export type ReadCall = 'get' | 'has' | 'range' | 'first' | 'last' | 'vget';

/** range()'s options as generated: bounds are keys of the map's kind. */
export interface RangeArgs {
  readonly gt?: unknown;
  readonly gte?: unknown;
  readonly lt?: unknown;
  readonly lte?: unknown;
  readonly reverse?: boolean;
  readonly limit?: number;
}

export interface Program {
  /** `heat`: the pool records write heat (docs/heat.md), so every program also runs with the counting stores. */
  readonly pool: { readonly config: Config; readonly cacheBytes?: number; readonly heat?: boolean };
  readonly ops: readonly Op[];
}

/** JSON that keeps bigint, Date, Uint8Array, NaN, ±Infinity and -0 (a program, or a program with its knobs). */
export function encodeProgram(program: Program | object): string {
  return JSON.stringify(program, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (typeof raw === 'bigint') return { $b: raw.toString() };
    if (raw instanceof Date) return { $d: raw.getTime() };
    if (raw instanceof Uint8Array) return { $u: [...raw] };
    if (typeof raw === 'number' && (!Number.isFinite(raw) || Object.is(raw, -0))) return { $n: Object.is(raw, -0) ? '-0' : String(raw) };
    return value;
  });
}

export function decodeProgram<T = Program>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const v = value as Record<string, unknown>;
    if ('$b' in v) return BigInt(v.$b as string);
    if ('$d' in v) return new Date(v.$d as number);
    if ('$u' in v) return Uint8Array.from(v.$u as number[]);
    if ('$n' in v) return v.$n === '-0' ? -0 : Number(v.$n);
    return value;
  }) as T;
}

/** The JavaScript value a `throw` op throws (a fresh object each time, so identity can be checked). */
export function thrownValue(kind: Thrown): unknown {
  switch (kind) {
    case 'Error': return new Error('thrown by the program');
    case 'string': return 'thrown string';
    case 'number': return 42;
    case 'undefined': return undefined;
    case 'null': return null;
    case 'object': return { thrown: true };
  }
}
