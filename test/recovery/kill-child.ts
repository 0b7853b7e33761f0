import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** Runs test/recovery/`script` with `args`, waits for its "ready" line, SIGKILLs it and waits for its end; returns the lines it printed before "ready". */
export async function killWhenReady(script: string, args: string[]): Promise<string[]> {
  const child = spawn(process.execPath, [path.join(__dirname, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = await new Promise<string[]>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const all = out.split('\n');
      const ready = all.indexOf('ready');
      if (ready >= 0) resolve(all.slice(0, ready));
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before it was ready: ${stderr}`)));
  });
  const ended = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await ended;
  return lines;
}
