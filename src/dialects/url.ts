/**
 * Connection strings: `mysql://`, `mariadb://`, `postgres://`, `postgresql://`. Passwords are kept out of
 * every message: only `displayName` (no password) is ever printed.
 */
import { PodMigrateError } from '../errors';
import type { DialectName } from './dialect';

export interface ConnectionSettings {
  dialect: DialectName;
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  /** Query-string options, passed to the driver where it understands them (e.g. `socketPath`, `ssl`). */
  options: Record<string, string>;
  /** `postgres://user@host:5432/db`, never with the password. */
  displayName: string;
}

const SCHEMES: Record<string, DialectName> = {
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
};

const DEFAULT_PORT: Record<DialectName, number> = { mysql: 3306, postgres: 5432 };

export function parseConnectionUrl(url: string, role = 'connection'): ConnectionSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL itself may hold a password: never echo it.
    throw new PodMigrateError(
      'USAGE',
      `the ${role} URL is not a valid URL (expected mysql://, mariadb:// or postgres://user@host:port/database)`,
    );
  }
  const dialect = SCHEMES[parsed.protocol];
  if (dialect === undefined) {
    throw new PodMigrateError(
      'USAGE',
      `the ${role} URL has an unsupported scheme "${parsed.protocol}" (use mysql://, mariadb://, postgres:// or postgresql://)`,
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '') {
    throw new PodMigrateError('USAGE', `the ${role} URL names no database (…/DATABASE at its end)`);
  }
  const options: Record<string, string> = {};
  parsed.searchParams.forEach((value, key) => {
    options[key] = value;
  });
  const user = decodeURIComponent(parsed.username) || (dialect === 'mysql' ? 'root' : 'postgres');
  const host = parsed.hostname || '127.0.0.1';
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORT[dialect];
  const scheme = parsed.protocol.replace(/:$/, '');
  return {
    dialect,
    host,
    port,
    user,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    options,
    displayName: `${scheme}://${encodeURIComponent(user)}@${host}:${port}/${encodeURIComponent(database)}`,
  };
}

/** `--source`/`--target` first, then `POD_MIGRATE_SOURCE` / `POD_MIGRATE_TARGET`. */
export function resolveConnectionUrl(
  given: string | undefined,
  role: 'source' | 'target',
  env: NodeJS.ProcessEnv = process.env,
): ConnectionSettings {
  const variable = role === 'source' ? 'POD_MIGRATE_SOURCE' : 'POD_MIGRATE_TARGET';
  const url = given ?? env[variable];
  if (url === undefined || url === '') {
    throw new PodMigrateError('USAGE', `no ${role} database: give --${role} URL or set ${variable}`);
  }
  return parseConnectionUrl(url, role);
}

/** Removes any password that a driver message might carry (`user:secret@host`). */
export function redactSecrets(text: string, settings?: ConnectionSettings): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
  if (settings?.password) out = out.split(settings.password).join('***');
  return out;
}

/** Same server and database with another database name (tests and the demo create their own databases). */
export function withDatabase(settings: ConnectionSettings, database: string): ConnectionSettings {
  const scheme = settings.displayName.split('://')[0];
  return {
    ...settings,
    database,
    displayName: `${scheme}://${encodeURIComponent(settings.user)}@${settings.host}:${settings.port}/${encodeURIComponent(database)}`,
  };
}
