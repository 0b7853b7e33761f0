/**
 * Issue 18, defect 4 and the plain-data bad inputs: toPlain/fromPlain restore cycles and shared
 * objects through `$id`/`$ref`, walk 30,000-link chains without recursion, convert embedded struct
 * views by their own layout, and refuse malformed plain input with a typed error naming the path,
 * creating nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import 'reflect-metadata';
import { Exclude, Transform, plainToInstance } from 'class-transformer';
import { Field, FieldValueError, Persistent, Pool, Ref, runTransaction, toPlain, fromPlain, type PersistentClass } from '@pmemts/core';
import { tempDir } from '../core/fixtures';

const tmp = tempDir('gh18-plain');
afterAll(() => tmp.cleanup());

@Persistent({ name: 'Customer' })
class CustomerModel {
  @Field({ type: 'string', maxBytes: 16 }) name!: string;
  @Ref(() => OrderModel) last!: OrderModel | null;
}

@Persistent({ name: 'Order' })
class OrderModel {
  @Field('u32') n!: number;
  @Ref(() => OrderModel) next!: OrderModel | null;
  @Ref(() => CustomerModel) customer!: CustomerModel | null;
}

@Persistent({ name: 'Vec' })
class Vec {
  @Field('i32') x!: number;
  @Field('i32') y!: number;
  @Ref(() => GraphNode) near!: GraphNode | null;
}

@Persistent({ name: 'GraphNode' })
class GraphNode {
  @Field({ type: 'heapString' }) label!: string;
  @Field({ type: 'struct', of: () => Vec }) pos!: Vec;
  @Field({ type: 'heapBytes' }) blob!: Uint8Array;
  @Ref(() => GraphNode) left!: GraphNode | null;
  @Ref(() => GraphNode) right!: GraphNode | null;
}

@Persistent({ name: 'Link' })
class Link {
  @Field('u32') n!: number;
  @Ref(() => Link) next!: Link | null;
}

@Persistent({ name: 'Account' })
class Account {
  @Field({ type: 'string', maxBytes: 16 }) user!: string;
  @Exclude() @Field({ type: 'string', maxBytes: 16 }) password!: string;
  @Transform(({ value }) => (typeof value === 'bigint' ? value.toString() : value), { toPlainOnly: true })
  @Field('i64') balance!: bigint;
}

@Persistent({ name: 'Bank' })
class Bank {
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value), { toPlainOnly: true })
  @Field({ type: 'string', maxBytes: 16 }) name!: string;
  @Ref(() => Account) first!: Account | null;
  @Ref(() => Account) second!: Account | null;
}

const TYPES = [CustomerModel, OrderModel, Vec, GraphNode, Link, Account, Bank];
const openPool = (name: string) => Pool.create(tmp.file(name), { types: TYPES });

/** How many objects of each class the pool holds: equal before and after means nothing was created. */
function census(pool: Pool): Record<string, number> {
  const out: Record<string, number> = {};
  for (const Class of TYPES as readonly PersistentClass[]) out[Class.name] = [...pool.objects(Class)].length;
  return out;
}

type Plain = Record<string, unknown>;

