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
  | { readonly op: 'throw'; readonly value: Thrown }
  | { readonly op: 'flush' }
  | { readonly op: 'reopen' };

export interface Program {
  readonly pool: { readonly config: Config; readonly cacheBytes?: number };
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
