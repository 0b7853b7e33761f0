/**
 * Failpoints are compiled only into the test build of the addon (pmemts_native_failpoints.node): the
 * shipped addon has no code that could make a production pool's operation fail on purpose.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const RELEASE = path.resolve(__dirname, '../../packages/native/build/Release');
const NATIVE = path.resolve(__dirname, '../../packages/native/dist');

/** Arms an alloc failpoint and allocates, in a child with `build` selected (or none). */
function tryFailpoint(build: string | undefined): unknown {
  const env = { ...process.env };
  delete env.PMEMTS_NATIVE_BUILD;
  if (build !== undefined) env.PMEMTS_NATIVE_BUILD = build;
  const script = `
    const fs = require('node:fs'), os = require('node:os'), path = require('node:path');
    const n = require(${JSON.stringify(NATIVE)});
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmemts-fpbuild-'));
    const pool = n.create(path.join(dir, 'p'), 'x', 8 << 20);
    const out = { build: n.NATIVE_BUILD };
    try { n.setFailpoint('alloc', 1); out.armed = true; } catch (e) { out.armError = [e.constructor.name, e.code]; }
    pool.txBegin();
    try { pool.txAlloc(64, 1); out.alloc = 'ok'; } catch (e) { out.alloc = e.code; }
    pool.txAbort(); pool.txEnd();
    n.setFailpoint();
    pool.close();
    fs.rmSync(dir, { recursive: true });
    console.log(JSON.stringify(out));`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, timeout: 30_000 });
  return child.stdout ? JSON.parse(child.stdout) : child.stderr;
}

test('the shipped addon refuses to arm a failpoint, and its operations cannot be made to fail', () => {
  const expected = { build: 'release', armError: ['PmemError', 'FAILPOINTS_UNAVAILABLE'], alloc: 'ok' };
  expect(tryFailpoint(undefined)).toEqual(expected);
  expect(tryFailpoint('anything-else')).toEqual(expected);
});

test('PMEMTS_NATIVE_BUILD=failpoints loads the test build, whose failpoints fire', () => {
  expect(tryFailpoint('failpoints')).toEqual({ build: 'failpoints', armed: true, alloc: 'OUT_OF_SPACE' });
});

test('the failpoint code is in the test binary only', () => {
  const shipped = fs.readFileSync(path.join(RELEASE, 'pmemts_native.node')).toString('latin1');
  const testBuild = fs.readFileSync(path.join(RELEASE, 'pmemts_native_failpoints.node')).toString('latin1');
  for (const marker of ['setFailpoint', ': failpoint']) {
    expect({ marker, shipped: shipped.includes(marker), testBuild: testBuild.includes(marker) }).toEqual({ marker, shipped: false, testBuild: true });
  }
});