describe('defect 4: cycles and shared objects survive toPlain → fromPlain', () => {
  test('toPlain gives every object a $ref points at an $id, and only those', () => {
    const pool = openPool('ids');
    const c = fromPlain(pool, CustomerModel, { name: 'ann', last: { n: 1, next: { n: 2, next: null, customer: null }, customer: null } });
    const o1 = c.last!;
    runTransaction(pool, () => {
      o1.next!.next = o1; // Order cycle
      o1.next!.customer = c; // back to the root
    });
    const plain = toPlain(c);
    expect(plain).toEqual({
      $id: expect.stringMatching(/^Customer@\d+$/),
      name: 'ann',
      last: {
        $id: expect.stringMatching(/^Order@\d+$/),
        n: 1,
        next: { n: 2, next: { $ref: (plain.last as Plain).$id }, customer: { $ref: plain.$id } },
        customer: null,
      },
    });
    expect(Object.keys(plain)[0]).toBe('$id'); // an id comes before anything that could refer to it
    expect('$id' in ((plain.last as Plain).next as Plain)).toBe(false); // nothing refers to the second order
    pool.close();
  });

  test('fromPlain links each $ref to the object built with that $id', () => {
    const pool = openPool('cycles');
    const c = fromPlain(pool, CustomerModel, { name: 'ann', last: { n: 1, next: { n: 2, next: null, customer: null }, customer: null } });
    runTransaction(pool, () => {
      c.last!.next!.next = c.last;
      c.last!.next!.customer = c;
    });
    const before = census(pool);
    const copy = fromPlain(pool, CustomerModel, toPlain(c));
    expect(census(pool)).toEqual({ ...before, CustomerModel: before.CustomerModel + 1, OrderModel: before.OrderModel + 2 });
    const first = copy.last!;
    const second = first.next!;
    expect([copy.name, first.n, second.n]).toEqual(['ann', 1, 2]);
    expect(second.next).toBe(first);
    expect(second.customer).toBe(copy);
    expect(copy).not.toBe(c);
    expect(first).not.toBe(c.last);
    pool.close();
  });

  test('a $ref may name an object that appears later in the same input', () => {
    const pool = openPool('forward');
    const c = fromPlain(pool, CustomerModel, {
      name: 'fwd',
      last: { n: 1, next: { $ref: 'later' }, customer: { name: 'inner', last: { $id: 'later', n: 2 } } },
    });
    expect(c.last!.next).toBe(c.last!.customer!.last);
    expect(c.last!.next!.n).toBe(2);
    pool.close();
  });

  test.each<[string, Plain, RegExp]>([
    ['a $ref that names nothing', { name: 'x', last: { n: 1, next: { $ref: 'Order@999' } } }, /^Customer\.last\.next: .*'Order@999'/],
    ['a $ref to an id given only in another call', { name: 'x', last: { $ref: 'Customer@1' } }, /^Customer\.last: /],
    ['a $ref to an object of the wrong class', { $id: 'c', name: 'x', last: { n: 1, next: { $ref: 'c' } } }, /^Customer\.last\.next: .*Order.*Customer/],
    ['two objects with one $id', { $id: 'a', name: 'x', last: { $id: 'a', n: 1 } }, /^Customer\.last\.\$id: .*'a'/],
    ['a $id that is not a string', { $id: 7, name: 'x' }, /^Customer\.\$id: /],
    ['a $ref that is not a string', { name: 'x', last: { $ref: 12 } }, /^Customer\.last\.\$ref: /],
    ['a $ref beside other keys', { name: 'x', last: { $ref: 'a', n: 1 } }, /^Customer\.last: .*\$ref/],
    ['a $ref at the root', { $ref: 'a' }, /^Customer\.\$ref: /],
  ])('%s is a FieldValueError naming the path; nothing is created', (_what, plain, message) => {
    const pool = openPool('badref');
    fromPlain(pool, CustomerModel, { name: 'kept', last: { n: 9 } });
    const before = census(pool);
    let error: unknown;
    try {
      fromPlain(pool, CustomerModel, plain);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FieldValueError);
    expect((error as Error).message).toMatch(message);
    expect(census(pool)).toEqual(before);
    pool.close();
  });
});

