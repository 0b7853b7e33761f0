/**
 * The bank: open or create a pool, move money between accounts in transactions (each with an audit
 * record), and show that the total never changes.
 */
import { Pool, runTransaction, type PoolStats } from '@pmemts/core';
import { Account, Bank, BANK_TYPES, Transfer } from './bank-model';

export const INITIAL_BALANCE = 1000n;

/** Opens (or creates and fills with `accounts` accounts) the bank pool at `path`. */
export function openBank(path: string, accounts = 8, options: Parameters<typeof Pool.openOrCreate>[1] = {}): { pool: Pool; bank: Bank } {
  const pool = Pool.openOrCreate(path, { layout: 'pmemts-bank', size: 32 * 1024 * 1024, ...options, types: BANK_TYPES });
  const bank = pool.root(Bank);
  if (bank.byId.size === 0) {
    runTransaction(pool, () => {
      for (let i = 0; i < accounts; i++) bank.byId.set(BigInt(i), pool.create(Account, { owner: `account-${i}`, balance: INITIAL_BALANCE }));
    });
  }
  return { pool, bank };
}

/** The accounts in id order. */
export function accountsOf(bank: Bank): Account[] {
  return [...bank.byId.values()];
}

/**
 * Moves `amount` from one account to another with an audit record, atomically.
 * @throws {RangeError} when `from` has not enough money (nothing changes).
 */
export function transfer(pool: Pool, bank: Bank, from: Account, to: Account, amount: bigint): Transfer {
  return runTransaction(pool, () => {
    if (from.balance < amount) throw new RangeError(`${from.owner} has ${from.balance}, cannot send ${amount}`);
    from.balance -= amount;
    to.balance += amount;
    from.transfers += 1;
    to.transfers += 1;
    const record = pool.create(Transfer, { from, to, amount, at: new Date(), previous: bank.lastTransfer });
    bank.lastTransfer = record;
    bank.transferCount += 1n;
    return record;
  });
}

export function totalOf(bank: Bank): bigint {
  return accountsOf(bank).reduce((sum, a) => sum + a.balance, 0n);
}

export function formatStats(stats: PoolStats): string {
  return Object.entries(stats)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
