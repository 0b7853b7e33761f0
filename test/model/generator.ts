/**
 * fast-check arbitraries of programs: a pool configuration and operations over the model's classes.
 * Values are valid for their field (edges, multi-byte UTF-8 at the inline limit, NaN, -0, empty heap
 * strings) except in storeInvalid and create's `bad`, which the pool must refuse with FieldValueError.
 * Each program works on one to three classes so its operations meet the same objects often.
 */
import fc from 'fast-check';
import { ASSIGNABLE, type Leaf, CONFIGS, NAME_BYTES, SLOTS_PER_CLASS, STRUCTS, TAG_LENGTH, TRIPLE_LENGTH, CLASSES, type ClassSlot, type Kind } from './classes';
import { collectionOp, mapBursts, MAPS } from './collection-generator';
import { spaceOp } from './space-generator';
import { checkpointOp } from './checkpoint-generator';
import { counterOp } from './counter-generator';
import type { Op, Program, Thrown } from './program';

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Inline strings: short ones of any code points, and ones filling the capacity exactly with 1- to 4-byte characters. */
const inlineString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: NAME_BYTES }).filter((s) => utf8Length(s) <= NAME_BYTES),
  fc.array(fc.constantFrom('a', 'é', '€', '😀', 'ß', '中'), { maxLength: NAME_BYTES }).map((pieces) => {
    let s = '';
    for (const p of pieces) if (utf8Length(s + p) <= NAME_BYTES) s += p;
    return s + 'a'.repeat(NAME_BYTES - utf8Length(s));
  }),
);

export const VALID: Record<Exclude<Kind, 'map' | 'vector'>, fc.Arbitrary<unknown>> = {
  counter: fc.oneof(fc.bigInt(0n, 1000n), fc.bigInt(0n, 2n ** 64n - 1n)),
  u8: fc.integer({ min: 0, max: 0xff }),
  i8: fc.integer({ min: -0x80, max: 0x7f }),
  u16: fc.integer({ min: 0, max: 0xffff }),
  i16: fc.integer({ min: -0x8000, max: 0x7fff }),
  u32: fc.integer({ min: 0, max: 0xffffffff }),
  i32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  u64: fc.bigInt(0n, 2n ** 64n - 1n),
  i64: fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n),
  f32: fc.float(),
  f64: fc.double(),
  bool: fc.boolean(),
  timestamp: fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms)),
  string: inlineString,
  heapString: fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.constant(''), fc.constant('long '.repeat(200))),
  heapBytes: fc.oneof(fc.uint8Array({ maxLength: 24 }), fc.constant(new Uint8Array(0))),
  bytes: fc.uint8Array({ minLength: TAG_LENGTH, maxLength: TAG_LENGTH }),
  array: fc.array(fc.integer({ min: -0x8000, max: 0x7fff }), { minLength: TRIPLE_LENGTH, maxLength: TRIPLE_LENGTH }),
  ref: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: SLOTS_PER_CLASS - 1 }).map((ref) => ({ ref }))),
};

export const INVALID: Record<Exclude<Kind, 'map' | 'vector'>, readonly unknown[]> = {
  u8: [256, -1, 1.5, '1'], i8: [128, -129], u16: [65536, NaN], i16: [-32769], u32: [-1, 2 ** 32], i32: [2 ** 31, Infinity],
  u64: [-1n, 2n ** 64n, 1.5], i64: [2n ** 63n, 'x'], f32: ['x', 1n, 1e39, -1e-46], f64: [null, '1'], bool: [1, 'true'],
  timestamp: [new Date(NaN), 0], counter: [-1n, 2n ** 64n, 1.5, '1'],
  string: ['a'.repeat(NAME_BYTES + 1), 'é'.repeat(NAME_BYTES / 2 + 1), 5],
  heapString: [5, new Uint8Array(1)], heapBytes: ['abc', [1, 2]],
  bytes: [new Uint8Array(TAG_LENGTH - 1), new Uint8Array(TAG_LENGTH + 1), 'abcde'],
  array: [[1, 2], [1, 2, 3, 4], [1, 2, 'x'], [1, 2, 40000]],
  ref: [{}, 5],
};

/** A whole embedded struct, each field valid. */
const STRUCT_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  at: fc.record({ x: VALID.i32, y: VALID.i32 }),
  note: fc.record({ n: VALID.u16, text: VALID.heapString }),
};
/** Whole structs whose second field is invalid: nothing may be stored. */
const STRUCT_INVALID: Record<string, readonly unknown[]> = { at: [{ x: 1, y: 'bad' }], note: [{ n: 1, text: 5 }] };

