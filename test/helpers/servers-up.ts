/**
 * Which test database servers answer, decided once when a test file loads (jest cannot choose its tests
 * asynchronously): a suite looped over the dialects runs on those that are up and skips the others, which jest
 * then counts as skipped instead of failing them all on a connection error.
 */
import { spawnSync } from 'node:child_process';
import type { DialectName } from '../../src/dialects/dialect';
import { DIALECTS, serverSettings } from './databases';

/** A TCP connection (or Unix socket) to the server opens within two seconds. */
export function serverIsUp(dialect: DialectName): boolean {
  const { host, port, options } = serverSettings(dialect);
  const directory = options.socketPath ?? (host.startsWith('/') ? host : undefined);
  // PostgreSQL is given the socket's directory; MariaDB the socket itself.
  const socket = directory && dialect === 'postgres' ? `${directory}/.s.PGSQL.${port}` : directory;
  const target = socket ? JSON.stringify(socket) : `${port}, ${JSON.stringify(host)}`;
  const probe =
    `const s = require('node:net').connect(${target}); s.setTimeout(2000);` +
    "s.on('connect', () => process.exit(0)); s.on('error', () => process.exit(1)); s.on('timeout', () => process.exit(1));";
  return spawnSync(process.execPath, ['-e', probe], { timeout: 5000 }).status === 0;
}

/** The dialects under test (POD_MIGRATE_TEST_DIALECTS) whose server is up, and those whose server is down. */
export function dialectsByServer(): { up: DialectName[]; down: DialectName[] } {
  const up = DIALECTS.filter(serverIsUp);
  return { up, down: DIALECTS.filter((d) => !up.includes(d)) };
}
