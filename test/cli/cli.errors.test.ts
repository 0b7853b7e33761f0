/** The CLI's one error printer: every kind of failure becomes one line and its exit status. */
import { CommanderError } from 'commander';
import { FieldValueError, InvalidObjectError, PoolCorruptError, PoolError, SchemaMismatchError } from '@pmemts/core';
import { ExitStatus, ImportDataError, reportFailure, UsageError } from '../../packages/cli/src/errors';

function report(error: unknown): { status: number; err: string } {
  let err = '';
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    return { status: reportFailure(error), err };
  } finally {
    spy.mockRestore();
  }
}

const bigintError = (() => {
  try {
    JSON.stringify({ n: 1n });
  } catch (error) {
    return error;
  }
})();
const jsonError = (() => {
  try {
    JSON.parse('{');
  } catch (error) {
    return error;
  }
})();

test.each([
  ['a usage error', new UsageError('--limit must be an integer'), ExitStatus.usage, 'pmemts: --limit must be an integer'],
  ['a commander error', new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'x'\n(Did you mean info?)"), ExitStatus.usage, "pmemts: unknown command 'x' (Did you mean info?)"],
  ['bad import data', new ImportDataError('a.json: objects[0] is not an object'), ExitStatus.badImportData, 'pmemts: a.json: objects[0] is not an object'],
  ['a pool error', new PoolError('p: is locked', 'POOL_LOCKED'), ExitStatus.cannotOpen, 'pmemts: p: is locked'],
  ['a corrupt pool', new PoolCorruptError('p: bad', 'POOL_CORRUPT'), ExitStatus.cannotOpen, 'pmemts: p: bad'],
  [
    'a schema mismatch over several lines',
    new SchemaMismatchError('p', [
      { type: 'A', field: 'x', what: 'field', inPool: 'u8', inCode: 'u16' },
      { type: 'A', what: 'size', inPool: '1', inCode: '2' },
    ]),
    ExitStatus.cannotOpen,
    "pmemts: p: the classes do not match the pool's schema catalog: A.x: field: pool has u8, code has u16; A: size: pool has 1, code has 2",
  ],
  ['unreadable pool data', new InvalidObjectError('a ref dangles', 'DANGLING_REF'), ExitStatus.cannotOpen, 'pmemts: a ref dangles'],
  ['a field value error', new FieldValueError('A', 'x', 'too big'), ExitStatus.cannotOpen, 'pmemts: A.x: too big'],
  ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')"), ExitStatus.internal, "pmemts: internal error: TypeError: Cannot read properties of undefined (reading 'x') (a bug in pmemts; please report it)"],
  ['a RangeError', new RangeError('Invalid time value'), ExitStatus.internal, 'pmemts: internal error: RangeError: Invalid time value (a bug in pmemts; please report it)'],
  ['a BigInt serialisation error', bigintError, ExitStatus.internal, 'pmemts: internal error: TypeError: Do not know how to serialize a BigInt (a bug in pmemts; please report it)'],
  ['a JSON SyntaxError', jsonError, ExitStatus.internal, expect.stringMatching(/^pmemts: internal error: SyntaxError: .*JSON.*\(a bug in pmemts; please report it\)$/)],
  ['a thrown string', 'boom', ExitStatus.internal, 'pmemts: internal error: boom (a bug in pmemts; please report it)'],
])('%s', (_, error, status, line) => {
  expect(report(error)).toEqual({ status, err: expect.stringMatching(/^[^\n]*\n$/) });
  expect(report(error).err.slice(0, -1)).toEqual(line);
});

test('help and version requests are not failures', () => {
  expect(report(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ status: ExitStatus.ok, err: '' });
});