describe('30,000-link chains', () => {
  const LENGTH = 30_000;
  // 90,000 allocations: on /dev/shm, where msync costs nothing, this takes seconds; on a disk-backed
  // temp dir every allocation waits for the disk.
  const shm = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'pmemts-gh18-chain-'));
  let pool: Pool;
  let head: Link;
  let tail: Link;

  beforeAll(() => {
    pool = Pool.create(path.join(shm, 'chain.pool'), { types: TYPES });
    [head, tail] = runTransaction(pool, () => {
      const first = pool.create(Link, { n: 0 });
      let last = first;
      for (let i = 1; i < LENGTH; i++) {
        const link = pool.create(Link, { n: i });
        last.next = link;
        last = link;
      }
      return [first, last];
    });
  });
  afterAll(() => {
    pool.close();
    fs.rmSync(shm, { recursive: true, force: true });
  });

  test('toPlain and fromPlain walk a 30,000-link chain without overflowing the stack', () => {
    const plain = toPlain(head);
    let node: Plain | null = plain;
    for (let i = 0; i < LENGTH; i++) {
      if (node!.n !== i) throw new Error(`record ${i} holds ${String(node!.n)}`);
      node = node!.next as Plain | null;
    }
    expect(node).toBeNull();
    let link: Link | null = fromPlain(pool, Link, plain);
    let count = 0;
    for (; link !== null; link = link.next) {
      if (link.n !== count) throw new Error(`link ${count} holds ${link.n}`);
      count++;
    }
    expect(count).toBe(LENGTH);
  });

  test('a 30,000-link ring closes with a $ref to its head, and comes back as a ring', () => {
    runTransaction(pool, () => { tail.next = head; });
    const plain = toPlain(head);
    let node = plain;
    for (let i = 1; i < LENGTH; i++) node = node.next as Plain;
    expect(node).toEqual({ n: LENGTH - 1, next: { $ref: plain.$id } });
    const copy = fromPlain(pool, Link, plain);
    let link = copy;
    for (let i = 1; i < LENGTH; i++) link = link.next!;
    expect(link.n).toBe(LENGTH - 1);
    expect(link.next).toBe(copy);
  });
});

describe('embedded structs', () => {
  test('toPlain of a struct view gives the struct\'s own fields', () => {
    const pool = openPool('struct-view');
    const other = pool.create(GraphNode, { label: 'other' });
    const node = fromPlain(pool, GraphNode, { label: 'n', pos: { x: 3, y: -4 } });
    runTransaction(pool, () => { node.pos.near = other; });
    expect(toPlain(node.pos)).toEqual({ x: 3, y: -4, near: { label: 'other', pos: { x: 0, y: 0, near: null }, blob: new Uint8Array(0), left: null, right: null } });
    expect(toPlain(node)).toEqual({
      label: 'n',
      pos: { x: 3, y: -4, near: { label: 'other', pos: { x: 0, y: 0, near: null }, blob: new Uint8Array(0), left: null, right: null } },
      blob: new Uint8Array(0),
      left: null,
      right: null,
    });
    pool.close();
  });

  test('a ref inside a struct can close a cycle', () => {
    const pool = openPool('struct-cycle');
    const node = pool.create(GraphNode, { label: 'self' });
    runTransaction(pool, () => { node.pos.near = node; });
    const plain = toPlain(node);
    expect((plain.pos as Plain).near).toEqual({ $ref: plain.$id });
    const copy = fromPlain(pool, GraphNode, plain);
    expect(copy.pos.near).toBe(copy);
    pool.close();
  });
});

describe('class-transformer decorators apply to every object by its own class', () => {
  test('@Exclude and @Transform of a referenced class apply inside the graph, shared objects stay shared', () => {
    const pool = openPool('decorators');
    const bank = runTransaction(pool, () => {
      const account = pool.create(Account, { user: 'ann', password: 'hunter2', balance: 10n ** 18n });
      return pool.create(Bank, { name: 'first', first: account, second: account });
    });
    const plain = toPlain(bank);
    expect(plain).toEqual({
      name: 'FIRST',
      first: { $id: expect.stringMatching(/^Account@\d+$/), user: 'ann', balance: '1000000000000000000' },
      second: { $ref: (plain.first as Plain).$id },
    });
    pool.close();
  });
});

