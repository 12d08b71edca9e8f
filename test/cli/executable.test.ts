/**
 * The executable starts node with the flags that keep its memory flat (src/heap-growth.ts): its `#!` line says
 * them, and a process started through that line gets them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { NODE_FLAGS } from '../../src/heap-growth';
import { CLI, ensureBuiltCli } from '../helpers/built-cli';

beforeAll(() => ensureBuiltCli());

test("the built executable's first line starts node with NODE_FLAGS", () => {
  const firstLine = readFileSync(CLI, 'utf8').split('\n', 1)[0];
  expect(firstLine).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
});

test('a process started through that line runs with those flags', () => {
  const shebang = readFileSync(CLI, 'utf8').split('\n', 1)[0]!.slice(2).split(' ');
  // What the kernel does with the #! line, then what node sees: the flags in execArgv.
  const run = spawnSync(shebang[0]!, [...shebang.slice(1), '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'], {
    encoding: 'utf8',
  });
  expect(run.status).toBe(0);
  expect((JSON.parse(run.stdout) as string[]).slice(0, NODE_FLAGS.length)).toEqual([...NODE_FLAGS]);
  const version = spawnSync(shebang[0]!, [...shebang.slice(1), CLI, '--version'], { encoding: 'utf8' });
  expect(version.status).toBe(0);
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
});
