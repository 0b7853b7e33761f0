/**
 * --version, --quiet and the progress indicator: drawn on a terminal only, throttled, erased at the end;
 * on a pipe stdout holds nothing but the output and stderr stays empty.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { accountsOf, openBank, transfer } from '../../packages/examples/src';
import { createProgress, REDRAW_INTERVAL_MS, type ProgressStream } from '../../packages/cli/src/progress';
import { tempDir } from '../core/fixtures';
import { CLI, cli } from './run-cli';

const tmp = tempDir('cli-progress');
afterAll(() => tmp.cleanup());

function bankPool(name: string, accounts = 4): string {
  const file = tmp.file(name);
  const { pool, bank } = openBank(file, accounts);
  const all = accountsOf(bank);
  for (let i = 0; i < all.length; i++) transfer(pool, bank, all[i], all[(i + 1) % all.length], 1n);
  pool.close();
  return file;
}

const pool = bankPool('bank');
/** Progress bytes: an escape sequence, or a carriage return that does not end a line (a terminal ends lines with \r\n). */
const PROGRESS_BYTES = /\x1b|\r(?!\n)/;

describe('--version', () => {
  const { version } = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../packages/cli/package.json'), 'utf8'));

  test.each(['--version', '-V'])('%s prints the CLI package version and exits 0', (flag) => {
    const r = cli(flag);
    expect({ status: r.status, out: r.out, err: r.err }).toEqual({ status: 0, out: `${version}\n`, err: '' });
  });
});

describe('on a pipe', () => {
  test('--json output of check, export, ls, stats and import is JSON only, and stderr is empty', () => {
    const check = cli('check', pool, '--json');
    expect({ status: check.status, err: check.err }).toEqual({ status: 0, err: '' });
    expect(check.json()).toMatchObject({ consistent: true, objects: expect.any(Number) });

    const exported = cli('export', pool, '--type', 'Account', '--json');
    expect({ status: exported.status, err: exported.err }).toEqual({ status: 0, err: '' });
    expect(exported.json().objects.map((o: { data: { owner: string } }) => o.data.owner).sort()).toEqual(['account-0', 'account-1', 'account-2', 'account-3']);

    for (const args of [['ls', pool, '--json'], ['stats', pool, '--json']]) {
      const r = cli(...args);
      expect({ args, status: r.status, err: r.err }).toEqual({ args, status: 0, err: '' });
      expect(() => r.json()).not.toThrow();
    }

    const json = path.join(path.dirname(pool), 'accounts.json');
    fs.writeFileSync(json, exported.out);
    const target = bankPool('import-target', 0);
    const imported = cli('import', target, json, '--json');
    expect({ status: imported.status, out: imported.json(), err: imported.err }).toEqual({ status: 0, out: { imported: 4 }, err: '' });
  });

  test('human output has no progress bytes either', () => {
    const r = cli('check', pool);
    expect({ status: r.status, err: r.err }).toEqual({ status: 0, err: '' });
    expect(r.out).toMatch(/^consistent: \d+ allocations, \d+ reachable; pmemobj_check ok\n$/);
  });
});

/** `script` (util-linux) runs the CLI on a pseudo-terminal: stdout and stderr both go to it, and come back together. */
const hasScript = spawnSync('script', ['--version']).status === 0;

function onTerminal(...args: string[]): { status: number | null; out: string } {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, TERM: 'xterm' } });
  return { status: r.status, out: r.stdout };
}

