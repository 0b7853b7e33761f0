/** The generated C header declares counter fields so that C reads their sum and can add to a stripe. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Field, generateCHeader, Persistent, Pool, resolveLayouts, runTransaction, type PCounter } from '@pmemts/core';
import { tempDir } from '../core/fixtures';

@Persistent({ name: 'CHits' })
class CHits {
  @Field('u8') tag!: number;
  @Field({ type: 'counter', stripes: 8 }) hits!: PCounter;
  @Field({ type: 'counter', stripes: 3 }) misses!: PCounter;
  @Field('u32') after!: number;
}

const tmp = tempDir('counter-c');
afterAll(() => tmp.cleanup());

test('the header declares the stripes, the sum helper and asserts every offset', () => {
  const header = generateCHeader(resolveLayouts([CHits]));
  expect(header).toContain('struct pmemts_counter_stripe {\n\t_Alignas(64) uint64_t value;\n};');
  expect(header).toContain('\tstruct pmemts_counter_stripe hits[8] /* counter: its value is pmemts_counter_sum(hits, 8) */;');
  expect(header).toContain('\tstruct pmemts_counter_stripe misses[3] /* counter: its value is pmemts_counter_sum(misses, 3) */;');
  expect(header).toContain('_Static_assert(offsetof(struct CHits, misses) == 576, "CHits.misses: offset");');
  expect(header).toContain('_Static_assert(sizeof(struct CHits) == 832, "CHits: size");');
  expect(header.match(/PMEMTS_COUNTER_DEFINED/g)).toHaveLength(2); // declared once, guarded
});

test('a C program sums what TypeScript added, adds to one stripe in a transaction, and TypeScript sees the sum', () => {
  const file = tmp.file('c');
  let pool = Pool.create(file, { types: [CHits] });
  let hits = pool.root(CHits);
  for (let i = 1; i <= 10; i++) runTransaction(pool, () => hits.hits.add(i));
  runTransaction(pool, () => hits.misses.add(4));
  pool.close();
  const dir = path.dirname(file);
  fs.writeFileSync(path.join(dir, 'hits.h'), generateCHeader(resolveLayouts([CHits])));
  const source = path.join(dir, 'hits.c');
  fs.writeFileSync(
    source,
    `#include <libpmemobj.h>
#include <stdio.h>
#include "hits.h"
int main(int argc, char **argv) {
\t(void)argc;
\tPMEMobjpool *pop = pmemobj_open(argv[1], PMEMTS_PMEMTS_LAYOUT);
\tif (pop == NULL) return 2;
\tPMEMoid record = pmemobj_root(pop, 48);
\tchar *base = (char *)pmemobj_direct(record) - record.off;
\tstruct CHits *h = (struct CHits *)(base + *(uint64_t *)((char *)pmemobj_direct(record) + 32));
\tunsigned long before = (unsigned long)pmemts_counter_sum(h->hits, 8), misses = (unsigned long)pmemts_counter_sum(h->misses, 3);
\tTX_BEGIN(pop) {
\t\tpmemobj_tx_add_range_direct(&h->hits[5].value, sizeof h->hits[5].value);
\t\th->hits[5].value += 1000;
\t} TX_END
\tprintf("%lu %lu %lu\\n", before, misses, (unsigned long)pmemts_counter_sum(h->hits, 8));
\tpmemobj_close(pop);
\treturn 0;
}
`,
  );
  const exe = path.join(dir, 'hits');
  execFileSync('cc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-o', exe, source, '-lpmemobj'], { stdio: 'pipe' });
  expect(execFileSync(exe, [file], { encoding: 'utf8' }).trim()).toBe('55 4 1055');
  pool = Pool.open(file, { types: [CHits], probe: false });
  hits = pool.root(CHits);
  expect([hits.hits.value, hits.misses.value]).toEqual([1055n, 4n]);
  pool.close();
});
