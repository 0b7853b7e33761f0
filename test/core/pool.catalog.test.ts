import 'reflect-metadata';
import { Field, Persistent, Pool, SchemaMismatchError, PoolCorruptError } from '@pmemts/core';
import * as native from '@pmemts/native';
import { Counter, tempDir } from './fixtures';

const tmp = tempDir('catalog');
afterAll(() => tmp.cleanup());

function accountV(version: number, fields: (target: object) => void) {
  class Account {}
  fields(Account.prototype);
  Persistent({ name: 'Account', version })(Account);
  return Account;
}

test('a changed class is a SchemaMismatchError listing each difference; nothing is changed', () => {
  const file = tmp.file('mismatch');
  const V1 = accountV(1, (p) => {
    Field('u32')(p, 'id');
    Field('f64')(p, 'balance');
  });
  Pool.create(file, { types: [V1, Counter] }).close();
  // Same version, another layout (a higher version would migrate: test/schema/migration.test.ts).
  const V2 = accountV(1, (p) => {
    Field('u64')(p, 'id');
    Field('f64')(p, 'balance');
    Field('u8')(p, 'flags');
  });
  let error: SchemaMismatchError | undefined;
  try {
    Pool.open(file, { types: [V2] });
  } catch (e) {
    error = e as SchemaMismatchError;
  }
  expect(error).toBeInstanceOf(SchemaMismatchError);
  const diffs = error!.differences.map((d) => `${d.type}.${d.field ?? ''} ${d.what}`);
  expect(diffs).toEqual(expect.arrayContaining(['Account. size', 'Account.id field', 'Account.flags field']));
  expect(error!.message).toMatch(/Account\.flags: field: pool has no such field/);
  // The pool is untouched and still opens with the original classes.
  Pool.open(file, { types: [V1] }).close();
});

test('a new class is added to the catalog of an existing pool', () => {
  const file = tmp.file('add');
  const V1 = accountV(1, (p) => Field('u32')(p, 'id'));
  Pool.create(file, { types: [V1] }).close();
  const pool = Pool.open(file, { types: [V1, Counter] });
  pool.create(Counter, { value: 3n });
  pool.close();
  const again = Pool.open(file, { types: [V1, Counter] });
  expect([...again.objects(Counter)][0].value).toBe(3n);
  again.close();
});

test('a libpmemobj pool that pmemts did not write is refused, not misread', () => {
  const file = tmp.file('foreign');
  const raw = native.create(file, 'pmemts', 8 * 1024 * 1024);
  const root = raw.root(64);
  new DataView(raw.buffer).setBigUint64(root, 0x1234n, true);
  raw.persist(root, 8);
  raw.close();
  expect(() => Pool.open(file, { types: [Counter] })).toThrow(PoolCorruptError);
});
