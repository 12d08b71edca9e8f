#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=2
/** The `pod-migrate` executable. */
import './early-heap-limit';
import { constants } from 'node:os';
import { runInterruptCleanups } from '../interrupt';
import { runCli } from './program';

// Ctrl-C or a service manager's SIGTERM: remove what only we can remove (a partial dump), say what state the
// databases are in, and exit as a signal-killed process does (128 + signal number), so scripts see it.
// Not SIGHUP: a handler would override the ignore that `nohup pod-migrate …` relies on over a dropped SSH session.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    runInterruptCleanups();
    process.stderr.write(
      `\ninterrupted (${signal}): a transaction still open is rolled back by its database when the connection closes, ` +
        'and no partial dump file is left; steps reported done above stay done. Run the same command again to finish.\n',
    );
    process.exit(128 + constants.signals[signal]);
  });
}

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`internal error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
