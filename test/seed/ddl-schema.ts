/**
 * Test helper: a SchemaInfo read from Pod's DDL fixtures (no database), so that the pure generator can be tested
 * against both dialects' real column lists, lengths, nullability and foreign keys. The logical-type classification
 * is this helper's own (the dialect modules introspect the live database instead).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogicalType } from '../../src/convert/logical-types';
import type { ColumnInfo, ForeignKeyInfo, SchemaInfo, TableInfo } from '../../src/dialects/dialect';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pod-schemas');

export function ddlFile(dialect: 'mysql' | 'postgres', version: '3.8.4' | '4.0.3' = '3.8.4', podfile = false): string {
  return join(FIXTURES, `pod-${version}`, podfile ? 'use_podfile_true' : '', dialect === 'mysql' ? 'mariadb.sql' : 'postgresql.sql');
}

/** Django types the database cannot name: uuid in char(32) and durations in bigint on MySQL. */
function mysqlSpecial(table: string, column: string): LogicalType | undefined {
  if (column === 'id' && /^quiz_.*question$/.test(table)) return 'uuid';
  if (table === 'video_videoaccesstoken' && column === 'token') return 'uuid';
  if (table === 'meeting' && column === 'expected_duration') return 'interval';
  if (table === 'recorder_recorder' && column === 'address_ip') return 'inet';
  return undefined;
}

export function schemaFromMariadbDdl(file: string): SchemaInfo {
  const sql = readFileSync(file, 'utf8');
  const tables = new Map<string, TableInfo>();
  const foreignKeys: ForeignKeyInfo[] = [];
  const blocks = sql.matchAll(/CREATE TABLE `(\w+)` \(\n([\s\S]*?)\n\) ENGINE=[^;]*COLLATE=(\w+);/g);
  for (const [, name, body, tableCollation] of blocks) {
    const columns: ColumnInfo[] = [];
    let primaryKey: string[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.trim().replace(/,$/, '');
      const col = /^`(\w+)` (\w+)(?:\((\d+)(?:,\d+)?\))?(.*)$/.exec(line);
      if (col) {
        const [, cname, base, len, rest] = col;
        const native = `${base}${len ? `(${len})` : ''}${/unsigned/.test(rest) ? ' unsigned' : ''}`;
        let type: LogicalType;
        if (base === 'tinyint' && len === '1') type = 'boolean';
        else if (/int$/.test(base)) type = 'integer';
        else if (base === 'datetime') type = 'datetime';
        else if (base === 'date') type = 'date';
        else if (base === 'time') type = 'time';
        else if (/json_valid/.test(rest)) type = 'json';
        else type = 'text';
        type = mysqlSpecial(name, cname) ?? type;
        const text = /char|text/.test(base);
        const collation = /COLLATE (\w+)/.exec(rest)?.[1] ?? (text ? tableCollation : null);
        columns.push({
          name: cname,
          type,
          nativeType: native,
          nullable: !/NOT NULL/.test(rest),
          hasDefault: /AUTO_INCREMENT|DEFAULT/.test(rest),
          autoIncrement: /AUTO_INCREMENT/.test(rest),
          maxLength: /char/.test(base) && len ? Number(len) : null,
          position: columns.length + 1,
          collation: text ? collation : null,
        });
        continue;
      }
      const pk = /^PRIMARY KEY \((.*)\)$/.exec(line);
      if (pk) primaryKey = [...pk[1].matchAll(/`(\w+)`/g)].map((m) => m[1]);
      const fk = /FOREIGN KEY \(`(\w+)`\) REFERENCES `(\w+)` \(`(\w+)`\)/.exec(line);
      if (fk) foreignKeys.push({ table: name, column: fk[1], refTable: fk[2], refColumn: fk[3] });
    }
    tables.set(name, { name, columns, primaryKey });
  }
  return { tables, foreignKeys, serverVersion: '10.11.19-MariaDB-0+deb12u1' };
}

