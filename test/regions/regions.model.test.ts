/**
 * Model-based test of regions and block stores: fast-check generates programs of region copies, fills
 * and plain stores, transactions that snapshot ranges and store into them (and into ranges they did not
 * snapshot), some throwing at the end, some nested with the inner throw caught; block writes (refused
 * inside transactions), and reopens. A plain model runs the same program: an abort restores exactly the
 * snapshotted bytes (their values at their first snapshot), nothing else; a block holds its last write.
 * After every step the pool's region and every block must equal the model.
 *
 * (The shared model tester in test/model/ cannot run these operations yet: its oracle runs the deep
 * check, which reports region and block-store allocations until it reaches the directory's roots.)
 */
import fc from 'fast-check';
import { Pool, TransactionError, runTransaction, type BlockStore, type Region } from '@pmemts/core';
import { tempDir } from '../core/fixtures';

const tmp = tempDir('regions-model');
afterAll(() => tmp.cleanup());

const REGION_BYTES = 256;
const BLOCK_SIZE = 64;
const BLOCKS = 4;
const RUNS = Number(process.env.PMEMTS_REGION_MODEL_RUNS ?? (process.env.PMEMTS_TORTURE ? 400 : 40));

type Range = { offset: number; length: number };
type InTx = { op: 'snapshot'; range: Range } | { op: 'store'; range: Range; byte: number } | { op: 'blockWrite'; lba: number; byte: number };
type Op =
  | { op: 'memcpy'; offset: number; bytes: number[] }
  | { op: 'memset'; range: Range; byte: number }
  | { op: 'poke'; at: number; byte: number }
  | { op: 'tx'; body: InTx[]; inner: InTx[] | null; throws: boolean }
  | { op: 'blockWrite'; lba: number; byte: number }
  | { op: 'reopen' };

const range: fc.Arbitrary<Range> = fc.integer({ min: 0, max: REGION_BYTES }).chain((offset) => fc.integer({ min: 0, max: Math.min(48, REGION_BYTES - offset) }).map((length) => ({ offset, length })));
const byte = fc.integer({ min: 0, max: 255 });
const lba = fc.integer({ min: 0, max: BLOCKS - 1 });
const inTx: fc.Arbitrary<InTx> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('snapshot' as const), range }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('store' as const), range, byte }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('blockWrite' as const), lba, byte }) },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 0, max: REGION_BYTES - 1 }).chain((offset) => fc.array(byte, { maxLength: REGION_BYTES - offset }).map((bytes) => ({ op: 'memcpy' as const, offset, bytes }))) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('memset' as const), range, byte }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('poke' as const), at: fc.integer({ min: 0, max: REGION_BYTES - 1 }), byte }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('tx' as const), body: fc.array(inTx, { maxLength: 6 }), inner: fc.option(fc.array(inTx, { maxLength: 3 }), { nil: null }), throws: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('blockWrite' as const), lba, byte }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
);

/** A block's content for a write: every byte differs, so a wrong block never equals the expected one. */
const blockOf = (seed: number) => Uint8Array.from({ length: BLOCK_SIZE }, (_, i) => (seed * 37 + i) & 0xff);

class Model {
  readonly region = new Uint8Array(REGION_BYTES);
  readonly blocks = Array.from({ length: BLOCKS }, () => new Uint8Array(BLOCK_SIZE));
  /** Byte index -> its value at its first snapshot in the running transaction. */
  private undo: Map<number, number> | null = null;

  begin(): void {
    this.undo = new Map();
  }

  snapshot({ offset, length }: Range): void {
    for (let i = offset; i < offset + length; i++) if (!this.undo!.has(i)) this.undo!.set(i, this.region[i]);
  }

  end(committed: boolean): void {
    if (!committed) for (const [i, value] of this.undo!) this.region[i] = value;
    this.undo = null;
  }
}

function run(ops: Op[]): void {
  const file = tmp.file('model');
  let pool = Pool.create(file, { size: 8 * 1024 * 1024 });
  const open = (): [Region, BlockStore] => [pool.region('r', REGION_BYTES), pool.blocks('b', { blockSize: BLOCK_SIZE, count: BLOCKS })];
  let [region, store] = open();
  const model = new Model();
  const doInTx = (step: InTx): void => {
    if (step.op === 'snapshot') {
      region.snapshot(step.range.offset, step.range.length);
      model.snapshot(step.range);
    } else if (step.op === 'store') {
      region.bytes.fill(step.byte, step.range.offset, step.range.offset + step.range.length);
      model.region.fill(step.byte, step.range.offset, step.range.offset + step.range.length);
    } else {
      expect(() => store.write(step.lba, blockOf(step.byte))).toThrow(expect.objectContaining({ constructor: TransactionError, code: 'TX_OPEN' }));
    }
  };
  try {
    for (const [index, step] of ops.entries()) {
      switch (step.op) {
        case 'memcpy':
          region.memcpyPersist(step.offset, Uint8Array.from(step.bytes));
          model.region.set(step.bytes, step.offset);
          break;
        case 'memset':
          region.memsetPersist(step.range.offset, step.byte, step.range.length);
          model.region.fill(step.byte, step.range.offset, step.range.offset + step.range.length);
          break;
        case 'poke':
          region.bytes[step.at] = step.byte;
          model.region[step.at] = step.byte;
          break;
        case 'blockWrite':
          store.write(step.lba, blockOf(step.byte));
          model.blocks[step.lba] = blockOf(step.byte);
          break;
        case 'reopen':
          pool.close();
          pool = Pool.open(file, { probe: false });
          [region, store] = open();
          break;
        case 'tx': {
          model.begin();
          let committed = true;
          try {
            runTransaction(pool, () => {
              step.body.forEach(doInTx);
              if (step.inner !== null) {
                const inner = step.inner;
                try {
                  runTransaction(pool, () => {
                    inner.forEach(doInTx);
                    throw new Error('inner');
                  });
                } catch {
                  // caught by the closure: the whole transaction aborts anyway
                }
              }
              if (step.throws) throw new RangeError('abort');
            });
          } catch {
            committed = false;
          }
          expect(committed).toBe(!step.throws && step.inner === null);
          model.end(committed);
          break;
        }
      }
      expect({ step: index, region: [...region.bytes] }).toEqual({ step: index, region: [...model.region] });
      for (let b = 0; b < BLOCKS; b++) expect({ step: index, lba: b, block: [...store.read(b)] }).toEqual({ step: index, lba: b, block: [...model.blocks[b]] });
    }
  } finally {
    pool.close();
  }
}

test('regions and block stores equal a plain model after every step (aborts restore exactly the snapshotted bytes)', () => {
  fc.assert(fc.property(fc.array(op, { maxLength: 12 }), (ops) => run(ops)), { numRuns: RUNS, seed: process.env.PMEMTS_MODEL_SEED ? Number(process.env.PMEMTS_MODEL_SEED) : undefined });
}, 120_000);
