/** Connection strings: schemes, defaults, and passwords kept out of every message. */
import { parseConnectionUrl, redactSecrets, resolveConnectionUrl } from '../../src/dialects/url';

describe('connection URLs', () => {
  test('mysql://, mariadb://, postgres://, postgresql:// with defaults', () => {
    expect(parseConnectionUrl('mariadb://pod@db3/pod')).toMatchObject({
      dialect: 'mysql',
      host: 'db3',
      port: 3306,
      user: 'pod',
      database: 'pod',
    });
    expect(parseConnectionUrl('postgresql://db4:5433/pod4')).toMatchObject({
      dialect: 'postgres',
      port: 5433,
      user: 'postgres',
      database: 'pod4',
    });
  });

  test('the display name never holds the password', () => {
    const settings = parseConnectionUrl('mysql://pod:s%40cret@db3/pod');
    expect(settings.password).toBe('s@cret');
    expect(settings.displayName).toBe('mysql://pod@db3:3306/pod');
    expect(redactSecrets('failed: mysql://pod:s@cret@db3/pod s@cret', settings)).not.toContain('s@cret');
  });

  test('a bad URL is refused without echoing it', () => {
    expect(() => parseConnectionUrl('mysql//pod:secret@db3')).toThrow(/not a valid URL/);
    expect(() => parseConnectionUrl('mysql//pod:secret@db3')).not.toThrow(/secret/);
    expect(() => parseConnectionUrl('sqlite://x/y')).toThrow(/unsupported scheme/);
    expect(() => parseConnectionUrl('mysql://db3')).toThrow(/names no database/);
  });

  test('--source/--target first, then the environment', () => {
    expect(resolveConnectionUrl(undefined, 'target', { POD_MIGRATE_TARGET: 'postgres://h/db' }).host).toBe('h');
    expect(resolveConnectionUrl('mysql://a/b', 'target', { POD_MIGRATE_TARGET: 'postgres://h/db' }).dialect).toBe('mysql');
    expect(() => resolveConnectionUrl(undefined, 'source', {})).toThrow(/POD_MIGRATE_SOURCE/);
  });
});
