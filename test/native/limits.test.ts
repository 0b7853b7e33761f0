/**
 * The binding's limits are libpmemobj's, taken from its headers when the addon is built; this test
 * reads the installed headers itself, so a hand-written constant that drifted would fail here.
 */
import * as fs from 'node:fs';
import * as n from '@pmemts/native';

/** The value of `#define NAME ((size_t)EXPR)` in a libpmemobj header, evaluated (only * and literals occur). */
function headerConstant(file: string, name: string): number {
  const match = new RegExp(`#define\\s+${name}\\s+\\(\\(size_t\\)\\(?([0-9xXa-fA-F *]+)\\)?\\)`).exec(fs.readFileSync(file, 'utf8'));
  if (match === null) throw new Error(`${name} not found in ${file}`);
  return match[1].split('*').reduce((product, factor) => product * Number(factor.trim()), 1);
}

test('MAX_ALLOC_SIZE is PMEMOBJ_MAX_ALLOC_SIZE (0x3FFDFFFC0)', () => {
  expect(n.MAX_ALLOC_SIZE).toBe(0x3ffdfffc0);
  expect(n.MAX_ALLOC_SIZE).toBe(headerConstant('/usr/include/libpmemobj/base.h', 'PMEMOBJ_MAX_ALLOC_SIZE'));
});

test('MIN_POOL_SIZE and MAX_LAYOUT_LENGTH are PMEMOBJ_MIN_POOL and PMEMOBJ_MAX_LAYOUT', () => {
  expect(n.MIN_POOL_SIZE).toBe(headerConstant('/usr/include/libpmemobj/pool_base.h', 'PMEMOBJ_MIN_POOL'));
  expect(n.MIN_POOL_SIZE).toBe(8 * 1024 * 1024);
  expect(n.MAX_LAYOUT_LENGTH).toBe(headerConstant('/usr/include/libpmemobj/types.h', 'PMEMOBJ_MAX_LAYOUT'));
  expect(n.MAX_LAYOUT_LENGTH).toBe(1024);
});

test('an allocation of MAX_ALLOC_SIZE + 1 is refused in the binding, before libpmemobj', () => {
  const dir = fs.mkdtempSync('/tmp/pmemts-limits-');
  const pool = n.create(`${dir}/p`, 'x', 8 * 1024 * 1024);
  try {
    pool.txBegin();
    expect(() => pool.txAlloc(n.MAX_ALLOC_SIZE + 1, 1)).toThrow(expect.objectContaining({ code: 'OUT_OF_BOUNDS' }));
    expect(() => pool.txAlloc(n.MAX_ALLOC_SIZE, 1)).toThrow(expect.objectContaining({ code: 'OUT_OF_SPACE' }));
    pool.txAbort();
    pool.txEnd();
  } finally {
    pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
