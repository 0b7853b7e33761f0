import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import 'reflect-metadata';
import { Field, Persistent, Ref } from '@pmemts/core';

/**
 * Where test pools live: tmpfs when the machine has it. Semantics are the same as on disk (no DAX,
 * flushes are msync), but an msync of tmpfs pages costs microseconds instead of a disk write, which
 * keeps `make test` inside its budget. Set PMEMTS_TEST_DIR to test on another file system.
 */
export const TEST_POOL_ROOT = process.env.PMEMTS_TEST_DIR ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());

/** A fresh directory per test file; removed after all tests in it. */
export function tempDir(prefix: string): { file(name: string): string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(TEST_POOL_ROOT, `pmemts-${prefix}-`));
  let n = 0;
  return {
    file: (name: string) => path.join(dir, `${n++}-${name}.pool`),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

@Persistent({ name: 'Point' })
export class Point {
  @Field('i32') x!: number;
  @Field('i32') y!: number;
}

@Persistent({ name: 'Everything' })
export class Everything {
  @Field('u8') u8!: number;
  @Field('i8') i8!: number;
  @Field('u16') u16!: number;
  @Field('i16') i16!: number;
  @Field('u32') u32!: number;
  @Field('i32') i32!: number;
  @Field('u64') u64!: bigint;
  @Field('i64') i64!: bigint;
  @Field('f32') f32!: number;
  @Field() f64!: number;
  @Field() flag!: boolean;
  @Field() when!: Date;
  @Field({ type: 'string', maxBytes: 16 }) name!: string;
  @Field({ type: 'heapString' }) essay!: string;
  @Field({ type: 'heapBytes' }) blob!: Uint8Array;
  @Field({ type: 'bytes', length: 4 }) tag!: Uint8Array;
  @Field({ type: 'array', of: 'u16', length: 3 }) triple!: number[];
  @Field({ type: 'struct', of: () => Point }) at!: Point;
  @Ref(() => Everything) other!: Everything | null;
}

@Persistent({ name: 'Counter' })
export class Counter {
  @Field('i64') value!: bigint;
  @Field('u32') touched!: number;
}
