/**
 * Binding `?` parameters into MySQL / MariaDB SQL text, literal-aware. mysql2 formats parameters on the client
 * (text protocol); we do that step ourselves so that what counts as a placeholder does not depend on the
 * driver's version: only a `?` OUTSIDE string literals ('…', "…"), backticked identifiers (`…`) and comments
 * (-- …, # …, /* … *\/) is one. A plan's regex literal such as '(?<=^|/)[0-9a-f]{64}(?=/|$)' stays as written.
 *
 * Each value is escaped by the driver's own `escape` (what mysql2's `format` does, and what the bulk INSERT
 * path uses), never concatenated raw; the number of placeholders must equal the number of values.
 *
 * The session's sql_mode (connection.ts) keeps ANSI_QUOTES and NO_BACKSLASH_ESCAPES off, which this scanner
 * and the driver's escaping both assume: "…" is a string, and a backslash escapes the next character.
 */
import mysql from 'mysql2';
import { PodMigrateError } from '../../errors';
import type { QueryParam } from './codec';

/** Offsets of the `?` placeholders of the text (outside literals, quoted identifiers and comments). */
export function findPlaceholders(text: string): number[] {
  const found: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const ch = text[i];
    if (ch === '?') {
      found.push(i);
      i += 1;
    } else if (ch === "'" || ch === '"') {
      // A string: a backslash escapes the next character, and a doubled quote is a quote.
      i += 1;
      while (i < n) {
        if (text[i] === '\\') {
          i += 2;
        } else if (text[i] === ch) {
          if (text[i + 1] === ch) {
            i += 2;
          } else {
            break;
          }
        } else {
          i += 1;
        }
      }
      i += 1;
    } else if (ch === '`') {
      // A quoted identifier: no escapes; a doubled backtick is a backtick (the scan simply resumes past it).
      const close = text.indexOf('`', i + 1);
      i = close === -1 ? n : close + 1;
    } else if (ch === '#' || (ch === '-' && text[i + 1] === '-' && (i + 2 >= n || text.charCodeAt(i + 2) <= 32))) {
      // A line comment: `#`, or `--` followed by a space or control character (`a--1` is a minus a minus).
      const close = text.indexOf('\n', i);
      i = close === -1 ? n : close + 1;
    } else if (ch === '/' && text[i + 1] === '*') {
      // `/*! … */` (MySQL version comment, MariaDB `/*M! … */`) and `/*+ … */` (optimizer hint) are run as SQL:
      // their contents are scanned like the rest. Other comments do not nest in MySQL.
      const marker = text[i + 2];
      if (marker === '!' || marker === '+' || (marker === 'M' && text[i + 3] === '!')) {
        i += 2;
        continue;
      }
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? n : close + 2;
    } else {
      i += 1;
    }
  }
  return found;
}

/** One value as SQL text, by the driver's own escaping (arrays become lists, for `IN (?)`). */
export function escapeParam(value: QueryParam): string {
  // No Date reaches here (encodeParam turns them into UTC text); 'Z' is the session's time zone all the same.
  return mysql.escape(value, false, 'Z');
}

/**
 * The text with each placeholder replaced by its escaped value, in order. A text without values is returned
 * as it is (a `?` in it then reaches the server, which refuses it); a count mismatch is refused here.
 */
export function bindParams(text: string, values: readonly QueryParam[]): string {
  if (values.length === 0) return text;
  const placeholders = findPlaceholders(text);
  if (placeholders.length !== values.length) {
    throw new PodMigrateError(
      'DATABASE',
      `the query has ${placeholders.length} placeholder(s) (? outside string literals and comments) but ${values.length} parameter(s) were given`,
    );
  }
  let out = '';
  let last = 0;
  placeholders.forEach((at, k) => {
    out += text.slice(last, at) + escapeParam(values[k]);
    last = at + 1;
  });
  return out + text.slice(last);
}
