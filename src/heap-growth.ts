/**
 * How far V8 lets the heap grow past the live data before its next full collection, for a pod-migrate process.
 *
 * Every stage streams, so the live data stays small (about 25–45 MB through a 20,000-video run), but V8's default
 * growing factor (up to 4× the live data on a fast collector) lets garbage fill the old generation first: the peak
 * RSS followed the site's size (291 MB at 20,000 videos). A factor of 1.2 keeps the heap near the live data,
 * whatever it is: no hard limit (such as --max-old-space-size) that a larger site could run into. V8 reads this flag
 * at each collection, so setting it once the process runs takes effect (unlike the old-space limit). 1.5 was used
 * first: at 100,000 videos the run peaked at 124 MB, 119 MB with 1.3, 114 MB with 1.2 (5,000 videos: 99–102 MB with
 * any); the time is the same on the default shape and about 10 % more CPU on the busy one (more full collections).
 *
 * The young generation is the other part that does not follow the live data: V8 sizes its semi-spaces at start
 * (up to 16 MB each, three of them) and ignores a later change, so its limit is a command-line flag, given by the
 * executable's first line (`#!/usr/bin/env -S node …`, src/cli/main.ts) and by the bench to its measured child.
 * At 100,000 videos a whole `plan run` peaked at 275 MB without it, 241 MB with 2 MB semi-spaces.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 20;

/** The flags the executable starts node with (its `#!` line says the same; a test checks it). */
export const NODE_FLAGS = ['--max-semi-space-size=2'] as const;

/**
 * The environment the executable starts node in (its `#!` line, through `env -S`), for glibc's malloc; other C
 * libraries ignore both variables.
 * - MALLOC_ARENA_MAX: glibc keeps an arena per thread that allocates (V8's helper threads, libuv's pool) and gives
 *   little back, so the RSS outside V8's heap grew with the run's length; two arenas: a 100,000-video import peaked at
 *   140 MB instead of 152–158 MB (20,000 videos: 116 instead of 119 MB), no slower.
 * - MALLOC_MMAP_THRESHOLD_: glibc raises its mmap threshold each time a large block is freed (up to 32 MB), after
 *   which the dump reader's 256 KiB chunks, the COPY chunks and the growing key sets come from the heap, whose freed
 *   middle is never given back: the RSS grew with the site. A fixed 128 KiB keeps every block above it mapped on its
 *   own and returned when freed: a 100,000-video `plan run` peaked at 128–137 MB instead of 144–149 MB (5,000
 *   videos: unchanged, 109–112 MB), for about 10 % more system time (mapping and zeroing those chunks).
 */
export const NODE_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' } as const;

/** Sets the factor, unless the process was started with a --heap-growing-percent of its own (which then stays). */
export function limitHeapGrowth(): void {
  const own = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('heap-growing-percent'));
  if (!own) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
