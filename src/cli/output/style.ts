/**
 * How figures and colours look in the console: thousands separators, durations an administrator reads at a
 * glance (5.6s, 1m02s), and ANSI colour only on a terminal and never with NO_COLOR (https://no-color.org).
 */
import type { Output } from '../terminal-reporter';

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h${two(m)}m${two(s % 60)}s` : `${m}m${two(s % 60)}s`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

export interface Paint {
  ok(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;
export const plainPaint: Paint = { ok: plain, bad: plain, warn: plain, dim: plain, bold: plain };

/** Colour for this output: a terminal, and NO_COLOR unset or empty. */
export function paintFor(out: Output, env: NodeJS.ProcessEnv): Paint {
  if (!out.isTTY || (env.NO_COLOR ?? '') !== '') return plainPaint;
  return { ok: ansi(32, 39), bad: ansi(31, 39), warn: ansi(33, 39), dim: ansi(2, 22), bold: ansi(1, 22) };
}

/** Escape sequences out: for the log file and for tests that count characters. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]|\r/g, '');
}
