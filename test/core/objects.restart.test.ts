import { spawnSync } from 'node:child_process';
import { Pool, runTransaction } from '@pmemts/core';
import { Everything, Point, tempDir } from './fixtures';

const tmp = tempDir('restart');
afterAll(() => tmp.cleanup());

// The child declares the same classes by hand in plain JS (a separate process, no shared state).
const childClasses = `
  const core = require(${JSON.stringify(require.resolve('../../packages/core/dist'))});
  const F = (t, o, name) => core.Field(t)(o.prototype, name);
  class Point {} F('i32', Point, 'x'); F('i32', Point, 'y'); core.Persistent({ name: 'Point' })(Point);
  class Everything {}
  for (const [t, n] of [['u8','u8'],['i8','i8'],['u16','u16'],['i16','i16'],['u32','u32'],['i32','i32'],['u64','u64'],['i64','i64'],['f32','f32'],['f64','f64'],['bool','flag'],['timestamp','when']]) F(t, Everything, n);
  F({ type: 'string', maxBytes: 16 }, Everything, 'name'); F({ type: 'heapString' }, Everything, 'essay');
  F({ type: 'heapBytes' }, Everything, 'blob'); F({ type: 'bytes', length: 4 }, Everything, 'tag');
  F({ type: 'array', of: 'u16', length: 3 }, Everything, 'triple'); F({ type: 'struct', of: () => Point }, Everything, 'at');
  core.Ref(() => Everything)(Everything.prototype, 'other'); core.Persistent({ name: 'Everything' })(Everything);
`;

test('every field type written by one process reads back in another, and the other way round', () => {
  const file = tmp.file('restart');
  const pool = Pool.create(file, { types: [Everything] });
  runTransaction(pool, () => {
    const e = pool.create(Everything, {
      u8: 1, i8: -2, u16: 3, i16: -4, u32: 5, i32: -6, u64: 7n, i64: -8n, f32: 0.5, f64: 1.25, flag: true,
      when: new Date(86400000), name: 'ß', essay: 'long '.repeat(100), blob: new Uint8Array([5]), tag: new Uint8Array([1, 2, 3, 4]), triple: [9, 8, 7],
    });
    e.at = { x: 1, y: 2 } as Point;
    e.other = e;
  });
  pool.close();
  const script = `${childClasses}
    const pool = core.Pool.open(${JSON.stringify(file)}, { types: [Everything] });
    const e = [...pool.objects(Everything)][0];
    const out = { u8: e.u8, i8: e.i8, u16: e.u16, i16: e.i16, u32: e.u32, i32: e.i32, u64: String(e.u64), i64: String(e.i64), f32: e.f32, f64: e.f64,
      flag: e.flag, when: e.when.getTime(), name: e.name, essay: e.essay.length, blob: [...e.blob], tag: [...e.tag], triple: e.triple, at: [e.at.x, e.at.y], self: e.other === e };
    core.runTransaction(pool, () => { e.u32 = 4000000000; e.name = 'child'; e.essay = 'from the child'; });
    pool.close();
    console.log(JSON.stringify(out));`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  expect(JSON.parse(child.stdout)).toEqual({
    u8: 1, i8: -2, u16: 3, i16: -4, u32: 5, i32: -6, u64: '7', i64: '-8', f32: 0.5, f64: 1.25, flag: true, when: 86400000,
    name: 'ß', essay: 500, blob: [5], tag: [1, 2, 3, 4], triple: [9, 8, 7], at: [1, 2], self: true,
  });
  const again = Pool.open(file, { types: [Everything] });
  const e = [...again.objects(Everything)][0];
  expect([e.u32, e.name, e.essay]).toEqual([4000000000, 'child', 'from the child']);
  again.close();
});
