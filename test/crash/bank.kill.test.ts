/**
 * Process-crash consistency: a child runs bank transfers and is SIGKILLed at random moments; after
 * each kill the reopened pool must keep the total and hold every transfer the child acknowledged.
 * This proves recovery from process crashes only (the page cache keeps every store); power-failure
 * images are the job of the crash-image harness.
 */
import * as path from 'node:path';
import { Pool, WritePolicy } from '@pmemts/core';
import { accountsOf, BANK_TYPES, Bank, INITIAL_BALANCE, type Transfer } from '../../packages/examples/src';
import { tempDir } from '../core/fixtures';
import { killCount, runKills } from './kill-loop';

/** Kills across both policies (tenfold under PMEMTS_TORTURE). */
const KILLS = killCount('PMEMTS_CRASH_KILLS', 500);
const CHILD = path.join(__dirname, 'bank-child.js');
const tmp = tempDir('crash');
afterAll(() => tmp.cleanup());

interface Ack {
  seq: bigint;
  from: number;
  to: number;
  amount: bigint;
}

/** The transfers a child acknowledged: one line each, "seq from to amount". */
function acknowledged(lines: string[]): Ack[] {
  return lines.map((l) => {
    const [seq, from, to, amount] = l.split(' ');
    return { seq: BigInt(seq), from: Number(from), to: Number(to), amount: BigInt(amount) };
  });
}

function verify(file: string, policy: WritePolicy, acked: Ack[]): void {
  const pool = Pool.open(file, { layout: 'pmemts-bank', types: BANK_TYPES, memory: { writePolicy: policy }, probe: false });
  try {
    const bank = pool.root(Bank);
    const accounts = accountsOf(bank);
    expect(accounts.reduce((s, a) => s + a.balance, 0n)).toBe(INITIAL_BALANCE * BigInt(accounts.length));
    const count = bank.transferCount;
    if (acked.length > 0) expect(count).toBeGreaterThanOrEqual(acked[acked.length - 1].seq);
    // Walk the audit list back to the oldest acknowledged transfer of this run and compare each: every
    // record from the newest down to it must be there, so a chain that ends early fails.
    if (acked.length === 0) return;
    const bySeq = new Map(acked.map((a) => [a.seq, a]));
    let record: Transfer | null = bank.lastTransfer;
    for (let seq = count; seq >= acked[0].seq; seq--) {
      if (record === null) throw new Error(`the audit chain ends at transfer ${seq + 1n}; acknowledged transfers go back to ${acked[0].seq}`);
      const ack = bySeq.get(seq);
      if (ack) {
        expect({ seq, amount: record.amount }).toEqual({ seq, amount: ack.amount });
        expect(record.from).toBe(accounts[ack.from]);
        expect(record.to).toBe(accounts[ack.to]);
      }
      record = record.previous;
    }
  } finally {
    pool.close();
  }
}

describe.each([WritePolicy.WriteThrough, WritePolicy.WriteBack])('bank under %s, SIGKILLed', (policy) => {
  test(`${KILLS / 2} kills keep the total and every acknowledged transfer`, async () => {
    const file = tmp.file(`bank-${policy}`);
    let transfers = 0;
    const perKill = await runKills(
      {
        child: CHILD,
        args: [file, policy],
        env: (run): Record<string, string> => (run % 2 === 0 ? { PMEM_IS_PMEM_FORCE: '1' } : {}),
        go: (run) => [String(1 + run * 7919)],
        delayMs: (run) => (run * 13) % 25,
        check(lines) {
          const acked = acknowledged(lines);
          transfers += acked.length;
          verify(file, policy, acked);
        },
      },
      KILLS / 2,
    );
    expect(transfers).toBeGreaterThan(0);
    console.log(`${policy}: ${KILLS / 2} kills, ${transfers} acknowledged transfers verified, ${perKill.toFixed(0)} ms a kill`);
  }, 600_000);
});
