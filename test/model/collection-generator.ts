/**
 * fast-check arbitraries of collection operations. Keys come from small domains (so sets overwrite
 * and deletes find what they delete) plus each kind's edges; sets and deletes come in bursts of up to
 * forty, so with the runner's tiny nodes a program splits and merges at several tree levels.
 */
import fc from 'fast-check';
import { COLLECTIONS, KEY_BYTES, SLOTS_PER_CLASS, type ClassSlot, type ElementKind, type Leaf } from './classes';
import type { Op, RangeArgs } from './program';

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

const KEYS: Partial<Record<ElementKind, fc.Arbitrary<unknown>>> = {
  u64: fc.oneof({ weight: 9, arbitrary: fc.bigInt(0n, 60n) }, { weight: 1, arbitrary: fc.constant(2n ** 64n - 1n) }),
  i32: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -30, max: 30 }) }, { weight: 1, arbitrary: fc.constantFrom(-(2 ** 31), 2 ** 31 - 1) }),
  f64: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: -60, max: 60 }).map((n) => n / 2) },
    { weight: 1, arbitrary: fc.constantFrom(-0, Infinity, -Infinity, Number.MIN_VALUE, -1e300) },
  ),
  // Short strings over a few code points of 1 to 4 UTF-8 bytes (bytewise order is code point order), some exactly KEY_BYTES long.
  string: fc.array(fc.constantFrom('a', 'b', 'z', 'é', '€', '😀'), { maxLength: 4 }).map((pieces) => {
    let s = '';
    for (const p of pieces) if (utf8Length(s + p) <= KEY_BYTES) s += p;
    return s;
  }),
};

const ELEMENTS: Record<ElementKind, fc.Arbitrary<unknown>> = {
  u64: fc.bigInt(0n, 2n ** 64n - 1n),
  i64: fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n),
  i32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  f64: fc.double(),
  i16: fc.integer({ min: -0x8000, max: 0x7fff }),
  string: fc.string({ maxLength: 4 }),
  ref: fc.integer({ min: 0, max: SLOTS_PER_CLASS - 1 }).map((ref) => ({ ref })),
};

const BAD_KEYS: Partial<Record<ElementKind, readonly unknown[]>> = {
  u64: [-1n, 2n ** 64n, 1.5, 'x'],
  i32: [2 ** 31, 1.5, '1'],
  f64: [NaN, '1', 1n],
  string: ['a'.repeat(KEY_BYTES + 1), 'é'.repeat(KEY_BYTES / 2 + 1), 5],
};
const BAD_ELEMENTS: Record<ElementKind, readonly unknown[]> = {
  u64: [-1n], i64: [2n ** 63n, 'x'], i32: [2 ** 31, 1.5], f64: ['1', null], i16: [40000, 'x'], string: [5], ref: [{}, 5, 'x'],
};

const index = fc.integer({ min: 0, max: 40 });

function mapOp(at: fc.Arbitrary<ClassSlot>, leaf: Leaf): fc.Arbitrary<Op> {
  const key = KEYS[leaf.key!]!;
  const value = ELEMENTS[leaf.element!];
  const path = fc.constant(leaf.path);
  const mutate = (call: 'set' | 'delete' | 'clear', args: fc.Arbitrary<unknown[]>) => fc.record({ op: fc.constant('mutate' as const), at, path, call: fc.constant(call), args });
  const read = (call: 'get' | 'has' | 'range' | 'first' | 'last', args: fc.Arbitrary<unknown[]>) => fc.record({ op: fc.constant('read' as const), at, path, call: fc.constant(call), args });
  // At most one lower and one upper bound (range() refuses gt with gte, lt with lte).
  const bound = (a: 'gt' | 'lt', b: 'gte' | 'lte') => fc.option(fc.tuple(fc.constantFrom(a, b), key), { nil: undefined }).map((e) => (e === undefined ? {} : { [e[0]]: e[1] }));
  const range: fc.Arbitrary<RangeArgs> = fc
    .tuple(bound('gt', 'gte'), bound('lt', 'lte'), fc.record({ reverse: fc.boolean(), limit: fc.integer({ min: 0, max: 10 }) }, { requiredKeys: [] }))
    .map(([lower, upper, rest]) => ({ ...lower, ...upper, ...rest }));
  return fc.oneof(
    { weight: 6, arbitrary: mutate('set', fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 40, size: 'max' })) },
    { weight: 4, arbitrary: mutate('delete', fc.array(key, { minLength: 1, maxLength: 30, size: 'max' })) },
    { weight: 1, arbitrary: mutate('clear', fc.constant([])) },
    { weight: 1, arbitrary: read('get', fc.tuple(key)) },
    { weight: 1, arbitrary: read('has', fc.tuple(key)) },
    { weight: 2, arbitrary: read('range', fc.tuple(range)) },
    { weight: 1, arbitrary: read('first', fc.constant([])) },
    { weight: 1, arbitrary: read('last', fc.constant([])) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('iterate' as const), at, path, call: fc.constant('set' as const), args: fc.tuple(key, value) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('mutateInvalid' as const),
        at,
        path,
        call: fc.constant('set' as const),
        args: fc.oneof(fc.tuple(fc.constantFrom(...BAD_KEYS[leaf.key!]!), value), fc.tuple(key, fc.constantFrom(...BAD_ELEMENTS[leaf.element!]))),
      }),
    },
  ) as fc.Arbitrary<Op>;
}

