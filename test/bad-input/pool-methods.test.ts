/**
 * Bad input to the methods of an open Pool (create, free, root, objects, objectAt, locate, deepCheck,
 * stats, flush, close, heap) and to toPlain/fromPlain's arguments; then every method of a closed pool.
 * A refusal is typed and leaves the heap and the objects as they were.
 */
import 'reflect-metadata';
import {
  Field, FieldValueError, InvalidObjectError, Persistent, Pool, PoolClosedError, TransactionError, fromPlain, runTransaction, toPlain,
} from '@pmemts/core';
import { Counter, Everything, Point, tempDir } from '../core/fixtures';
import { expectOutcome, expectRefusedUnchanged, poolImage, refused, type Outcome } from './harness';

const tmp = tempDir('bad-methods');
afterAll(() => tmp.cleanup());
const MiB = 1024 * 1024;

class Undecorated {
  x = 1;
}

@Persistent({ name: 'Note' })
class Note {
  @Field({ type: 'heapString' }) text!: string;
}

@Persistent({ name: 'NoteHolder' })
class NoteHolder {
  @Field('u32') id!: number;
  @Field({ type: 'struct', of: () => Note }) note!: Note;
}

/** Declared but not in the pool's types. */
@Persistent({ name: 'Unregistered' })
class Unregistered {
  @Field('u8') x!: number;
}

const types = [Point, Counter, Everything, Note, NoteHolder];
let pool: Pool;
let other: Pool;
let root: Counter;
let subject: Everything;
let freed: Counter;
let otherObject: Counter;
let blobOffset: number;

beforeAll(() => {
  pool = Pool.create(tmp.file('main'), { types, size: 16 * MiB });
  other = Pool.create(tmp.file('other'), { types, size: 8 * MiB });
  root = pool.root(Counter);
  subject = pool.create(Everything, { u8: 1, essay: 'a heap string', at: { x: 1, y: 2 } });
  freed = pool.create(Counter);
  pool.free(freed);
  otherObject = other.create(Counter, { value: 3n });
  blobOffset = [...pool.heap()].find((a) => a.typeNum === 0x7fffff01)!.offset;
});
afterAll(() => {
  if (!pool.closed) pool.close();
  other.close();
});

interface Row {
  readonly label: string;
  readonly call: () => unknown;
  readonly outcome: Outcome;
}

