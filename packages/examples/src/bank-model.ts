/**
 * The bank's persistent classes: accounts in a linked list from the Bank root, and an audit record per
 * transfer, newest first.
 */
import { Field, Persistent, Ref } from '@pmemts/core';

@Persistent({ name: 'Account', version: 1 })
export class Account {
  @Field({ type: 'string', maxBytes: 32 }) owner!: string;
  @Field('i64') balance!: bigint;
  @Field('u32') transfers!: number;
  @Ref(() => Account) next!: Account | null;
}

@Persistent({ name: 'Transfer', version: 1 })
export class Transfer {
  @Ref(() => Account) from!: Account | null;
  @Ref(() => Account) to!: Account | null;
  @Field('i64') amount!: bigint;
  @Field() at!: Date;
  @Ref(() => Transfer) previous!: Transfer | null;
}

@Persistent({ name: 'Bank', version: 1 })
export class Bank {
  @Field('u32') accountCount!: number;
  @Field('u64') transferCount!: bigint;
  @Ref(() => Account) firstAccount!: Account | null;
  @Ref(() => Transfer) lastTransfer!: Transfer | null;
}

export const BANK_TYPES = [Account, Transfer, Bank];
