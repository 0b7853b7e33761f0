/**
 * toPlain/fromPlain with collections (issue 9): a map is `[key, value]` pairs in key order, a vector an
 * array; ref values go through the same `$id`/`$ref` walk as ref fields (shared objects, cycles through
 * maps); fromPlain fills them in its one transaction and names the path of a malformed entry, creating
 * nothing; long chains through maps convert without recursion.
 */
import 'reflect-metadata';
import { Field, FieldValueError, Persistent, Pool, Ref, fromPlain, runTransaction, toPlain, type PMap, type PVector } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { setNodeCapacityForTests } from '../../packages/core/src/collections';

const tmp = tempDir('col-plain');
afterAll(() => tmp.cleanup());
afterEach(() => setNodeCapacityForTests(null));

@Persistent({ name: 'PlainAccount' })
class Account {
  @Field({ type: 'string', maxBytes: 16 }) owner!: string;
  @Field('i64') balance!: bigint;
  @Ref(() => Bank) bank!: Bank | null;
  @Field({ type: 'map', key: 'u32', value: () => Account }) peers!: PMap<number, Account>;
}

@Persistent({ name: 'PlainBank' })
class Bank {
  @Field({ type: 'string', maxBytes: 16 }) name!: string;
  @Field({ type: 'map', key: 'u64', value: () => Account }) byId!: PMap<bigint, Account>;
  @Field({ type: 'map', key: { type: 'string', maxBytes: 16 }, value: () => Account }) byOwner!: PMap<string, Account>;
  @Field({ type: 'map', key: 'i64', value: 'f64' }) rates!: PMap<bigint, number>;
  @Field({ type: 'map', key: { type: 'bytes', maxLength: 4 }, value: { type: 'string', maxBytes: 8 } }) tags!: PMap<Uint8Array, string>;
  @Field({ type: 'vector', of: () => Account }) recent!: PVector<Account | null>;
  @Field({ type: 'vector', of: 'f64' }) samples!: PVector<number>;
}

const TYPES = [Bank, Account];
const openPool = (name: string) => Pool.create(tmp.file(name), { types: TYPES, size: 64 * 1024 * 1024 });
type Plain = Record<string, unknown>;

function census(pool: Pool): string {
  return `${[...pool.objects(Bank)].length} banks, ${[...pool.objects(Account)].length} accounts`;
}

/** A bank with shared accounts, a cycle through two maps (ada ↔ bob) and one back to the bank. */
function sampleBank(pool: Pool): Bank {
  return runTransaction(pool, () => {
    const bank = pool.create(Bank, { name: 'central' });
    const [ada, bob, cy] = ['ada', 'bob', 'cy'].map((owner, i) => pool.create(Account, { owner, balance: BigInt(100 * (i + 1)) }));
    bank.byId.set(3n, cy).set(1n, ada).set(2n, bob);
    for (const a of [ada, bob, cy]) bank.byOwner.set(a.owner, a);
    ada.peers.set(7, bob);
    bob.peers.set(1, ada);
    cy.bank = bank;
    bank.rates.set(7n, -0.25).set(-5n, 1.5);
    bank.tags.set(new Uint8Array([2, 1]), 'two').set(new Uint8Array([1]), 'one');
    for (const a of [cy, ada, cy, null]) bank.recent.push(a);
    bank.samples.push(1.5);
    bank.samples.push(-2);
    return bank;
  });
}

/**
 * The plain form as JSON with bigints and bytes spelt out and `$id`/`$ref` labels renamed by order of
 * first appearance, so two pools' plain forms compare equal when their graphs are equal.
 */
function canonical(plain: Plain): string {
  const labels = new Map<string, string>();
  const label = (id: string) => labels.get(id) ?? (labels.set(id, `#${labels.size}`), labels.get(id)!);
  return JSON.stringify(plain, function (key, value: unknown) {
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof Uint8Array) return `bytes:${[...value].join(',')}`;
    if ((key === '$id' || key === '$ref') && typeof value === 'string') return label(value);
    return value;
  });
}

test('toPlain writes maps as [key, value] pairs in key order and vectors as arrays, refs through $id/$ref', () => {
  const pool = openPool('to');
  const bank = sampleBank(pool);
  const plain = toPlain(bank);
  const byId = plain.byId as [bigint, Plain][];
  expect(byId.map(([k]) => k)).toEqual([1n, 2n, 3n]); // bigint keys stay bigint
  const ada = byId[0][1];
  expect(ada).toMatchObject({ owner: 'ada', balance: 100n, bank: null });
  const adaPeers = ada.peers as [number, Plain][];
  expect(adaPeers[0][0]).toBe(7);
  const bob = adaPeers[0][1]; // met first inside ada's map: inlined there
  expect(bob).toMatchObject({ owner: 'bob', peers: [[1, { $ref: ada.$id }]] }); // the cycle back to ada
  expect(byId[1][1]).toEqual({ $ref: bob.$id }); // shared: byId meets bob second
  const cy = byId[2][1];
  expect(cy).toMatchObject({ owner: 'cy', bank: { $ref: plain.$id }, peers: [] }); // cycle to the root
  expect((plain.byOwner as [string, Plain][]).map(([k, v]) => [k, v.$ref])).toEqual([['ada', ada.$id], ['bob', bob.$id], ['cy', cy.$id]]);
  expect(plain.rates).toEqual([[-5n, 1.5], [7n, -0.25]]);
  expect(plain.tags).toEqual([[new Uint8Array([1]), 'one'], [new Uint8Array([2, 1]), 'two']]);
  expect((plain.tags as [unknown][])[0][0]).toBeInstanceOf(Uint8Array);
  expect(plain.recent).toEqual([{ $ref: cy.$id }, { $ref: ada.$id }, { $ref: cy.$id }, null]);
  expect(plain.samples).toEqual([1.5, -2]);
  pool.close();
});