describe('bad plain input: a typed error naming the path, nothing created', () => {
  const viewOf = (pool: Pool) => pool.create(GraphNode, { label: 'existing' });
  test.each<[string, (pool: Pool) => unknown, ErrorConstructor | typeof FieldValueError, RegExp]>([
    ['an array where a ref belongs', () => ({ label: 'a', left: [] }), FieldValueError, /^GraphNode\.left: .*array/],
    ['a number where a ref belongs', () => ({ label: 'a', left: { label: 'b', right: 5 } }), FieldValueError, /^GraphNode\.left\.right: /],
    ['a string where a ref belongs', () => ({ label: 'a', left: 'GraphNode@64' }), FieldValueError, /^GraphNode\.left: /],
    ['a Date where a ref belongs', () => ({ label: 'a', left: new Date(0) }), FieldValueError, /^GraphNode\.left: .*Date/],
    ['a struct view where a ref belongs', (pool) => ({ label: 'a', left: viewOf(pool).pos }), FieldValueError, /^GraphNode\.left: .*struct/],
    ['an unknown key', () => ({ label: 'a', colour: 'red' }), FieldValueError, /^GraphNode\.colour: /],
    ['an unknown key deep in the graph', () => ({ label: 'a', left: { label: 'b', right: { label: 'c', wings: 2 } } }), FieldValueError, /^GraphNode\.left\.right\.wings: /],
    ['an own __proto__ key (JSON.parse)', () => JSON.parse('{"label":"a","__proto__":{"label":"b"}}'), FieldValueError, /^GraphNode\.__proto__: /],
    ['an own __proto__ key in a nested object', () => JSON.parse('{"label":"a","left":{"__proto__":{}}}'), FieldValueError, /^GraphNode\.left\.__proto__: /],
    ['a constructor key', () => ({ label: 'a', constructor: 'x' }), FieldValueError, /^GraphNode\.constructor: /],
    ['an unknown key in a struct', () => ({ label: 'a', pos: { x: 1, z: 2 } }), FieldValueError, /^GraphNode\.pos\.z: /],
    ['a $id in a struct', () => ({ label: 'a', pos: { $id: 's', x: 1 } }), FieldValueError, /^GraphNode\.pos\.\$id: /],
    ['a number where a struct belongs', () => ({ label: 'a', pos: 7 }), FieldValueError, /^GraphNode\.pos: /],
    ['an array where a struct belongs', () => ({ label: 'a', pos: [1, 2] }), FieldValueError, /^GraphNode\.pos: /],
    ['a bad value deep in the graph', () => ({ label: 'a', left: { label: 'b', pos: { x: 2 ** 40 } } }), FieldValueError, /^GraphNode\.left\.pos\.x: .*integer/],
    ['a bad heap string after good ones', () => ({ label: 'a', left: { label: 'b' }, right: { label: 3 } }), FieldValueError, /^GraphNode\.right\.label: /],
    ['an array at the top', () => [], TypeError, /fromPlain: plain/],
    ['null at the top', () => null, TypeError, /fromPlain: plain/],
    ['a live object at the top', (pool) => viewOf(pool), TypeError, /fromPlain: plain/],
  ])('%s', (_what, input, ErrorClass, message) => {
    const pool = openPool('bad');
    const plain = input(pool);
    const before = census(pool);
    let error: unknown;
    try {
      fromPlain(pool, GraphNode, plain as Plain);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ErrorClass);
    expect((error as Error).message).toMatch(message);
    expect(census(pool)).toEqual(before);
    pool.close();
  });

  test('instances made by class-transformer are records; an undefined value leaves the field zero', () => {
    const pool = openPool('instances');
    const input = plainToInstance(CustomerModel, { name: 'inst', last: undefined });
    input.last = plainToInstance(OrderModel, { n: 4, next: undefined, customer: null });
    const c = fromPlain(pool, CustomerModel, input as unknown as Plain);
    expect([c.name, c.last!.n, c.last!.next, c.last!.customer]).toEqual(['inst', 4, null, null]);
    expect(() => fromPlain(pool, CustomerModel, plainToInstance(OrderModel, { n: 1 }) as unknown as Plain)).toThrow(TypeError);
    expect(() => fromPlain(pool, CustomerModel, { name: 'x', last: plainToInstance(CustomerModel, { name: 'y' }) })).toThrow(/^Customer\.last: .*CustomerModel/);
    expect(census(pool)).toEqual({ ...census(pool), CustomerModel: 1, OrderModel: 1 });
    pool.close();
  });

  test('a long path is shortened in the message, not spelt out link by link', () => {
    const pool = openPool('longpath');
    let plain: Plain = { n: 0, colour: 'red' };
    for (let i = 0; i < 50; i++) plain = { n: 0, next: plain };
    let error: unknown;
    try {
      fromPlain(pool, Link, plain);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FieldValueError);
    expect((error as Error).message).toMatch(/^Link(\.next){6}\.…39 more…(\.next){5}\.colour: Link has no persistent field 'colour'$/);
    expect(census(pool).Link).toBe(0);
    pool.close();
  });
});

