import { main } from './main.js';

// The only module that touches `process`: it hands argv, the environment and the streams to
// `main` and sets the exit code (never process.exit mid-flight: stdout must drain).

// `tokenspend report | head`: the reader left; there is nobody to tell, so stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  // A pipe takes writes asynchronously: a large result waits for its reader instead of piling up.
  drain: () => (process.stdout.writableNeedDrain ? new Promise((resolve) => process.stdout.once('drain', resolve)) : Promise.resolve()),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  stdoutIsTTY: process.stdout.isTTY === true,
  columns: process.stdout.columns,
  stderrIsTTY: process.stderr.isTTY === true,
  stderrColumns: process.stderr.columns,
  clock: Date.now,
  pid: process.pid,
  alive: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
});