test('toPlain → fromPlain round-trips a bank with maps and vectors of refs, shared accounts and cycles through maps', () => {
  const source = openPool('source');
  const plain = toPlain(sampleBank(source));
  const target = openPool('target');
  const copy = fromPlain(target, Bank, plain);
  expect(canonical(toPlain(copy))).toBe(canonical(plain));
  const ada = copy.byId.get(1n)!;
  const bob = copy.byId.get(2n)!;
  const cy = copy.byId.get(3n)!;
  expect([ada.owner, bob.owner, cy.owner, cy.balance]).toEqual(['ada', 'bob', 'cy', 300n]);
  expect(copy.byOwner.get('ada')).toBe(ada);
  expect(ada.peers.get(7)).toBe(bob);
  expect(bob.peers.get(1)).toBe(ada);
  expect(cy.bank).toBe(copy);
  expect([...copy.recent]).toEqual([cy, ada, cy, null]);
  expect([...copy.rates]).toEqual([[-5n, 1.5], [7n, -0.25]]);
  expect(copy.tags.get(new Uint8Array([2, 1]))).toBe('two');
  expect(census(target)).toBe('1 banks, 3 accounts'); // each shared account created once
  expect(target.deepCheck().problems.filter((p) => p.kind !== 'leak')).toEqual([]); // no root: everything is a 'leak'
  source.close();
  target.close();
});

const MISSING = { owner: 'x' };
test.each<[string, Plain, RegExp]>([
  ['a map field that is not an array', { byId: { 1: MISSING } }, /^PlainBank\.byId: expected an array of \[key, value\] pairs/],
  ['an entry that is not a pair', { byId: [[1n, MISSING], [2n]] }, /^PlainBank\.byId\[1\]: expected a \[key, value\] pair/],
  ['a key of the wrong type', { byId: [['1', MISSING]] }, /^PlainBank\.byId\[0\]\.key: /],
  ['a string key over its capacity', { byOwner: [['x'.repeat(17), MISSING]] }, /^PlainBank\.byOwner\[0\]\.key: /],
  ['a duplicate key', { byId: [[1n, MISSING], [2n, MISSING], [1n, MISSING]] }, /^PlainBank\.byId\[2\]\.key: the key 1 appears twice/],
  ['a scalar value of the wrong type', { rates: [[1n, 'fast']] }, /^PlainBank\.rates\[0\]\.value: /],
  ['a ref value that is not a record', { byId: [[1n, 42]] }, /^PlainBank\.byId\[0\]\.value: expected a PlainAccount record/],
  ['a $ref to an object of the wrong class', { $id: 'b', byId: [[1n, { $ref: 'b' }]] }, /^PlainBank\.byId\[0\]\.value: .*PlainAccount/],
  ['a $ref naming nothing', { byId: [[1n, MISSING], [2n, MISSING], [3n, MISSING], [4n, { $ref: 'PlainAccount@1' }]] }, /^PlainBank\.byId\[3\]\.value: \$ref 'PlainAccount@1' names no object/],
  ['a bad field inside a map value', { byId: [[1n, { owner: 'x', nope: 1 }]] }, /^PlainBank\.byId\[0\]\.value\.nope: /],
  ['a vector that is not an array', { samples: 1.5 }, /^PlainBank\.samples: expected an array/],
  ['a vector element of the wrong type', { samples: [1, 'two'] }, /^PlainBank\.samples\[1\]: /],
  ['a vector $ref naming nothing', { recent: [null, { $ref: 'nope' }] }, /^PlainBank\.recent\[1\]: \$ref 'nope' names no object/],
])('fromPlain refuses %s with a FieldValueError naming the path, creating nothing', (_, plain, message) => {
  const pool = openPool('bad');
  const before = census(pool);
  let thrown: unknown;
  try {
    fromPlain(pool, Bank, plain);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(FieldValueError);
  expect((thrown as Error).message).toMatch(message);
  expect(census(pool)).toBe(before);
  pool.close();
});

test('fromPlain accepts live accounts as map values and vector elements', () => {
  const pool = openPool('live');
  const a = pool.create(Account, { owner: 'live' });
  const bank = fromPlain(pool, Bank, { byId: [[9n, a]], recent: [a, a] });
  expect(bank.byId.get(9n)).toBe(a);
  expect([...bank.recent]).toEqual([a, a]);
  pool.close();
});

test('a 10,000-account chain through maps converts both ways without recursion', () => {
  const LENGTH = 10_000; // a recursive walk (a few frames per level) would overflow the stack
  const pool = openPool('chain');
  setNodeCapacityForTests({ leaf: 4, inner: 3 }); // one small leaf per account, so 20,000 maps fit
  const head = runTransaction(pool, () => {
    const first = pool.create(Account, { owner: 'a0' });
    let last = first;
    for (let i = 1; i < LENGTH; i++) {
      const next = pool.create(Account, { owner: `a${i}` });
      last.peers.set(0, next);
      last = next;
    }
    last.peers.set(0, first); // and a cycle back to the head
    return first;
  });
  const plain = toPlain(head);
  let node = plain;
  for (let i = 1; i < LENGTH; i++) node = (node.peers as [number, Plain][])[0][1];
  expect(node.owner).toBe(`a${LENGTH - 1}`);
  expect(node.peers).toEqual([[0, { $ref: plain.$id }]]);
  const copy = fromPlain(pool, Account, plain);
  let link = copy;
  for (let i = 1; i < LENGTH; i++) link = link.peers.get(0)!;
  expect(link.owner).toBe(`a${LENGTH - 1}`);
  expect(link.peers.get(0)).toBe(copy);
  pool.close();
});