export function schemaFromPostgresDdl(file: string): SchemaInfo {
  const sql = readFileSync(file, 'utf8');
  const tables = new Map<string, TableInfo>();
  const foreignKeys: ForeignKeyInfo[] = [];
  const unquote = (s: string) => s.replace(/^"|"$/g, '');
  for (const [, name, body] of sql.matchAll(/CREATE TABLE public\.(\w+) \(\n([\s\S]*?)\n\);/g)) {
    const columns: ColumnInfo[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.trim().replace(/,$/, '');
      if (line.startsWith('CONSTRAINT')) continue;
      const col = /^("[^"]+"|\w+) (.+?)( NOT NULL)?$/.exec(line);
      if (!col) continue;
      const cname = unquote(col[1]);
      const native = col[2];
      let type: LogicalType;
      if (native === 'boolean') type = 'boolean';
      else if (/^(integer|bigint|smallint)$/.test(native)) type = 'integer';
      else if (native.startsWith('timestamp')) type = 'datetime';
      else if (native === 'date') type = 'date';
      else if (native.startsWith('time')) type = 'time';
      else if (native === 'uuid') type = 'uuid';
      else if (native === 'jsonb' || native === 'json') type = 'json';
      else if (native === 'interval') type = 'interval';
      else if (native === 'inet') type = 'inet';
      else type = 'text';
      const len = /\((\d+)\)/.exec(native);
      columns.push({
        name: cname,
        type,
        nativeType: native,
        nullable: col[3] === undefined,
        hasDefault: false,
        autoIncrement: false,
        maxLength: /character/.test(native) && len ? Number(len[1]) : null,
        position: columns.length + 1,
        collation: null,
      });
    }
    tables.set(name, { name, columns, primaryKey: [] });
  }
  for (const [, table, column] of sql.matchAll(/ALTER TABLE ONLY public\.(\w+) ALTER COLUMN ("[^"]+"|\w+) SET DEFAULT/g)) {
    const c = tables.get(table)?.columns.find((x) => x.name === unquote(column));
    if (c) {
      c.hasDefault = true;
      c.autoIncrement = true;
    }
  }
  for (const [, table, cols] of sql.matchAll(
    /ALTER TABLE ONLY public\.(\w+)\n\s+ADD CONSTRAINT (?:"[^"]+"|\w+) PRIMARY KEY \(([^)]*)\)/g,
  )) {
    const t = tables.get(table);
    if (t) t.primaryKey = cols.split(',').map((s) => unquote(s.trim()));
  }
  for (const [, table, column, refTable, refColumn] of sql.matchAll(
    /ALTER TABLE ONLY public\.(\w+)\n\s+ADD CONSTRAINT (?:"[^"]+"|\w+) FOREIGN KEY \(("[^"]+"|\w+)\) REFERENCES public\.(\w+)\(("[^"]+"|\w+)\)/g,
  )) {
    foreignKeys.push({ table, column: unquote(column), refTable, refColumn: unquote(refColumn) });
  }
  return { tables, foreignKeys, serverVersion: 'PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu' };
}

export function ddlSchema(dialect: 'mysql' | 'postgres', options: { podfile?: boolean } = {}): SchemaInfo {
  const file = ddlFile(dialect, '3.8.4', options.podfile ?? false);
  return dialect === 'mysql' ? schemaFromMariadbDdl(file) : schemaFromPostgresDdl(file);
}

/** The plan's tables (plans/v3-to-v4.yaml), read without the plan loader. */
export function planTables(): string[] {
  const text = readFileSync(join(__dirname, '..', '..', 'plans', 'v3-to-v4.yaml'), 'utf8');
  const section = text.slice(text.indexOf('\ntables:\n'), text.indexOf('\ntemplates:\n'));
  return [...section.matchAll(/^ {2}- (?:name: )?(\w+)/gm)].map((m) => m[1]);
}

/** Every PRIMARY KEY and UNIQUE KEY of the MariaDB DDL (the PostgreSQL DDL has the same ones). */
export function uniqueKeysFromMariadbDdl(file: string): Array<{ table: string; columns: string[] }> {
  const sql = readFileSync(file, 'utf8');
  const out: Array<{ table: string; columns: string[] }> = [];
  for (const [, table, body] of sql.matchAll(/CREATE TABLE `(\w+)` \(\n([\s\S]*?)\n\) ENGINE/g)) {
    for (const [, cols] of body.matchAll(/(?:PRIMARY KEY|UNIQUE KEY `\w+`) \(([^)]*)\)/g)) {
      out.push({ table, columns: [...cols.matchAll(/`(\w+)`/g)].map((m) => m[1]) });
    }
  }
  return out;
}

/** Column CHECKs `col >= 0` (PositiveIntegerField) of the MariaDB DDL. */
export function nonNegativeChecks(file: string): Array<{ table: string; column: string }> {
  const sql = readFileSync(file, 'utf8');
  const out: Array<{ table: string; column: string }> = [];
  for (const [, table, body] of sql.matchAll(/CREATE TABLE `(\w+)` \(\n([\s\S]*?)\n\) ENGINE/g)) {
    for (const [, column] of body.matchAll(/CHECK \(`(\w+)` >= 0\)/g)) out.push({ table, column });
  }
  return out;
}
