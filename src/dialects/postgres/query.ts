/**
 * Raw SQL text with `$1..$n` placeholders → a slonik query token. slonik only accepts tagged templates, so the text is
 * split at its placeholders (outside string literals, quoted identifiers, comments and dollar-quoted bodies) and the
 * pieces are handed to `sql.unsafe` as a template whose values follow the placeholders' order of appearance (a
 * placeholder used twice is bound twice).
 */
import { sql, type QuerySqlToken, type ValueExpression } from 'slonik';
import { isJsonText } from '../../convert/logical-types';
import { PodMigrateError } from '../../errors';

interface Placeholder {
  start: number;
  end: number;
  index: number;
}

/** Positions of `$n` placeholders in the text, skipping '…', E'…', "…", -- …, /* … *\/ and $tag$…$tag$. */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const ch = text[i];
    if (ch === "'") {
      // A literal; '' is an escaped quote. Backslash escapes only matter in E'' strings.
      const escapes = i > 0 && (text[i - 1] === 'E' || text[i - 1] === 'e');
      i += 1;
      while (i < n) {
        if (escapes && text[i] === '\\') {
          i += 2;
          continue;
        }
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            i += 2;
            continue;
          }
          break;
        }
        i += 1;
      }
      i += 1;
    } else if (ch === '"') {
      const close = text.indexOf('"', i + 1);
      i = close === -1 ? n : close + 1;
      // "" inside a quoted identifier simply restarts the scan at the next quote, which is equivalent.
    } else if (ch === '-' && text[i + 1] === '-') {
      const close = text.indexOf('\n', i + 2);
      i = close === -1 ? n : close + 1;
    } else if (ch === '/' && text[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth += 1;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth -= 1;
          i += 2;
        } else i += 1;
      }
    } else if (ch === '$') {
      const digits = /^\$(\d+)/.exec(text.slice(i, i + 12));
      const previous = i > 0 ? text[i - 1] : '';
      if (digits && !/[A-Za-z0-9_$]/.test(previous)) {
        found.push({ start: i, end: i + digits[0].length, index: Number(digits[1]) });
        i += digits[0].length;
        continue;
      }
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 70));
      if (tag && !/[A-Za-z0-9_]/.test(previous)) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
        continue;
      }
      i += 1;
    } else {
      i += 1;
    }
  }
  return found;
}

/** A PostgreSQL array literal ('{"a","b",NULL}') for a JS array parameter (what node-postgres does, which slonik refuses). */
function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((value) => {
    if (value === null || value === undefined) return 'NULL';
    if (Array.isArray(value)) return arrayLiteral(value);
    const text = Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : String(scalarParam(value));
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}

export function scalarParam(value: unknown): string | number | boolean | bigint | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (value instanceof Date) return value.toISOString();
  if (isJsonText(value)) return value.json;
  return JSON.stringify(value);
}

/** A bound parameter in the form slonik accepts. */
export function toSlonikValue(value: unknown): ValueExpression {
  if (Buffer.isBuffer(value)) return sql.binary(value);
  if (Array.isArray(value)) return arrayLiteral(value);
  return scalarParam(value);
}

/** The one entry point: SQL text with `$n` placeholders and its parameters → a slonik query. */
export function toSlonikQuery(text: string, params: readonly unknown[] = []): QuerySqlToken {
  const placeholders = findPlaceholders(text);
  const parts: string[] = [];
  const values: ValueExpression[] = [];
  let last = 0;
  for (const p of placeholders) {
    if (p.index < 1 || p.index > params.length) {
      throw new PodMigrateError('DATABASE', `the query refers to $${p.index} but ${params.length} parameter(s) were given`);
    }
    parts.push(text.slice(last, p.start));
    values.push(toSlonikValue(params[p.index - 1]));
    last = p.end;
  }
  parts.push(text.slice(last));
  const template = Object.assign([...parts], { raw: Object.freeze([...parts]) });
  // biome-ignore lint/suspicious/noExplicitAny: slonik types a template only as a tagged-template literal's array
  return sql.unsafe(template as any, ...values);
}