function vectorOp(at: fc.Arbitrary<ClassSlot>, leaf: Leaf): fc.Arbitrary<Op> {
  const value = ELEMENTS[leaf.element!];
  const path = fc.constant(leaf.path);
  const mutate = <C extends string>(call: C, args: fc.Arbitrary<unknown[]>) => fc.record({ op: fc.constant('mutate' as const), at, path, call: fc.constant(call), args });
  return fc.oneof(
    { weight: 4, arbitrary: mutate('push', fc.array(value, { minLength: 1, maxLength: 12, size: 'max' })) },
    { weight: 2, arbitrary: mutate('pop', fc.tuple(fc.integer({ min: 1, max: 4 }))) },
    { weight: 2, arbitrary: mutate('vset', fc.tuple(index, value)) },
    { weight: 2, arbitrary: mutate('insert', fc.tuple(index, value)) },
    { weight: 2, arbitrary: mutate('removeAt', fc.tuple(index)) },
    { weight: 1, arbitrary: mutate('clear', fc.constant([])) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('read' as const), at, path, call: fc.constant('vget' as const), args: fc.tuple(index) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('iterate' as const), at, path, call: fc.constant('push' as const), args: fc.tuple(value) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('iterate' as const), at, path, call: fc.constant('vset' as const), args: fc.tuple(index, value) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('mutateInvalid' as const),
        at,
        path,
        call: fc.constantFrom('push' as const, 'vset' as const, 'insert' as const),
        args: fc.tuple(index, fc.constantFrom(...BAD_ELEMENTS[leaf.element!])),
      }),
    },
  ) as fc.Arbitrary<Op>;
}

/** The maps of a data class: one of them is each program's focus. */
export const MAPS: readonly Leaf[] = COLLECTIONS.filter((l) => l.kind === 'map');

/**
 * A burst of up to 40 inserts into `map` of the object at `at` (a tree of three or four levels) and
 * a burst of as many deletes from it (merges down those levels), for the start and the end of a program.
 */
export function mapBursts(at: ClassSlot, map: Leaf): fc.Arbitrary<[Op, Op]> {
  const burst = <T>(of: fc.Arbitrary<T>) => fc.array(of, { minLength: 1, maxLength: 40, size: 'max' });
  return fc.tuple(burst(fc.tuple(KEYS[map.key!]!, ELEMENTS[map.element!])), burst(KEYS[map.key!]!)).map(([sets, deletes]): [Op, Op] => [
    { op: 'mutate', at, path: map.path, call: 'set', args: sets },
    { op: 'mutate', at, path: map.path, call: 'delete', args: deletes },
  ]);
}

/**
 * An operation on a collection field of the object at `at`; half of them on the program's focus map
 * (filled by its first burst), so that inserts and deletes in aborted transactions meet nodes that
 * existed before the transaction, whose undo log is what an abort and a crash depend on.
 */
export function collectionOp(at: fc.Arbitrary<ClassSlot>, focus: { readonly at: ClassSlot; readonly map: Leaf }): fc.Arbitrary<Op> {
  return fc.oneof(
    mapOp(fc.constant(focus.at), focus.map),
    fc.oneof(...COLLECTIONS.map((leaf) => (leaf.kind === 'map' ? mapOp(at, leaf) : vectorOp(at, leaf)))),
  );
}
