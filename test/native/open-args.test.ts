/** open's options and probePool's arguments are checked in JS: TypeErrors naming the argument. */
import * as n from '@pmemts/native';
import { tempDir } from '../core/fixtures';

const tmp = tempDir('open-args');
afterAll(() => tmp.cleanup());

test('open refuses options that are not an object', () => {
  const file = tmp.file('p');
  n.create(file, 'x', 8 * 1024 * 1024).close();
  expect(() => n.open(file, 'x', null as never)).toThrow(new TypeError('options must be an object, got null'));
  expect(() => n.open(file, 'x', 'walk' as never)).toThrow(new TypeError('options must be an object, got string'));
  n.open(file, 'x', undefined).close();
});

test('probePool refuses an unknown mode, an empty path and a bad deadline', () => {
  const file = tmp.file('q');
  n.create(file, 'x', 8 * 1024 * 1024).close();
  expect(() => n.probePool(file, 'x', 'bogus' as never)).toThrow(new TypeError('mode must be one of open, walk, check, got bogus'));
  expect(() => n.probePool('', 'x', 'open')).toThrow(new TypeError('path must not be empty'));
  expect(() => n.probePool(file, '', 'open')).toThrow(new TypeError('layout must not be empty'));
  expect(() => n.probePool(file, 'x', 'open', 0)).toThrow(new TypeError('timeoutMs must be a positive number, got 0'));
  expect(n.probePool(file, 'x', 'walk').message).toBe('0 objects');
});