describe('round trip of a graph with cycles, a diamond, null refs, structs, heap strings and bytes', () => {
  /** A canonical description of the graph reachable from `root`: objects numbered in visit order, refs by number. */
  function shape(root: GraphNode): unknown[] {
    const ids = new Map<GraphNode, number>();
    const out: unknown[] = [];
    const queue: GraphNode[] = [root];
    const idOf = (node: GraphNode | null): number | null => {
      if (node === null) return null;
      if (!ids.has(node)) {
        ids.set(node, ids.size);
        queue.push(node);
      }
      return ids.get(node)!;
    };
    ids.set(root, 0);
    for (let i = 0; i < queue.length; i++) {
      const n = queue[i];
      out.push({
        label: n.label, blob: [...n.blob], pos: { x: n.pos.x, y: n.pos.y, near: idOf(n.pos.near) },
        left: idOf(n.left), right: idOf(n.right),
      });
    }
    return out;
  }

  test('toPlain → fromPlain rebuilds an equal graph with shared objects shared', () => {
    const pool = openPool('roundtrip');
    const root = runTransaction(pool, () => {
      const shared = pool.create(GraphNode, { label: 'shared ' + 'é'.repeat(300), blob: new Uint8Array([1, 2, 3]) });
      const left = pool.create(GraphNode, { label: 'left', left: shared, right: null });
      const right = pool.create(GraphNode, { label: 'right', left: null, right: shared });
      const top = pool.create(GraphNode, { label: 'root', left, right });
      top.pos = { x: 1, y: 2, near: shared };
      shared.left = top; // cycle through the diamond
      shared.pos = { x: -1, y: -2, near: left };
      return top;
    });
    const before = census(pool).GraphNode;
    const copy = fromPlain(pool, GraphNode, toPlain(root));
    expect(census(pool).GraphNode).toBe(before + 4);
    expect(shape(copy)).toEqual(shape(root));
    expect(copy.left!.left).toBe(copy.right!.right);
    expect(copy.left!.left!.left).toBe(copy);
    expect(copy.pos.near).toBe(copy.left!.left);
    expect(copy.left!.left).not.toBe(root.left!.left);
    expect(copy.left!.left!.blob).toEqual(new Uint8Array([1, 2, 3]));
    pool.close();
  });

  test('shared and cyclic JS objects in the input become shared and cyclic persistent objects', () => {
    const pool = openPool('js-shared');
    const shared: Plain = { label: 'shared' };
    const top: Plain = { label: 'top', left: shared, right: shared };
    shared.left = top;
    const copy = fromPlain(pool, GraphNode, top);
    expect(census(pool).GraphNode).toBe(2);
    expect(copy.left).toBe(copy.right);
    expect(copy.left!.left).toBe(copy);
    pool.close();
  });
});
