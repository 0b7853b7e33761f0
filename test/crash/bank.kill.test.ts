/**
 * Process-crash consistency: a child runs bank transfers and is SIGKILLed at random moments; after
 * each kill the reopened pool must keep the total and hold every transfer the child acknowledged.
 * This proves recovery from process crashes only (the page cache keeps every store); power-failure
 * images are the job of the crash-image harness.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Pool, WritePolicy } from '@pmemts/core';
import { accountsOf, BANK_TYPES, Bank, INITIAL_BALANCE, type Transfer } from '../../packages/examples/src';
import { tempDir } from '../core/fixtures';

const KILLS = Number(process.env.PMEMTS_CRASH_KILLS ?? (process.env.PMEMTS_TORTURE ? 2000 : 200));
const CHILD = path.join(__dirname, 'bank-child.js');
const tmp = tempDir('crash');
afterAll(() => tmp.cleanup());

interface Ack {
  seq: bigint;
  from: number;
  to: number;
  amount: bigint;
}

/** Runs the child until a random moment after it is ready, kills it, returns its acknowledged transfers. */
function runAndKill(file: string, policy: string, seed: number, forcePmem: boolean): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...(forcePmem ? { PMEM_IS_PMEM_FORCE: '1' } : {}) };
    const child = spawn(process.execPath, [CHILD, file, policy, String(seed)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      if (out === '' && String(d).startsWith('ready')) setTimeout(() => child.kill('SIGKILL'), seed % 60);
      out += d;
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child ended with ${code ?? signal}: ${err}`));
      const lines = out.split('\n');
      lines.pop(); // a line cut by the kill was never acknowledged
      resolve(
        lines
          .filter((l) => l !== 'ready')
          .map((l) => {
            const [seq, from, to, amount] = l.split(' ');
            return { seq: BigInt(seq), from: Number(from), to: Number(to), amount: BigInt(amount) };
          }),
      );
    });
  });
}

function verify(file: string, policy: WritePolicy, acked: Ack[]): void {
  const pool = Pool.open(file, { layout: 'pmemts-bank', types: BANK_TYPES, memory: { writePolicy: policy } });
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
    let acknowledged = 0;
    for (let i = 0; i < KILLS / 2; i++) {
      const acked = await runAndKill(file, policy, 1 + i * 7919, i % 2 === 0);
      acknowledged += acked.length;
      verify(file, policy, acked);
    }
    expect(acknowledged).toBeGreaterThan(0);
    console.log(`${policy}: ${KILLS / 2} kills, ${acknowledged} acknowledged transfers verified`);
  }, 600_000);
});
