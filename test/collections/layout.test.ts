import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Field, Persistent, Pool, SchemaMismatchError, generateCHeader, resolveLayout, resolveLayouts, runTransaction, type PMap, type PVector } from '@pmemts/core';
import { Bank, tempDir } from './fixtures';

const tmp = tempDir('col-layout');
afterAll(() => tmp.cleanup());

@Persistent({ name: 'ColCBank' })
class CBank {
  @Field('u8') tag!: number;
  @Field({ type: 'map', key: 'u64', value: 'u64' }) counts!: PMap<bigint, bigint>;
  @Field({ type: 'vector', of: 'f32' }) samples!: PVector<number>;
}

test('a map or vector field is a 16-byte, 8-aligned PMEMoid slot; its key and value types are in the fingerprint', () => {
  const layout = resolveLayout(CBank);
  expect(layout.fields.map((f) => [f.name, f.kind, f.offset, f.size, f.align])).toEqual([
    ['tag', 'scalar', 0, 1, 1],
    ['counts', 'map', 8, 16, 8],
    ['samples', 'vector', 24, 16, 8],
  ]);
  @Persistent({ name: 'ColCBank' })
  class SameButI64 {
    @Field('u8') tag!: number;
    @Field({ type: 'map', key: 'i64', value: 'u64' }) counts!: PMap<bigint, bigint>;
    @Field({ type: 'vector', of: 'f32' }) samples!: PVector<number>;
  }
  @Persistent({ name: 'ColCBank' })
  class SameButF64Values {
    @Field('u8') tag!: number;
    @Field({ type: 'map', key: 'u64', value: 'f64' }) counts!: PMap<bigint, number>;
    @Field({ type: 'vector', of: 'f32' }) samples!: PVector<number>;
  }
  const prints = new Set([CBank, SameButI64, SameButF64Values].map((c) => resolveLayout(c).fingerprint));
  expect(prints.size).toBe(3);
  // Ref values pull their class into the pool's layouts, as refs do.
  expect(resolveLayouts([Bank]).map((l) => l.name)).toContain('ColAccount');
  expect(resolveLayout(Bank).fields.find((f) => f.name === 'byId')).toMatchObject({ kind: 'map', targetName: 'ColAccount', key: { kind: 'scalar', scalar: 'u64' } });
});

test('reopening with another key type is a schema mismatch', () => {
  const file = tmp.file('mismatch');
  Pool.create(file, { types: [CBank] }).close();
  @Persistent({ name: 'ColCBank' })
  class Changed {
    @Field('u8') tag!: number;
    @Field({ type: 'map', key: 'u32', value: 'u64' }) counts!: PMap<number, bigint>;
    @Field({ type: 'vector', of: 'f32' }) samples!: PVector<number>;
  }
  expect(() => Pool.open(file, { types: [Changed] })).toThrow(SchemaMismatchError);
  expect(() => Pool.open(file, { types: [Changed] })).toThrow(/ColCBank/);
});

test('a C program reads the map and vector the documented way, with the generated header', () => {
  const file = tmp.file('c');
  const pool = Pool.create(file, { types: [CBank] });
  const bank = pool.root(CBank);
  runTransaction(pool, () => {
    for (let i = 1; i <= 1000; i++) bank.counts.set(BigInt(i * 3), BigInt(i * 6));
    for (let i = 0; i < 10; i++) bank.samples.push(i + 0.5);
  });
  pool.close();
  const header = generateCHeader(resolveLayouts([CBank, Bank]), { layoutName: 'pmemts' });
  expect(header).toContain('PMEMoid counts /* -> struct pmemts_map_header; keys u64, values u64 */;');
  expect(header).toContain('PMEMoid byId /* -> struct pmemts_map_header; keys u64, values TOID(struct ColAccount) */;');
  const dir = path.dirname(file);
  fs.writeFileSync(path.join(dir, 'bank.h'), header);
  fs.writeFileSync(
    path.join(dir, 'walk.c'),
    `#include <libpmemobj.h>
#include <stdio.h>
#include "bank.h"
int main(int argc, char **argv) {
\t(void)argc;
\tPMEMobjpool *pop = pmemobj_open(argv[1], PMEMTS_PMEMTS_LAYOUT);
\tif (pop == NULL) return 2;
\tPMEMoid record = pmemobj_root(pop, 48);
\tchar *base = (char *)pmemobj_direct(record) - record.off;
\tstruct ColCBank *bank = (struct ColCBank *)(base + *(uint64_t *)((char *)pmemobj_direct(record) + 32));
\tstruct pmemts_map_header *h = pmemobj_direct(bank->counts);
\tsize_t r = (h->leaf_cap + 7u) & ~7u, slot = ((size_t)h->key_size + h->value_size + 7u) & ~7u;
\tunsigned long n = 0, sum = 0, bad = 0, prev = 0;
\tfor (uint64_t leaf = h->first_leaf; leaf != 0; leaf = *(uint64_t *)(base + leaf + 16 + r)) {
\t\tstruct pmemts_map_leaf *l = (struct pmemts_map_leaf *)(base + leaf);
\t\tunsigned long least = ~0ul;
\t\tfor (unsigned i = 0; i < h->leaf_cap; i++) {
\t\t\tif (!(l->bitmap >> i & 1)) continue;
\t\t\tuint64_t key = *(uint64_t *)(base + leaf + 32 + r + i * slot);
\t\t\tuint64_t value = *(uint64_t *)(base + leaf + 32 + r + i * slot + 8);
\t\t\tif (value != 2 * key || key <= prev) bad++;
\t\t\tif (key < least) least = key;
\t\t\tn++;
\t\t\tsum += key;
\t\t}
\t\tfor (unsigned i = 0; i < h->leaf_cap; i++) if (l->bitmap >> i & 1) { uint64_t key = *(uint64_t *)(base + leaf + 32 + r + i * slot); if (key > prev) prev = key; }
\t\t(void)least;
\t}
\tstruct pmemts_vector_header *v = pmemobj_direct(bank->samples);
\tfloat *data = (float *)(base + v->data);
\tdouble total = 0;
\tfor (uint64_t i = 0; i < v->length; i++) total += data[i];
\tprintf("%lu %lu %lu %lu %lu %g\\n", (unsigned long)h->count, n, sum, bad, (unsigned long)v->length, total);
\tpmemobj_close(pop);
\treturn 0;
}
`,
  );
  const exe = path.join(dir, 'walk');
  execFileSync('cc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-o', exe, path.join(dir, 'walk.c'), '-lpmemobj'], { stdio: 'pipe' });
  const out = execFileSync(exe, [file], { encoding: 'utf8' }).trim().split(' ');
  expect(out).toEqual(['1000', '1000', String((3 * 1000 * 1001) / 2), '0', '10', '50']);
});
