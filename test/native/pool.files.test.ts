/**
 * What open and check refuse before anything maps the file, with or without the probe: paths that are
 * not regular files (FIFO, socket, directory, block device), and files too small to be a pool (mapping
 * a 0-byte file killed the process with SIGBUS under probe: false). Character devices go through to
 * libpmemobj (device DAX pools are character devices).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as n from '@pmemts/native';
import { tempDir } from '../core/fixtures';

const tmp = tempDir('files');
const MiB = 1024 * 1024;
const NATIVE = path.resolve(__dirname, '../../packages/native/dist');
let server: net.Server;
const socketPath = tmp.file('socket');
beforeAll(() => new Promise<void>((resolve) => (server = net.createServer().listen(socketPath, resolve))));
afterAll(() => {
  server.close();
  tmp.cleanup();
});

/** Opens `file` with probe: false in a child, so a SIGBUS fails the test instead of killing jest. */
function openInChild(file: string, call: 'open' | 'check' = 'open'): { signal: string | null; outcome: unknown } {
  const script = `
    const n = require(${JSON.stringify(NATIVE)});
    try {
      const r = ${call === 'open' ? `(n.open(${JSON.stringify(file)}, 'x', { probe: false }).close(), 'opened')` : `n.check(${JSON.stringify(file)}, 'x')`};
      console.log(JSON.stringify(r));
    } catch (e) { console.log(JSON.stringify({ error: e.constructor.name, code: e.code })); }`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { signal: child.signal, outcome: child.stdout ? JSON.parse(child.stdout) : child.stderr };
}

test.each([
  ['0 bytes', 0],
  ['4 KiB (a pool header)', 4096],
  ['1 MiB', MiB],
  ['8 MiB - 1', 8 * MiB - 1],
])('a file of %s is refused as PoolCorruptError before mapping, with probe: false too', (_name, size) => {
  const file = tmp.file(`small-${size}`);
  fs.writeFileSync(file, Buffer.alloc(size, 0xab));
  expect(openInChild(file)).toEqual({ signal: null, outcome: { error: 'PoolCorruptError', code: 'POOL_CORRUPT' } });
  for (const probe of [false, 'open', 'walk'] as const) {
    expect(() => n.open(file, 'x', { probe })).toThrow(expect.objectContaining({ code: 'POOL_CORRUPT', message: expect.stringMatching(/smaller than the smallest pool/) }));
  }
  const report = n.check(file, 'x');
  expect(report.consistent).toBe(false);
  expect(report.message).toMatch(/smaller than the smallest pool/);
  expect(fs.statSync(file).size).toBe(size);
});

test('FIFO, socket and directory are refused at once (no blocking open), by open and by check', () => {
  const fifo = tmp.file('fifo');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  const cases: [string, string, RegExp][] = [
    [fifo, 'POOL_NOT_A_FILE', /is a FIFO/],
    [socketPath, 'POOL_NOT_A_FILE', /is a socket/],
    [path.dirname(fifo), 'POOL_NOT_A_FILE', /is a directory/],
  ];
  const start = Date.now();
  for (const [file, code, message] of cases) {
    for (const probe of [false, 'open'] as const) {
      let error: unknown;
      try {
        n.open(file, 'x', { probe });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(n.PoolError);
      expect(error).not.toBeInstanceOf(n.PoolCorruptError);
      expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
    }
    expect(() => n.check(file, 'x')).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  }
  expect(Date.now() - start).toBeLessThan(10_000); // nothing waited for a FIFO writer
});

test('a character device is passed to libpmemobj (device DAX), which refuses one that is not DAX', () => {
  expect(fs.statSync('/dev/null').isCharacterDevice()).toBe(true);
  expect(openInChild('/dev/null')).toEqual({ signal: null, outcome: { error: 'PoolCorruptError', code: 'POOL_CORRUPT' } });
  expect(() => n.open('/dev/null', 'x')).toThrow(expect.objectContaining({ code: 'POOL_CORRUPT', message: expect.stringMatching(/not a valid pmemobj pool/) }));
  expect(openInChild('/dev/null', 'check')).toEqual({ signal: null, outcome: { consistent: false, message: expect.stringMatching(/not a valid pmemobj pool/) } });
});

test('a real pool still opens with every probe mode', () => {
  const file = tmp.file('real');
  n.create(file, 'x', 8 * MiB).close();
  for (const probe of [false, 'open', 'walk'] as const) n.open(file, 'x', { probe }).close();
  expect(n.check(file, 'x').consistent).toBe(true);
});