const typeError = (pattern: RegExp) => refused(TypeError, pattern);
const notOneOfTypes = typeError(/is not one of this pool's types/);
const objectFreed = refused(InvalidObjectError, 'OBJECT_FREED');
const invalidObject = refused(InvalidObjectError, 'INVALID_OBJECT');

/** Offsets that are not a live object: each refused by objectAt with InvalidObjectError, or TypeError when not a number. */
const badOffsets: [string, () => unknown, Outcome][] = [
  ['-8', () => -8, typeError(/offset/)],
  ['1.5', () => 1.5, typeError(/offset/)],
  ['NaN', () => NaN, typeError(/offset/)],
  ['a string', () => '4096', typeError(/offset/)],
  ['a bigint', () => 4096n, typeError(/offset/)],
  ['2^53', () => 2 ** 53, typeError(/offset/)],
  ['0 (the null object)', () => 0, invalidObject],
  ['beyond the pool', () => pool.size + 64, invalidObject],
  ['inside an object', () => pool.locate(subject).offset + 8, invalidObject],
  ['a freed object', () => offsetOfFreed, invalidObject],
  ['a heap-string block', () => blobOffset, typeError(/type number 2147483393, which is none of this pool's classes/)],
];
let offsetOfFreed = 0;

const rows: Row[] = [
  // create
  { label: 'create(undefined)', call: () => pool.create(undefined as never), outcome: notOneOfTypes },
  { label: 'create(42)', call: () => pool.create(42 as never), outcome: notOneOfTypes },
  { label: 'create(an undecorated class)', call: () => pool.create(Undecorated), outcome: notOneOfTypes },
  { label: 'create(a class not in types)', call: () => pool.create(Unregistered), outcome: notOneOfTypes },
  { label: 'create(a view instead of a class)', call: () => pool.create(subject as never), outcome: notOneOfTypes },
  { label: "create(Counter, 'init')", call: () => pool.create(Counter, 'init' as never), outcome: typeError(/create: init must be an object/) },
  { label: 'create(Counter, null)', call: () => pool.create(Counter, null as never), outcome: typeError(/create: init must be an object/) },
  { label: 'create(Counter, { unknown key })', call: () => pool.create(Counter, { nope: 1 } as never), outcome: typeError(/Counter has no persistent field 'nope'/) },
  { label: 'create(Counter, { second value out of range })', call: () => pool.create(Counter, { value: 1n, touched: -1 }), outcome: refused(FieldValueError, 'FIELD_VALUE') },
  { label: 'create(Everything, { heap string, then a bad value }): the blob is rolled back too', call: () => pool.create(Everything, { essay: 'x'.repeat(100), u8: 300 }), outcome: refused(FieldValueError, 'FIELD_VALUE') },
  // free
  { label: 'free(undefined)', call: () => pool.free(undefined as never), outcome: typeError(/free: expected a live object of this pool/) },
  { label: 'free({})', call: () => pool.free({}), outcome: typeError(/free: expected a live object of this pool/) },
  { label: 'free(an object of another pool)', call: () => pool.free(otherObject), outcome: typeError(/free: expected a live object of this pool/) },
  { label: 'free(a freed object)', call: () => pool.free(freed), outcome: objectFreed },
  { label: 'free(the root object)', call: () => pool.free(root), outcome: typeError(/free: the root object cannot be freed/) },
  { label: 'free(an embedded struct view)', call: () => pool.free(subject.at), outcome: typeError(/free: this Point is embedded in a Everything/) },
  // root
  { label: 'root(undefined)', call: () => pool.root(undefined as never), outcome: notOneOfTypes },
  { label: 'root(an undecorated class)', call: () => pool.root(Undecorated), outcome: notOneOfTypes },
  { label: 'root(a class other than the root’s)', call: () => pool.root(Point), outcome: typeError(/root: the pool's root object is a Counter, not a Point/) },
  // objects: a generator, so its argument is checked when iteration starts
  { label: 'objects(an undecorated class)', call: () => [...pool.objects(Undecorated)], outcome: notOneOfTypes },
  { label: 'objects(a class not in types)', call: () => [...pool.objects(Unregistered)], outcome: notOneOfTypes },
  // objectAt
  ...badOffsets.map(([label, offset, outcome]): Row => ({ label: `objectAt(${label})`, call: () => pool.objectAt(offset() as number), outcome })),
  // locate
  { label: 'locate({})', call: () => pool.locate({}), outcome: typeError(/locate: expected a live object of this pool/) },
  { label: 'locate(null)', call: () => pool.locate(null as never), outcome: typeError(/locate: expected a live object of this pool/) },
  { label: 'locate(an object of another pool)', call: () => pool.locate(otherObject), outcome: typeError(/locate: expected a live object of this pool/) },
  { label: 'locate(a freed object)', call: () => pool.locate(freed), outcome: objectFreed },
  // deepCheck
  { label: "deepCheck('not a function')", call: () => pool.deepCheck('x' as never), outcome: typeError(/onProgress/) },
  // close inside a transaction
  { label: 'close() inside runTransaction', call: () => runTransaction(pool, () => pool.close()), outcome: refused(TransactionError, 'TX_OPEN') },
  // toPlain / fromPlain arguments
  { label: 'toPlain(undefined)', call: () => toPlain(undefined as never), outcome: typeError(/toPlain: expected a live persistent object/) },
  { label: 'toPlain({})', call: () => toPlain({}), outcome: typeError(/toPlain: expected a live persistent object/) },
  { label: 'toPlain(42)', call: () => toPlain(42 as never), outcome: typeError(/toPlain: expected a live persistent object/) },
  { label: 'toPlain(a freed object)', call: () => toPlain(freed), outcome: objectFreed },
  { label: 'fromPlain(not a pool, …)', call: () => fromPlain({} as never, Counter, {}), outcome: typeError(/pool must be a Pool/) },
  { label: 'fromPlain(pool, an undecorated class, {})', call: () => fromPlain(pool, Undecorated, {}), outcome: notOneOfTypes },
  { label: 'fromPlain(pool, Counter, null)', call: () => fromPlain(pool, Counter, null as never), outcome: typeError(/fromPlain: plain must be a plain object/) },
  { label: "fromPlain(pool, Counter, 'text')", call: () => fromPlain(pool, Counter, 'text' as never), outcome: typeError(/fromPlain: plain must be a plain object/) },
  { label: 'fromPlain(pool, Counter, [])', call: () => fromPlain(pool, Counter, [] as never), outcome: typeError(/fromPlain: plain must be a plain object/) },
];

describe('an open pool', () => {
  beforeAll(() => {
    const doomed = pool.create(Counter);
    offsetOfFreed = pool.locate(doomed).offset;
    pool.free(doomed);
  });
  for (const row of rows) {
    test(row.label, () => {
      expectRefusedUnchanged(pool, [root, subject], row.call, row.outcome as never);
      expect(pool.closed).toBe(false);
    });
  }

  test('locate(an embedded struct view) says where the struct is and what it is', () => {
    const { offset, layout } = pool.locate(subject.at);
    expect(layout.name).toBe('Point');
    expect(offset).toBe(pool.locate(subject).offset + pool.locate(subject).layout.fields.find((f) => f.name === 'at')!.offset);
  });

  test('toPlain(an embedded struct view) is the struct’s fields', () => {
    expect(toPlain(subject.at)).toEqual({ x: 1, y: 2 });
  });

  // pool.free of an object frees what it owns: heap strings in its embedded structs too.
  test('free(an object whose embedded struct holds a heap string) frees the blob', () => {
    const holder = pool.create(NoteHolder, { id: 1, note: { text: 'owned by the struct' } });
    const before = new Set([...pool.heap()].map((a) => a.offset));
    const at = pool.locate(holder).offset;
    pool.free(holder);
    const freedOffsets = [...before].filter((o) => ![...pool.heap()].some((a) => a.offset === o));
    expect(freedOffsets).toContain(at);
    expect(freedOffsets).toHaveLength(2);
  });

  test('objects() and heap() see nothing new after all the refused calls', () => {
    expect([...pool.objects(Counter)].map((c) => pool.locate(c).offset)).toEqual([pool.locate(root).offset]);
    expect([...pool.objects(Everything)]).toHaveLength(1);
    // The subject is not reachable from the root (a Counter): its leak, and its heap string's, are the only findings.
    expect(pool.deepCheck().problems.map((p) => p.kind)).toEqual(['leak', 'leak']);
  });
});

describe('a closed pool', () => {
  let closed: Pool;
  let view: Counter;
  beforeAll(() => {
    closed = Pool.create(tmp.file('closed'), { types, size: 8 * MiB });
    view = closed.create(Counter, { value: 1n });
    closed.close();
  });
  const poolClosed = refused(PoolClosedError, 'POOL_CLOSED');
  const calls: [string, () => unknown][] = [
    ['create', () => closed.create(Counter)],
    ['free', () => closed.free(view)],
    ['root', () => closed.root(Counter)],
    ['rootObject', () => closed.rootObject()],
    ['objects', () => [...closed.objects(Counter)]],
    ['objectAt', () => closed.objectAt(4096)],
    ['locate', () => closed.locate(view)],
    ['layouts', () => closed.layouts()],
    ['deepCheck', () => closed.deepCheck()],
    ['heap', () => [...closed.heap()]],
    ['stats', () => closed.stats()],
    ['flush', () => closed.flush()],
    ['close', () => closed.close()],
    ['size', () => closed.size],
    ['uuidLo', () => closed.uuidLo],
    ['runTransaction', () => runTransaction(closed, () => 1)],
    ['a field read', () => view.value],
    ['a field store', () => { view.value = 2n; }],
    ['toPlain', () => toPlain(view)],
    ['fromPlain', () => fromPlain(closed, Counter, { value: 1n })],
  ];
  for (const [label, call] of calls) {
    test(label, () => expectOutcome(call, poolClosed));
  }
  test('path and closed still answer', () => {
    expect(closed.closed).toBe(true);
    expect(closed.path).toMatch(/closed\.pool$/);
  });
});

describe('after the session', () => {
  test('the refused calls changed nothing that a new session sees', () => {
    const file = pool.path;
    const image = poolImage(pool, [root, subject]);
    pool.close();
    pool = Pool.open(file, { types });
    root = pool.root(Counter);
    subject = pool.objectAt((image as { objects: { offset: number }[] }).objects[1].offset) as Everything;
    expect(poolImage(pool, [root, subject])).toEqual(image);
  });
});