(hasScript ? describe : describe.skip)('on a terminal (script -qec)', () => {
  test('check and export draw their progress, then erase it before printing', () => {
    const check = onTerminal('check', pool);
    expect(check.status).toBe(0);
    expect(check.out).toContain('\r\x1b[Kcheck: pmemobj_check');
    // Whatever was drawn is erased: the text after the last erase is the result alone.
    expect(check.out.slice(check.out.lastIndexOf('\x1b[K') + 3)).toMatch(/^consistent: \d+ allocations, \d+ reachable; pmemobj_check ok\r\n$/);

    const exported = onTerminal('export', pool, '--type', 'Account');
    expect(exported.status).toBe(0);
    expect(exported.out).toContain(`\r\x1b[Kexport: opening ${pool}`);
    expect(JSON.parse(exported.out.slice(exported.out.lastIndexOf('\x1b[K') + 3)).objects).toHaveLength(4);
  });

  test.each([['--quiet'], ['-q']])('%s draws nothing', (flag) => {
    for (const args of [['check', pool, flag], [flag, 'export', pool]]) {
      const r = onTerminal(...args);
      expect({ args, status: r.status }).toEqual({ args, status: 0 });
      expect(r.out).not.toMatch(PROGRESS_BYTES);
    }
  });
});

describe('the progress module', () => {
  /** A terminal of `columns` columns that records what is written, and a clock the test moves. */
  function fakeTerminal(columns = 80) {
    const writes: string[] = [];
    const stream: ProgressStream = { isTTY: true, columns, write: (text) => writes.push(text) > 0 };
    const clock = { now: 0 };
    return { writes, stream, clock, now: () => clock.now };
  }

  test('redraws at most once per interval however often it is told, and erases the line at the end', () => {
    const t = fakeTerminal();
    const progress = createProgress({ stream: t.stream, now: t.now });
    progress.stage('export: Account', 'objects');
    // One tick per millisecond for a second: 10 redraws at most (the stage's own draw included).
    for (t.clock.now = 0; t.clock.now < 1000; t.clock.now++) progress.tick();
    expect(t.writes).toHaveLength(1000 / REDRAW_INTERVAL_MS);
    expect(t.writes[0]).toBe('\r\x1b[Kexport: Account: 0 objects  0.0 s');
    expect(t.writes.at(-1)).toBe('\r\x1b[Kexport: Account: 901 objects  0.9 s');
    progress.end();
    expect(t.writes.at(-1)).toBe('\r\x1b[K');
    t.clock.now += 1000;
    progress.tick();
    expect(t.writes).toHaveLength(1000 / REDRAW_INTERVAL_MS + 1);
  });

  test('a stage with a total draws a bar; a stage without a unit draws its label', () => {
    const t = fakeTerminal();
    const progress = createProgress({ stream: t.stream, now: t.now });
    progress.stage('import: creating', 'objects', 4000);
    t.clock.now = 300;
    progress.update(1000);
    expect(t.writes.at(-1)).toBe('\r\x1b[Kimport: creating: [#####---------------] 1,000/4,000 objects 25%  0.3 s');
    t.clock.now = 400;
    progress.stage('import: committing');
    expect(t.writes.at(-1)).toBe('\r\x1b[Kimport: committing…  0.4 s');
  });

  test('a line is cut to the terminal width, so one carriage return can erase it', () => {
    const t = fakeTerminal(20);
    createProgress({ stream: t.stream, now: t.now }).stage('check: deep check', 'allocations listed');
    expect(t.writes).toEqual(['\r\x1b[Kcheck: deep check: ']);
  });

  test('nothing is drawn when quiet, on a stream that is not a terminal, or on a dumb terminal', () => {
    const quiet = fakeTerminal();
    const pipe = fakeTerminal();
    const dumb = fakeTerminal();
    const term = process.env.TERM;
    try {
      for (const progress of [createProgress({ quiet: true, stream: quiet.stream, now: quiet.now }), createProgress({ stream: { ...pipe.stream, isTTY: false }, now: pipe.now })]) {
        progress.stage('check: deep check', 'allocations listed');
        progress.tick();
        progress.end();
      }
      process.env.TERM = 'dumb';
      createProgress({ stream: dumb.stream, now: dumb.now }).stage('check: pmemobj_check');
    } finally {
      if (term === undefined) delete process.env.TERM;
      else process.env.TERM = term;
    }
    expect([quiet.writes, pipe.writes, dumb.writes]).toEqual([[], [], []]);
  });
});
