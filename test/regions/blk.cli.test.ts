/**
 * `pmemts blk`: lists a pool's block stores, checks one store's map and shows its free block, prints a
 * block; typed failures for a store or LBA that is not there, and a corrupt map is exit 3.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pool } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { cli, expectOneLineFailure } from '../cli/run-cli';

const tmp = tempDir('blk-cli');
afterAll(() => tmp.cleanup());
let file = '';
let offset = 0;
beforeAll(() => {
  file = tmp.file('blk');
  const pool = Pool.create(file, { size: 16 * 1024 * 1024 });
  const store = pool.blocks('disk', { blockSize: 32, count: 3 });
  pool.blocks('other', { blockSize: 4096, count: 2 });
  pool.region('not-a-store', 64);
  store.write(1, Uint8Array.from({ length: 32 }, (_, i) => i));
  offset = store.offset;
  pool.close();
});

test('without a store: every block store with its geometry', () => {
  const r = cli('blk', file, '--json');
  expect(r.status).toBe(0);
  expect(r.json()).toEqual({ stores: [{ name: 'disk', blockSize: 32, count: 3, offset }, { name: 'other', blockSize: 4096, count: 2, offset: expect.any(Number) }] });
  const human = cli('blk', file);
  expect(human.out).toMatch(/^store\s+blockSize\s+count\s+offset\ndisk\s+32\s+3\s+\d+\nother\s+4096\s+2\s+\d+\n$/);
});

test('one store: its map checked and its free block (the write moved LBA 1 to the spare block 3, freeing 1)', () => {
  const r = cli('blk', file, 'disk', '--json');
  expect(r.status).toBe(0);
  expect(r.json()).toEqual({ name: 'disk', blockSize: 32, count: 3, offset, freeBlock: 1, map: 'valid' });
});

test('one block: its physical block and bytes, as JSON hex and as a hex dump', () => {
  const r = cli('blk', file, 'disk', '--lba', '1', '--json');
  expect(r.json()).toEqual({ name: 'disk', blockSize: 32, count: 3, offset, lba: 1, physicalBlock: 3, hex: Buffer.from(Uint8Array.from({ length: 32 }, (_, i) => i)).toString('hex') });
  const human = cli('blk', file, 'disk', '--lba', '1');
  expect(human.out).toBe('disk lba 1 (physical block 3, 32 B)\n00000000  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n00000010  10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f\n');
});

test('a pool without block stores', () => {
  const empty = tmp.file('empty');
  Pool.create(empty, { size: 16 * 1024 * 1024 }).close();
  expect(cli('blk', empty).out).toBe('(no block stores)\n');
});

test.each([
  [['blk', 'FILE', 'nope'], 2, /no block store 'nope' in this pool; it has disk, other/],
  [['blk', 'FILE', 'not-a-store'], 2, /no block store 'not-a-store'/],
  [['blk', 'FILE', 'disk', '--lba', '3'], 2, /--lba must be an integer from 0 to 2, got '3'/],
  [['blk', 'FILE', 'disk', '--lba', '-1'], 2, /--lba must be an integer/],
  [['blk', 'FILE', 'disk', '--lba', 'x'], 2, /--lba must be an integer/],
  [['blk', 'FILE', '--lba', '0'], 2, /--lba needs a block store name/],
  [['blk', '/nonexistent/pool'], 3, /no such file|ENOENT|does not exist/],
  [['blk', 'DIR'], 3, /directory/],
])('%j fails with exit %i', (args, status, message) => {
  const before = fs.readFileSync(file).subarray(0x2000);
  expectOneLineFailure(cli(...args.map((a) => (a === 'FILE' ? file : a === 'DIR' ? path.dirname(file) : a))), status, message);
  expect(fs.readFileSync(file).subarray(0x2000).equals(before)).toBe(true);
});

test('a store whose map names a block twice is exit 3 (BLOCK_STORE_CORRUPT); listing still works (it reads only the directory)', () => {
  const copy = tmp.file('corrupt');
  fs.copyFileSync(file, copy);
  const fd = fs.openSync(copy, 'r+');
  fs.writeSync(fd, Buffer.alloc(8), 0, 8, offset + 64 + 8 * 2); // LBA 2 -> block 0, which LBA 0 names too
  fs.closeSync(fd);
  expectOneLineFailure(cli('blk', copy, 'disk'), 3, /block store 'disk' at \d+: map entry \d+ \(0\) is out of range or names a block twice/);
  expect(cli('blk', copy, '--json').json().stores).toHaveLength(2); // listing reads the directory only
});
