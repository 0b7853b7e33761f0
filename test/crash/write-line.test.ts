/**
 * The crash children acknowledge each commit with a synchronous write to a stdout pipe that Node has
 * made non-blocking; when the parent reads late, a plain fs.writeSync dies with EAGAIN. writeLineSync
 * waits instead. Both are driven against a parent that stops reading for a while.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const HELPER = path.join(__dirname, 'write-line.js');
const LINES = 50_000;

function runChild(write: string): Promise<{ code: number | null; lines: number; stderr: string }> {
  const script = `
    const fs = require('node:fs');
    const { writeLineSync } = require(${JSON.stringify(HELPER)});
    process.stdout.write('ready\\n'); // as the children do: this makes fd 1 non-blocking
    for (let i = 0; i < ${LINES}; i++) ${write};`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 300); // a parent busy elsewhere: the 64 KiB pipe fills
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, lines: out.split('\n').filter((l) => l.startsWith('ack ')).length, stderr }));
  });
}

test('a plain fs.writeSync on the non-blocking pipe dies with EAGAIN (the hazard)', async () => {
  const result = await runChild("fs.writeSync(1, 'ack ' + i + ' ' + 'x'.repeat(40) + '\\n')");
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/EAGAIN/);
});

test('writeLineSync waits for the reader and delivers every line', async () => {
  const result = await runChild("writeLineSync(1, 'ack ' + i + ' ' + 'x'.repeat(40))");
  expect(result).toEqual({ code: 0, lines: LINES, stderr: '' });
});
