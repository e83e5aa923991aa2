/** Timing helpers shared by the benchmark parts. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Runs a Node script in a child and returns wall time, CPU time (user + system) and the child's own peak RSS (MB). */
export function measureChild(
  code: string,
  args: string[] = [],
  anyExit = false,
): Promise<{ ms: number; cpuMs: number; rssMb: number; out: string }> {
  const wrapper = `const t0 = performance.now(); process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\nBENCH ' + (performance.now() - t0) + ' ' + u.maxRSS + ' ' + (u.userCPUTime + u.systemCPUTime) / 1000 + '\\n'); }); ${code}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', wrapper, '--', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (status) => {
      const m = /BENCH (\S+) (\d+) (\S+)/.exec(err);
      if (!m || (status !== 0 && !anyExit)) return reject(new Error(`child failed (${status}): ${err.slice(0, 500)}`));
      resolve({ ms: Number(m[1]), rssMb: Number(m[2]) / 1024, cpuMs: Number(m[3]), out });
    });
  });
}
