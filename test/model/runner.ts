/**
 * Runs a program on a real pool and on the model side by side. Each operation is resolved against the
 * model first (a store to an empty slot is skipped, a ref names only committed objects, an object once
 * referenced is never freed), then done on the pool the way an application would, then given to the
 * model. Whatever the pool does that the model does not expect (an error, a missing error, the wrong
 * error) is a Violation. Each top-level operation is a step, acknowledged through the hooks.
 */
import * as fs from 'node:fs';
import { FieldValueError, Pool, runTransaction, TransactionError } from '@pmemts/core';
import { setNodeCapacityForTests } from '../../packages/core/src/collections';
import { CLASSES, LAYOUT_NAME, memoryOf, slotField, STRUCTS, type ClassSlot } from './classes';
import { runCollectionOp } from './collection-ops';
import { runSpaceOp } from './space-ops';
import { runCheckpointOp } from './checkpoint-ops';
import { runCounterOp } from './counter-ops';
import { LEAF_BY_PATH, Model, type ModelObject } from './model';
import { thrownValue, type Op, type Program, type RefTo } from './program';

export class Violation extends Error {
  override name = 'Violation';
}

export interface RunHooks {
  /** Before step `index` starts. */
  beforeStep?(index: number): void;
  /** Step `index` returned; `pool` is open (after a reopen, the new one). */
  afterStep?(index: number, pool: Pool, model: Model, op: Op | 'close'): void;
}

export const POOL_SIZE = 8 * 1024 * 1024;

/** Tiny tree nodes (the smallest the core allows), so every program splits and merges at several levels. */
setNodeCapacityForTests({ leaf: 4, inner: 3 });

export function poolOptions(program: Program) {
  return { layout: LAYOUT_NAME, types: CLASSES.types as never[], memory: memoryOf(program.pool.config, program.pool.cacheBytes), heat: program.pool.heat === true };
}

/**
 * Creates a pool file with the root object, closed. The file holds no memory settings (only the
 * classes' layouts), so one such file, copied, serves every program.
 */
export function createPool(file: string, program: Program): void {
  const pool = Pool.create(file, { ...poolOptions(program), size: POOL_SIZE });
  pool.root(CLASSES.root as never);
  pool.close();
}

/** A pool for one program: a copy of `template` (made by createPool), much cheaper than creating one. */
export function copyPool(template: string, file: string): void {
  fs.copyFileSync(template, file);
}

export function openPool(file: string, program: Program): Pool {
  return Pool.open(file, { ...poolOptions(program), probe: false });
}

type Row = Record<string, unknown>;
/** What a transaction closure saw thrown, when it threw. */
type Thrown = { error: unknown } | null;

