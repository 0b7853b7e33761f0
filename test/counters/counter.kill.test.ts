/**
 * Process-crash consistency of counters: a child adds to a striped counter in transactions (several
 * adds each, all to one stripe, beside a plain u64 control in another object) and is SIGKILLed at
 * random moments. After each kill the reopened counter must equal the control (the transaction was
 * atomic) and hold every acknowledged commit: its value is the last acknowledged one, or that plus
 * the transaction in flight.
 */
import * as path from 'node:path';
import * as core from '@pmemts/core';
import { Pool, runTransaction, WritePolicy } from '@pmemts/core';
import { tempDir } from '../core/fixtures';
import { killCount, runKills } from '../crash/kill-loop';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { declareTally } = require('./tally');

/** Kills per write policy (tenfold under PMEMTS_TORTURE). */
const KILLS = killCount('PMEMTS_COUNTER_KILLS', 6);
/** The most one transaction of the child adds: 3 adds of at most 5. */
const MAX_IN_FLIGHT = 15n;
const CHILD = path.join(__dirname, 'counter-child.js');
const { Tally, Holder } = declareTally(core);
/** The root the child keeps: a holder object with the counter, and the u64 control. */
type TallyRoot = { holder: { hits: { value: bigint } }; total: bigint };
const tmp = tempDir('counter-kill');
afterAll(() => tmp.cleanup());

describe.each([WritePolicy.WriteThrough, WritePolicy.WriteBack])('a counter under %s, SIGKILLed', (policy) => {
  test('the reopened counter equals its control and holds every acknowledged add', async () => {
    const file = tmp.file(`kill-${policy}`);
    const created = Pool.create(file, { types: [Tally, Holder] });
    runTransaction(created, () => {
      (created.root(Tally) as TallyRoot).holder = created.create(Holder);
    });
    created.close();
    let acknowledged = 0;
    let last = 0n;
    const perKill = await runKills(
      {
        child: CHILD,
        args: [file, policy],
        go: (run) => [String(1 + run * 7919)],
        delayMs: (run) => 5 + ((run * 13) % 30),
        check(lines) {
          const pool = Pool.open(file, { types: [Tally, Holder], memory: { writePolicy: policy }, probe: false });
          try {
            const tally = pool.root(Tally) as TallyRoot;
            const value: bigint = tally.holder.hits.value;
            expect(value).toBe(tally.total);
            const acked = lines.length > 0 ? BigInt(lines[lines.length - 1]) : last;
            expect(value).toBeGreaterThanOrEqual(acked);
            expect(value - acked).toBeLessThanOrEqual(MAX_IN_FLIGHT);
            acknowledged += lines.length;
            last = value;
          } finally {
            pool.close();
          }
        },
      },
      KILLS,
    );
    expect(acknowledged).toBeGreaterThan(0);
    console.log(`counter ${policy}: ${KILLS} kills, ${acknowledged} acknowledged transactions, value ${last}, ${perKill.toFixed(0)} ms a kill`);
  }, 300_000);
});