type Assignable = Exclude<Kind, 'map' | 'vector'>;
const SCALAR_KINDS: ReadonlySet<Kind> = new Set(['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'f32', 'f64', 'bool', 'timestamp']);
const leafStore = fc.constantFrom(...ASSIGNABLE).chain((leaf) => VALID[leaf.kind as Assignable].map((value) => ({ path: leaf.path, value })));
const structStore = fc.constantFrom(...Object.keys(STRUCTS)).chain((name) => STRUCT_VALUES[name].map((value) => ({ path: name, value })));
const invalidStore = fc.oneof(
  fc.constantFrom(...ASSIGNABLE).chain((leaf) => fc.constantFrom(...INVALID[leaf.kind as Assignable]).map((value) => ({ path: leaf.path, value }))),
  fc.constantFrom(...Object.keys(STRUCTS)).chain((name) => fc.constantFrom(...STRUCT_INVALID[name]).map((value) => ({ path: name, value }))),
);

/** create's init: any subset of the top-level fields (structs whole). */
const init = fc.record(
  Object.fromEntries([
    ...ASSIGNABLE.filter((l) => !l.path.includes('.')).map((l) => [l.path, VALID[l.kind as Assignable]]),
    ...Object.entries(STRUCT_VALUES),
  ]) as Record<string, fc.Arbitrary<unknown>>,
  { requiredKeys: [] },
);

const thrown = fc.constantFrom<Thrown>('Error', 'string', 'number', 'undefined', 'null', 'object');

export interface ProgramShape {
  /** Top-level operations at most. */
  readonly maxOps: number;
  /** Include close-and-reopen steps. */
  readonly reopen: boolean;
}

function opsOver(classes: number[], shape: ProgramShape, focus: { at: ClassSlot; map: Leaf }): fc.Arbitrary<Op[]> {
  const at: fc.Arbitrary<ClassSlot> = fc.record({ cls: fc.constantFrom(...classes), slot: fc.integer({ min: 0, max: SLOTS_PER_CLASS - 1 }) });
  const create = fc.record({
    op: fc.constant('create' as const),
    at,
    init: fc.option(init, { nil: undefined }),
    bad: fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: invalidStore.filter((s) => !s.path.includes('.')) },
    ),
  });
  const store = fc
    .tuple(at, fc.oneof({ weight: 4, arbitrary: leafStore }, { weight: 1, arbitrary: structStore }))
    .map(([where, v]) => ({ op: 'store' as const, at: where, ...v }));
  // A transaction of one to three scalar stores: under write-back Transaction such a write set is a few
  // one-word spans, which commits through the redo log (the action API) rather than the undo log.
  const scalarStore = fc
    .tuple(at, fc.constantFrom(...ASSIGNABLE.filter((l) => SCALAR_KINDS.has(l.kind))).chain((leaf) => VALID[leaf.kind as Assignable].map((value) => ({ path: leaf.path, value }))))
    .map(([where, v]) => ({ op: 'store' as const, at: where, ...v }));
  const wordsTx = fc.array(scalarStore, { minLength: 1, maxLength: 3 }).map((body): Op => ({ op: 'tx', body, catchInner: false }));
  const storeInvalid = fc.tuple(at, invalidStore).map(([where, v]) => ({ op: 'storeInvalid' as const, at: where, ...v }));
  const free = fc.record({ op: fc.constant('free' as const), at });
  const collection = collectionOp(at, focus);
  const add = counterOp(at);
  const body = fc.letrec<{ tx: Op; ops: Op[] }>((tie) => ({
    tx: fc.record({ op: fc.constant('tx' as const), body: tie('ops') as fc.Arbitrary<Op[]>, catchInner: fc.boolean() }),
    ops: fc.array(
      fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        { weight: 5, arbitrary: store },
        { weight: 5, arbitrary: collection },
        { weight: 2, arbitrary: add },
        { weight: 2, arbitrary: create },
        { weight: 1, arbitrary: storeInvalid },
        { weight: 1, arbitrary: free },
        { weight: 1, arbitrary: fc.record({ op: fc.constant('throw' as const), value: thrown }) },
        { weight: 1, arbitrary: tie('tx') as fc.Arbitrary<Op> },
      ),
      { maxLength: 5, depthIdentifier: 'tx' },
    ),
  }));
  const top = fc.oneof(
    { weight: 3, arbitrary: store },
    { weight: 5, arbitrary: collection },
    { weight: 2, arbitrary: add },
    { weight: 2, arbitrary: create },
    { weight: 1, arbitrary: storeInvalid },
    { weight: 1, arbitrary: free },
    { weight: 6, arbitrary: body.tx },
    { weight: 4, arbitrary: wordsTx },
    { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
    { weight: 1, arbitrary: spaceOp },
    { weight: 1, arbitrary: checkpointOp },
    ...(shape.reopen ? [{ weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) }] : []),
  );
  // Programs start by creating objects and filling the focus map of the first, so the operations after
  // meet live objects and a populated tree, and end by deleting from that map, merging its nodes.
  // Shrinking may drop the focus steps (generated nearly always, but optional).
  const focusSteps = fc.option(mapBursts(focus.at, focus.map), { nil: undefined, freq: 50 });
  return fc
    .tuple(focusSteps, fc.array(create, { minLength: 0, maxLength: 2 }), fc.array(top as fc.Arbitrary<Op>, { maxLength: shape.maxOps }))
    .map(([bursts, creates, rest]): Op[] =>
      bursts === undefined ? [...creates, ...rest] : [{ op: 'create', at: focus.at }, ...creates, bursts[0], ...rest, bursts[1]],
    );
}

export function programs(shape: ProgramShape): fc.Arbitrary<Program> {
  const dataClasses = Array.from({ length: CLASSES.data.length }, (_, i) => i);
  return fc
    .record({
      config: fc.constantFrom(...CONFIGS),
      cacheBytes: fc.constantFrom(undefined, 512),
      heat: fc.boolean(),
      classes: fc.shuffledSubarray(dataClasses, { minLength: 1, maxLength: 2 }),
      focus: fc.record({ slot: fc.integer({ min: 0, max: SLOTS_PER_CLASS - 1 }), map: fc.constantFrom(...MAPS) }),
    })
    .chain(({ config, cacheBytes, heat, classes, focus }) =>
      opsOver(classes, shape, { at: { cls: classes[0], slot: focus.slot }, map: focus.map }).map(
        (ops): Program => ({ pool: { config, ...(cacheBytes === undefined ? {} : { cacheBytes }), ...(heat ? { heat } : {}) }, ops }),
      ),
    );
}