/** Runs `program` on the pool at `file` (made by createPool); closes it at the end. Returns the model. */
export function runProgram(file: string, program: Program, model: Model, hooks: RunHooks = {}): Model {
  let pool = openPool(file, program);
  let root = pool.root(CLASSES.root as never) as Row;
  const view = (at: ClassSlot): Row => root[slotField(at.cls, at.slot)] as Row;

  const fail = (message: string): never => {
    throw new Violation(message);
  };
  const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : `${typeof e} ${String(e)}`);

  /** Assigns `value` at a leaf path ("at.x") or a struct/top-level field name. */
  const assign = (target: Row, path: string, value: unknown): void => {
    const [head, tail] = path.split('.');
    if (tail === undefined) target[head] = value;
    else (target[head] as Row)[tail] = value;
  };

  /** The leaves a store at `path` changes, with their model values (refs as RefTo). */
  const leavesOf = (path: string, value: unknown): [string, unknown][] =>
    path in STRUCTS ? STRUCTS[path].map((f) => [`${path}.${f}`, (value as Row)[f]]) : [[path, value]];

  /** The pool-side value of a model value: a RefTo becomes the view in that slot. */
  const poolValue = (cls: number, path: string, value: unknown): unknown => {
    if (LEAF_BY_PATH.get(path)?.kind !== 'ref' || value === null) return value;
    return view({ cls, slot: (value as RefTo).ref });
  };

  /** Whether every ref among these leaves names a committed object (else the op is skipped). */
  const refsResolve = (cls: number, leaves: [string, unknown][]): boolean =>
    leaves.every(([p, v]) => LEAF_BY_PATH.get(p)?.kind !== 'ref' || model.refTarget(cls, v as RefTo | null) !== undefined);

  /**
   * runTransaction(pool, body) as the model expects it to behave. At top level the expected error is
   * swallowed (the program "catches" it); nested, the closure's error propagates to the outer closure.
   */
  const transaction = (body: () => void): void => {
    const top = model.depth === 0;
    model.txBegin();
    let thrown: Thrown = null;
    let caught: Thrown = null;
    try {
      runTransaction(pool, () => {
        try {
          body();
        } catch (error) {
          if (error instanceof Violation) throw error;
          thrown = { error };
          throw error;
        }
      });
    } catch (error) {
      if (error instanceof Violation) throw error;
      caught = { error };
    }
    const failure = model.failure;
    const outcome = model.txEnd(thrown);
    if (!top) {
      if (thrown !== null) throw (thrown as { error: unknown }).error;
      if (caught !== null) fail(`a nested runTransaction threw ${describe((caught as { error: unknown }).error)} though its closure returned`);
      return;
    }
    if (outcome === 'committed') {
      if (caught !== null) fail(`runTransaction threw ${describe((caught as { error: unknown }).error)} where the model commits`);
      return;
    }
    if (caught === null) fail('runTransaction returned where the model aborts');
    const error = (caught as { error: unknown }).error;
    if (thrown !== null) {
      if (error !== (thrown as { error: unknown }).error) fail(`runTransaction rethrew ${describe(error)}, not the closure's ${describe((thrown as { error: unknown }).error)}`);
    } else if (!(error instanceof TransactionError && error.code === 'TX_INNER_FAILED' && error.cause === failure?.error)) {
      fail(`an inner runTransaction failed and was caught: expected TransactionError TX_INNER_FAILED caused by ${describe(failure?.error)}, got ${describe(error)}`);
    }
  };

  /** Runs `body` in a transaction of its own when none is running (creates and frees link to the root). */
  const transactional = (body: () => void): void => (model.depth === 0 ? transaction(body) : body());

  const create = (op: Extract<Op, { op: 'create' }>): void => {
    if (model.object(op.at) !== null) return;
    const cls = op.at.cls;
    const leaves = Object.entries(op.init ?? {}).flatMap(([k, v]) => leavesOf(k, v)).filter(([p, v]) =>
      LEAF_BY_PATH.get(p)?.kind !== 'ref' || model.refTarget(cls, v as RefTo | null) !== undefined);
    const init: Row = {};
    for (const [p, v] of leaves) {
      const [head, tail] = p.split('.');
      if (tail === undefined) init[head] = poolValue(cls, p, v);
      else init[head] = { ...(init[head] as Row), [tail]: v };
    }
    if (op.bad) init[op.bad.path] = op.bad.value; // a top-level field or a whole struct
    const Class = CLASSES.data[cls] as never;
    transactional(() => {
      let made: Row;
      try {
        made = pool.create(Class, (op.init === undefined && !op.bad ? undefined : init) as never) as Row;
      } catch (error) {
        if (!op.bad || !(error instanceof FieldValueError)) fail(`create threw ${describe(error)}`);
        model.innerFailed(error); // create's own runTransaction threw inside ours
        return;
      }
      if (op.bad) fail(`create accepted the invalid ${op.bad.path} ${String(op.bad.value)}`);
      root[slotField(cls, op.at.slot)] = made!;
      const o = model.create(op.at);
      for (const [p, v] of leaves) model.store(o, p, v);
    });
  };

  const store = (op: Extract<Op, { op: 'store' }>): void => {
    const o = model.object(op.at);
    if (o === null) return;
    const leaves = leavesOf(op.path, op.value);
    if (!refsResolve(op.at.cls, leaves)) return;
    const value = op.path in STRUCTS ? op.value : poolValue(op.at.cls, op.path, op.value);
    const refusal = model.refusal(op.at);
    try {
      assign(view(op.at), op.path, value);
    } catch (error) {
      if (refusal !== null && error instanceof TransactionError && error.code === refusal) return;
      fail(`store to ${op.path} threw ${describe(error)}${refusal ? ` (expected ${refusal})` : ''}`);
    }
    if (refusal !== null) fail(`store to ${op.path} outside runTransaction was accepted; expected ${refusal}`);
    for (const [p, v] of leaves) model.store(o, p, v);
  };

  const storeInvalid = (op: Extract<Op, { op: 'storeInvalid' }>): void => {
    if (model.object(op.at) === null) return;
    const refusal = model.refusal(op.at);
    try {
      assign(view(op.at), op.path, op.value);
    } catch (error) {
      if (error instanceof FieldValueError) return;
      if (refusal !== null && error instanceof TransactionError && error.code === refusal) return;
      fail(`invalid store to ${op.path} threw ${describe(error)}, not FieldValueError`);
    }
    fail(`invalid store to ${op.path} (${String(op.value)}) was accepted`);
  };

  const free = (o: ModelObject): void => {
    transactional(() => {
      pool.free(view(o.at) as object);
      root[slotField(o.at.cls, o.at.slot)] = null;
      model.free(o);
    });
  };

  const collections = { model, pool: () => pool, view, fail, describe };

  const runOp = (op: Op): void => {
    switch (op.op) {
      case 'create': return create(op);
      case 'store': return store(op);
      case 'storeInvalid': return storeInvalid(op);
      case 'free': {
        const o = model.object(op.at);
        if (o !== null && !o.referenced) free(o);
        return;
      }
      case 'tx':
        return transaction(() => {
          for (const inner of op.body) {
            if (!op.catchInner || inner.op !== 'tx') {
              runOp(inner);
              continue;
            }
            try {
              runOp(inner);
            } catch (error) {
              if (error instanceof Violation) throw error;
            }
          }
        });
      case 'mutate': case 'mutateInvalid': case 'read': case 'iterate':
        return runCollectionOp(collections, op);
      case 'add':
        return runCounterOp(collections, op);
      case 'space':
        return runSpaceOp(collections, op);
      case 'checkpoint':
        return runCheckpointOp(collections);
      case 'throw':
        throw thrownValue(op.value);
      case 'flush':
        pool.flush();
        model.flush();
        return;
      case 'reopen':
        pool.close();
        model.flush();
        pool = openPool(file, program);
        root = pool.root(CLASSES.root as never) as Row;
        return;
    }
  };

  try {
    program.ops.forEach((op, index) => {
      hooks.beforeStep?.(index);
      model.beginStep();
      runOp(op);
      model.endStep();
      hooks.afterStep?.(index, pool, model, op);
    });
    if (program.pool.heat === true) checkHeatTotals(pool);
    hooks.beforeStep?.(program.ops.length);
    model.beginStep();
    pool.close();
    model.flush();
    model.endStep();
    hooks.afterStep?.(program.ops.length, pool, model, 'close');
    return model;
  } finally {
    // Copies of one template share the pool's uuid, and libpmemobj opens a uuid once per process.
    if (!pool.closed) pool.close();
  }
}

/** A heat report's lines account for every flush it counts (while the record keeps all of its lines). */
function checkHeatTotals(pool: Pool): void {
  const report = pool.heat({ top: Number.MAX_SAFE_INTEGER });
  const perLine = report.lines.reduce((sum, line) => sum + line.flushes, 0);
  if (report.complete && perLine !== report.flushedLines) {
    throw new Violation(`heat: the lines sum to ${perLine} flushes, the total says ${report.flushedLines}`);
  }
  if (report.lines.some((line) => line.flushes <= 0 || line.offset % 64 !== 0)) throw new Violation('heat: a line with no flushes or unaligned');
}
