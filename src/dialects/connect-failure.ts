/**
 * Why a connection could not be opened, said in words an administrator acts on: which host and port were tried,
 * as which user and database, and what happened there (nothing listening, no answer, a name that does not
 * resolve), instead of the driver's "Connection terminated unexpectedly". Never the password.
 */
import { PodMigrateError } from '../errors';
import { redactSecrets, type ConnectionSettings } from './url';

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'nothing listens there (connection refused): is the server running, on that port?',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS not answering)',
  ETIMEDOUT: 'no answer (timed out): a wrong host, a firewall, or the server is down',
  EHOSTUNREACH: 'the host is unreachable from here',
  ENETUNREACH: 'the network of that host is unreachable from here',
  ECONNRESET: 'the server closed the connection at once (a wrong port, or a server refusing this client)',
  ENOENT: 'no such socket file',
};

/** The network error code behind a driver's error (its `code`, or its `cause`'s). */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code in REASONS) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A PodMigrateError for a failed connection attempt when the failure is the network's or the server never
 * spoke its protocol; undefined when the server answered (bad password, no such database: its own message says it).
 */
export function connectFailure(error: unknown, settings: ConnectionSettings, serverAnswered: boolean): PodMigrateError | undefined {
  if (serverAnswered) return undefined;
  const code = networkCode(error);
  const text = error instanceof Error ? error.message : String(error);
  const reason = code
    ? REASONS[code]
    : /terminated|timeout|timed out/i.test(text)
      ? 'the connection was closed or timed out before the server answered: a wrong host or port, a firewall, or the server is down'
      : `the server there did not answer as ${settings.dialect === 'mysql' ? 'MySQL / MariaDB' : 'PostgreSQL'} (${text}): is that the right port?`;
  const where = settings.options.socketPath ?? (settings.host.startsWith('/') ? settings.host : `${settings.host}:${settings.port}`);
  return new PodMigrateError(
    'DATABASE',
    redactSecrets(
      `cannot connect to ${settings.displayName}: tried ${where} as user ${settings.user}, database ${settings.database}: ${reason}`,
      settings,
    ),
    { cause: error },
  );
}
