/**
 * The bad-input tables' shared machinery: a row's expected outcome, the check that runs a row against
 * it, and "the pool is unchanged" as a comparable image (the heap's allocations, the objects' bytes in
 * the pool file, and their fields as the program reads them).
 */
import * as fs from 'node:fs';
import { Pool } from '@pmemts/core';

/** A typed error: its class, and its `code` for pmemts errors or a message pattern for TypeError/RangeError. */
export interface Refused {
  readonly error: abstract new (...args: never[]) => Error;
  readonly code?: string;
  readonly message?: RegExp;
}

export type Outcome = Refused | { readonly returns: unknown };

export const refused = (error: Refused['error'], codeOrMessage?: string | RegExp): Refused =>
  typeof codeOrMessage === 'string' ? { error, code: codeOrMessage } : { error, message: codeOrMessage };

/** Runs `call` and asserts exactly `outcome`: the error's class and code (or message), or the value returned. */
export function expectOutcome(call: () => unknown, outcome: Outcome): void {
  if ('returns' in outcome) {
    expect(call()).toEqual(outcome.returns);
    return;
  }
  let thrown: unknown;
  let returned: unknown;
  try {
    returned = call();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error(`expected ${outcome.error.name}${outcome.code ? ' ' + outcome.code : ''}, but the call returned ${describe(returned)}`);
  // The class exactly, not a subclass: PoolCorruptError is a PoolError, but they mean different things.
  // Node's own TypeErrors come from outside jest's sandbox, so built-in classes are compared by name.
  const builtin = outcome.error === TypeError || outcome.error === RangeError;
  if (builtin) expect((thrown as Error).constructor?.name).toBe(outcome.error.name);
  else expect((thrown as Error).constructor).toBe(outcome.error);
  if (outcome.code !== undefined) expect({ code: (thrown as { code?: unknown }).code, message: (thrown as Error).message }).toMatchObject({ code: outcome.code });
  if (outcome.message !== undefined) expect((thrown as Error).message).toMatch(outcome.message);
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return `a ${value.constructor?.name ?? 'null-prototype object'}`;
  return String(value);
}

/** What a program reads from a field: views become their offset, so images compare by value. */
export function fieldsOf(pool: Pool, obj: object): Record<string, unknown> {
  const { layout } = pool.locate(obj);
  const out: Record<string, unknown> = {};
  for (const field of layout.fields) {
    const value = (obj as Record<string, unknown>)[field.name];
    if (field.kind === 'struct') out[field.name] = fieldsOf(pool, value as object);
    else if (field.kind === 'ref') out[field.name] = value === null ? null : { ref: pool.locate(value as object).offset };
    else out[field.name] = value;
  }
  return out;
}

/**
 * An image of what bad input must not change: every allocation of the heap (a leaked or freed blob
 * shows), the objects' persistent bytes read from the pool file, and their fields as read through views
 * (which also covers write-back DRAM copies).
 */
export function poolImage(pool: Pool, objects: object[]): unknown {
  const fd = fs.openSync(pool.path, 'r');
  try {
    return {
      heap: [...pool.heap()],
      objects: objects.map((obj) => {
        const { offset, layout } = pool.locate(obj);
        const bytes = Buffer.alloc(layout.size);
        fs.readSync(fd, bytes, 0, layout.size, offset);
        return { offset, bytes: bytes.toString('hex'), fields: fieldsOf(pool, obj) };
      }),
    };
  } finally {
    fs.closeSync(fd);
  }
}

/** Asserts `call` gives `outcome` and, when it is refused, that `objects` and the heap are exactly as before. */
export function expectRefusedUnchanged(pool: Pool, objects: object[], call: () => unknown, outcome: Refused): void {
  const before = poolImage(pool, objects);
  expectOutcome(call, outcome);
  expect(poolImage(pool, objects)).toEqual(before);
}

/** A hash-free fingerprint of a closed pool file: equal bytes or not. */
export function fileBytes(file: string): Buffer {
  return fs.readFileSync(file);
}
