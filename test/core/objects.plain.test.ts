import 'reflect-metadata';
import { Field, Persistent, Ref, Pool, runTransaction, toPlain, fromPlain, FieldValueError, WritePolicy, MemoryTier, TransactionError } from '@pmemts/core';
import { tempDir } from './fixtures';

const tmp = tempDir('plain');
afterAll(() => tmp.cleanup());

@Persistent({ name: 'Person' })
class Person {
  @Field({ type: 'string', maxBytes: 24 }) name!: string;
  @Field('u8') age!: number;
  @Ref(() => Person) friend!: Person | null;
}

test('toPlain follows refs and writes a cycle as $id/$ref; fromPlain creates inside one transaction and closes it', () => {
  const pool = Pool.create(tmp.file('plain'), { types: [Person] });
  const ada = fromPlain(pool, Person, { name: 'ada', age: 36, friend: { name: 'bob', age: 40, friend: null } });
  expect(ada.friend!.name).toBe('bob');
  runTransaction(pool, () => {
    ada.friend!.friend = ada;
  });
  const plain = toPlain(ada);
  expect(plain).toEqual({ $id: expect.stringMatching(/^Person@\d+$/), name: 'ada', age: 36, friend: { name: 'bob', age: 40, friend: { $ref: plain.$id } } });
  const json = JSON.parse(JSON.stringify(plain));
  expect(json.friend.name).toBe('bob');
  const copy = fromPlain(pool, Person, json);
  expect([copy.name, copy.friend!.name]).toEqual(['ada', 'bob']);
  expect(copy.friend!.friend).toBe(copy);
  const before = [...pool.objects(Person)].length;
  expect(() => fromPlain(pool, Person, { name: 'carl', age: 300 })).toThrow(FieldValueError);
  expect([...pool.objects(Person)].length).toBe(before); // nothing created
  expect(() => toPlain({ name: 'x' })).toThrow(TypeError);
  pool.close();
});

@Persistent({ name: 'Hot', memory: { cacheTier: MemoryTier.StandardDRAM, writePolicy: WritePolicy.WriteBack } })
class Hot {
  @Field('u32') n!: number;
}

@Persistent({ name: 'Cold' })
class Cold {
  @Field('u32') n!: number;
}

test('a class memory setting overrides the pool default', () => {
  const file = tmp.file('perclass');
  const pool = Pool.create(file, { types: [Hot, Cold] });
  const hot = pool.create(Hot, { n: 1 });
  const cold = pool.create(Cold, { n: 1 });
  runTransaction(pool, () => {
    hot.n = 2;
    cold.n = 2;
  });
  expect(pool.stats().dramBytes).toBeGreaterThan(0); // only Hot has a DRAM copy
  expect(() => { hot.n = 3; }).toThrow(TransactionError);
  pool.close();
  const again = Pool.open(file, { types: [Hot, Cold] });
  expect([...again.objects(Hot)][0].n).toBe(2);
  expect([...again.objects(Cold)][0].n).toBe(2);
  again.close();
  @Persistent({ name: 'Bad', memory: { writePolicy: 'sometimes' } })
  class Bad {
    @Field('u8') x!: number;
  }
  expect(() => Pool.create(tmp.file('bad'), { types: [Bad] })).toThrow(/Bad\)\.memory\.writePolicy/);
});

test('cacheBytes is a pool setting, refused on a class', () => {
  @Persistent({ name: 'Budgeted', memory: { writePolicy: WritePolicy.WriteBack, cacheBytes: 1024 } })
  class Budgeted {
    @Field('u8') x!: number;
  }
  expect(() => Pool.create(tmp.file('budget'), { types: [Budgeted] })).toThrow(/cacheBytes.*pool/);
});
