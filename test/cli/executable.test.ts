/**
 * The executable starts node with the flags that keep its memory flat (src/heap-growth.ts): its `#!` line says
 * them, and a process started through that line gets them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { NODE_ENV, NODE_FLAGS } from '../../src/heap-growth';
import { CLI, ensureBuiltCli } from '../helpers/built-cli';

beforeAll(() => ensureBuiltCli());

const environment = Object.entries(NODE_ENV).map(([name, value]) => `${name}=${value}`);

test("the built executable's first line starts node with NODE_ENV and NODE_FLAGS", () => {
  const firstLine = readFileSync(CLI, 'utf8').split('\n', 1)[0];
  expect(firstLine).toBe(`#!/usr/bin/env -S ${environment.join(' ')} node ${NODE_FLAGS.join(' ')}`);
});

test('a process started through that line runs with those flags, in that environment', () => {
  const shebang = readFileSync(CLI, 'utf8').split('\n', 1)[0]!.slice(2).split(' ');
  // What the kernel does with the #! line (env -S splits the rest), then what node sees: the flags in execArgv.
  const script = `process.stdout.write(JSON.stringify({ flags: process.execArgv, env: ${JSON.stringify(Object.keys(NODE_ENV))}.map((k) => process.env[k]) }))`;
  const run = spawnSync(shebang[0]!, [...shebang.slice(1), '-e', script], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  const seen = JSON.parse(run.stdout) as { flags: string[]; env: string[] };
  expect(seen.flags.slice(0, NODE_FLAGS.length)).toEqual([...NODE_FLAGS]);
  expect(seen.env).toEqual(Object.values(NODE_ENV));
  const version = spawnSync(shebang[0]!, [...shebang.slice(1), CLI, '--version'], { encoding: 'utf8' });
  expect(version.status).toBe(0);
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
});

test("the executable's first import sets the heap's growing factor, before the modules the commands load", () => {
  // V8 sets the next heap limit at each full collection, and the first runs while those modules load.
  const requires = [...readFileSync(CLI, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  expect(requires[0]).toBe('./early-heap-limit');
});
