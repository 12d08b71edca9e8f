/**
 * Canonical forms of the temporal and uuid values (see logical-types.ts). Every reader — dump file, MySQL
 * driver, PostgreSQL driver — goes through these, so that one value has one spelling everywhere.
 * They return `undefined` when the text is not of the form: the caller raises a PodMigrateError that names
 * the table, row and column.
 */

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

/** Microseconds, 6 digits. More than 6 digits are refused by the patterns: the databases would round them. */
function micros(fraction: string | undefined): string {
  return (fraction ?? '').padEnd(6, '0');
}

/**
 * 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC. A value with an offset (`+02`, `+02:00`, `Z`) is moved to UTC; a value
 * without one is taken as UTC already (Django stores UTC with USE_TZ=True, which Pod sets).
 */
export function normalizeDatetime(text: string): string | undefined {
  const fast = plainDatetime(text);
  if (fast !== undefined) return fast || undefined;
  const m = DATETIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '00', frac, zone] = m;
  if (!validDate(+y, +mo, +d) || +h > 23 || +mi > 59 || +s > 59) return undefined;
  const fraction = micros(frac);
  if (zone === undefined || zone === 'Z' || /^[+-]00(:?00)?$/.test(zone)) {
    return `${y}-${mo}-${d} ${h}:${mi}:${s}.${fraction}`;
  }
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  // setUTCFullYear, not Date.UTC: the latter reads years 0–99 as 1900–1999.
  const local = new Date(0);
  local.setUTCFullYear(+y, +mo - 1, +d);
  local.setUTCHours(+h, +mi, +s, 0);
  const utc = new Date(local.getTime() - offsetMinutes * 60_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())} ` +
    `${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}.${fraction}`
  );
}

/**
 * The spellings the databases print ('YYYY-MM-DD HH:MM:SS[.f…]', PostgreSQL's timestamptz with '+00'), read char by
 * char: the canonical text, '' when such a text is no valid datetime, `undefined` for any other spelling (then the
 * pattern decides). No regular expression, no parts: verify and the import read millions of them.
 */
function plainDatetime(text: string): string | undefined {
  let end = text.length;
  if (end >= 22 && text.charCodeAt(end - 3) === 43 /* + */ && text.charCodeAt(end - 2) === 48 && text.charCodeAt(end - 1) === 48) end -= 3;
  if (end !== 19 && (end < 21 || end > 26)) return undefined;
  if (!hasShape(text, 'dddd-dd-dd dd:dd:dd')) return undefined;
  if (end > 19) {
    if (text.charCodeAt(19) !== 46 /* . */) return undefined;
    for (let i = 20; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
    }
  }
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  if (
    !validDate(year, twoDigits(text, 5), twoDigits(text, 8)) ||
    twoDigits(text, 11) > 23 ||
    twoDigits(text, 14) > 59 ||
    twoDigits(text, 17) > 59
  )
    return '';
  if (end === 26) return end === text.length ? text : text.slice(0, 26);
  return `${text.slice(0, 19)}.${end === 19 ? '000000' : text.slice(20, end).padEnd(6, '0')}`;
}

function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;
}

/** `text` starts with `shape`: a digit where it has 'd', the same character elsewhere (no regular expression). */
export function hasShape(text: string, shape: string): boolean {
  for (let i = 0; i < shape.length; i++) {
    const c = text.charCodeAt(i);
    const expected = shape.charCodeAt(i);
    if (expected === 100 /* d */ ? c < 48 || c > 57 : c !== expected) return false;
  }
  return true;
}

export function normalizeDate(text: string): string | undefined {
  if (text.length === 10 && hasShape(text, 'dddd-dd-dd')) {
    return validDate(twoDigits(text, 0) * 100 + twoDigits(text, 2), twoDigits(text, 5), twoDigits(text, 8)) ? text : undefined;
  }
  const m = DATE.exec(text.trim());
  if (!m || !validDate(+m[1], +m[2], +m[3])) return undefined;
  return text.trim();
}

/** 'HH:MM:SS.ffffff' */
export function normalizeTime(text: string): string | undefined {
  const m = TIME.exec(text.trim());
  if (!m) return undefined;
  const [, h, mi, s = '00', frac] = m;
  if (+h > 23 || +mi > 59 || +s > 59) return undefined;
  return `${h}:${mi}:${s}.${micros(frac)}`;
}

/** 32 lowercase hex digits (Django's MySQL storage), from any of the usual spellings. */
export function normalizeUuid(text: string): string | undefined {
  const hex = text
    .trim()
    .replace(/^\{|\}$/g, '')
    .replace(/-/g, '')
    .toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? hex : undefined;
}

/** Pod's dump spelling: microseconds only when they are not zero (Pod's exporter writes none at all). */
export function datetimeForDump(canonical: string): string {
  return canonical.endsWith('.000000') ? canonical.slice(0, -7) : canonical;
}

export const timeForDump = datetimeForDump;

/** The uuid with dashes, as PostgreSQL prints it. */
export function uuidWithDashes(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Days of each month in a common year (a constant: validDate runs for every datetime verify and the import read). */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  if (d <= MONTH_DAYS[m - 1]) return true;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return m === 2 && d === 29 && leap;
}
