import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import 'reflect-metadata';
import { Field, Persistent, Ref, Pool, runTransaction, resolveLayouts, generateCHeader, typeNumOf } from '@pmemts/core';
import { LayoutDefinitionError } from '@pmemts/decorators';
import { Everything, Point, Counter, tempDir } from './fixtures';

const tmp = tempDir('layout');
afterAll(() => tmp.cleanup());

@Persistent({ name: 'Padded' })
class Padded {
  @Field('u8') a!: number;
  @Field('f64') b!: number;
  @Field('u16') c!: number;
}

@Persistent({ name: 'Line', align: 64 })
class Line {
  @Field('u32') head!: number;
  @Field('u64', { align: 64 }) hot!: bigint;
}

@Persistent({ name: 'Base' })
class Base {
  @Field('u32') id!: number;
}

@Persistent({ name: 'Derived' })
class Derived extends Base {
  @Field('f64') score!: number;
}

test('C layout rules: natural alignment, declared order, padded size', () => {
  const [p] = resolveLayouts([Padded]);
  expect(p.fields.map((f) => [f.name, f.offset, f.size])).toEqual([['a', 0, 1], ['b', 8, 8], ['c', 16, 2]]);
  expect(p.size).toBe(24);
  expect(p.align).toBe(8);
  const [l] = resolveLayouts([Line]);
  expect(l.fields.map((f) => f.offset)).toEqual([0, 64]);
  expect(l.size).toBe(128);
  const [d] = resolveLayouts([Derived]);
  expect(d.fields.map((f) => [f.name, f.offset])).toEqual([['id', 0], ['score', 8]]);
});

test('type numbers are stable and derived from the name; fingerprints track the layout', () => {
  const [c] = resolveLayouts([Counter]);
  expect(c.typeNum).toBe(typeNumOf('Counter'));
  expect(typeNumOf('Counter')).toBe(typeNumOf('Counter'));
  expect(c.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  expect(resolveLayouts([Padded])[0].fingerprint).not.toBe(c.fingerprint);
});

test('refs and structs pull their classes in', () => {
  const names = resolveLayouts([Everything]).map((l) => l.name).sort();
  expect(names).toEqual(['Everything', 'Point']);
});

test('ambiguous or missing metadata is an error naming class, property and fix', () => {
  const define = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      return error as LayoutDefinitionError;
    }
    throw new Error('no error');
  };
  const s = define(() => {
    class S {
      @Field() name!: string;
    }
    return S;
  });
  expect(s).toBeInstanceOf(LayoutDefinitionError);
  expect(s.message).toMatch(/S\.name: .*maxBytes/);
  const u = define(() => {
    class U {
      @Field() value!: number | string;
    }
    return U;
  });
  expect(u.message).toMatch(/U\.value: .*Object.*explicitly/);
  const a = define(() => {
    class A {
      @Field() list!: number[];
    }
    return A;
  });
  expect(a.message).toMatch(/A\.list: .*'array'/);
  expect(define(() => Field('u128' as never)({}, 'x')).message).toMatch(/unknown field type/);
  expect(define(() => Field({ type: 'string', maxBytes: 0 })({}, 'x')).message).toMatch(/maxBytes/);
  expect(define(() => Field('u8', { align: 3 })({}, 'x')).message).toMatch(/power of two/);
  expect(define(() => Persistent({ typeNum: 0 })(class Z {})).message).toMatch(/typeNum/);
  class NotPersistent {}
  expect(define(() => resolveLayouts([NotPersistent])).message).toMatch(/not decorated with @Persistent/);
  @Persistent()
  class Empty {}
  expect(define(() => resolveLayouts([Empty])).message).toMatch(/at least one field/);
  @Persistent({ name: 'Clash', typeNum: 77 })
  class C1 {
    @Field('u8') a!: number;
  }
  @Persistent({ name: 'Clash2', typeNum: 77 })
  class C2 {
    @Field('u8') a!: number;
  }
  expect(define(() => resolveLayouts([C1, C2])).message).toMatch(/type number 77 is also used by Clash/);
});

test('a field without emitted metadata works when its type is explicit', () => {
  class Plain {}
  Field('u16')(Plain.prototype, 'n');
  Field({ type: 'string', maxBytes: 8 })(Plain.prototype, 's');
  Persistent({ name: 'Plain' })(Plain);
  expect(resolveLayouts([Plain])[0].size).toBe(16);
});

test('the generated C header compiles and reads a pool written from TypeScript', () => {
  const file = tmp.file('c');
  const types = [Everything, Point, Counter, Padded, Line, Derived];
  const pool = Pool.create(file, { types });
  const layouts = resolveLayouts(types);
  const e = runTransaction(pool, () => pool.create(Everything, { u8: 200, i64: -42n, f64: 2.5, name: 'from-ts', essay: 'heap text', triple: [7, 8, 9] }));
  runTransaction(pool, () => {
    e.at = { x: 11, y: -12 } as Point;
    e.other = e;
  });
  pool.close();
  const dir = path.dirname(file);
  fs.writeFileSync(path.join(dir, 'pmemts_types.h'), generateCHeader(layouts, { layoutName: 'pmemts' }));
  fs.writeFileSync(
    path.join(dir, 'reader.c'),
    `#include <stdio.h>
#include <string.h>
#include "pmemts_types.h"
int main(int argc, char **argv) {
  PMEMobjpool *pop = pmemobj_open(argv[1], "pmemts");
  if (!pop) { perror("open"); return 2; }
  TOID(struct Everything) e;
  POBJ_FOREACH_TYPE(pop, e) {
    const struct Everything *p = D_RO(e);
    const char *heap = (const char *)pmemobj_direct((PMEMoid){ e.oid.pool_uuid_lo, p->essay.off });
    printf("%u %lld %.1f %.*s %.*s %u %u %u %d %d %d\\n", p->u8, (long long)p->i64, p->f64, (int)p->name.len, p->name.data,
      (int)p->essay.len, heap, p->triple[0], p->triple[1], p->triple[2], p->at.x, p->at.y, TOID_EQUALS(p->other, e));
  }
  pmemobj_close(pop);
  return 0;
}
`,
  );
  const exe = path.join(dir, 'reader');
  execFileSync('cc', ['-std=c11', '-Wall', '-Werror', '-o', exe, path.join(dir, 'reader.c'), '-lpmemobj']);
  expect(execFileSync(exe, [file], { encoding: 'utf8' }).trim()).toBe('200 -42 2.5 from-ts heap text 7 8 9 11 -12 1');
});
