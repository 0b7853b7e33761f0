/**
 * The bank's persistent classes: accounts held in a map by id, and an audit record per transfer,
 * newest first.
 */
import { Field, Persistent, Ref, type PMap } from '@pmemts/core';

@Persistent({ name: 'Account', version: 2 })
export class Account {
  @Field({ type: 'string', maxBytes: 32 }) owner!: string;
  @Field('i64') balance!: bigint;
  @Field('u32') transfers!: number;
}

@Persistent({ name: 'Transfer', version: 1 })
export class Transfer {
  @Ref(() => Account) from!: Account | null;
  @Ref(() => Account) to!: Account | null;
  @Field('i64') amount!: bigint;
  @Field() at!: Date;
  @Ref(() => Transfer) previous!: Transfer | null;
}

@Persistent({ name: 'Bank', version: 2 })
export class Bank {
  /** Every account by its id (0, 1, …): lookups by key and range scans without a heap walk. */
  @Field({ type: 'map', key: 'u64', value: () => Account }) byId!: PMap<bigint, Account>;
  @Field('u64') transferCount!: bigint;
  @Ref(() => Transfer) lastTransfer!: Transfer | null;
}

export const BANK_TYPES = [Account, Transfer, Bank];
