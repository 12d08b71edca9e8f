/**
 * `--log-file FILE`: everything a command says, each line with its UTC timestamp, without colour or progress
 * redraws — for the change ticket and for the morning after a night run. Written synchronously: a line
 * said before Ctrl-C is in the file.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { PodMigrateError } from '../../errors';
import type { Output } from '../terminal-reporter';
import { stripAnsi } from './style';

export interface LogFile extends Output {
  close(): void;
}

export function openLogFile(path: string): LogFile {
  let fd: number;
  try {
    fd = openSync(path, 'a', 0o600);
  } catch (error) {
    throw new PodMigrateError('USAGE', `--log-file ${path}: cannot open it (${(error as Error).message})`, { cause: error });
  }
  let pending = '';
  return {
    isTTY: false,
    write(text: string) {
      pending += stripAnsi(text);
      const lines = pending.split('\n');
      pending = lines.pop()!;
      if (lines.length > 0) writeSync(fd, lines.map((l) => `${new Date().toISOString()} ${l}\n`).join(''));
    },
    close() {
      if (pending !== '') writeSync(fd, `${new Date().toISOString()} ${pending}\n`);
      closeSync(fd);
    },
  };
}

/** The same text to a console stream and to the log file. */
export function tee(out: Output, log: Output | undefined): Output {
  if (!log) return out;
  return {
    isTTY: out.isTTY,
    write: (text: string) => {
      out.write(text);
      log.write(text);
    },
  };
}
