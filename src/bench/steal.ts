/**
 * CPU time the hypervisor gave to other guests while a phase ran ("steal", the 8th figure of /proc/stat's `cpu` line).
 *
 * Why the bench reads it: on the 2-CPU virtual machines this project is measured on, the same 20,000-video MariaDB
 * `LOAD DATA` took 4.3 s in one run and 9.0 s a minute later, and `top` then showed half of the machine stolen (3–3.5 s
 * of steal in each 9 s load, none in the 4.3 s ones). A figure taken while the host took that much says nothing about
 * the code: the bench prints the steal beside each timed phase, and warns past STEAL_WARNING of the phase's CPU time.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The kernel's clock ticks per second for /proc/stat (USER_HZ: 100 on every Linux the bench runs on). */
const TICKS_PER_SECOND = 100;
/** Past this share of the machine's CPU time during a phase, its figures are flagged. */
export const STEAL_WARNING = 0.05;

/** The machine's steal since boot, in seconds (all CPUs); null where there is no /proc/stat (not Linux). */
export function stealSinceBoot(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== 'cpu' || fields.length < 9) return null;
    return Number(fields[8]) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The steal of one phase: seconds stolen, and their share of the machine's CPU time over the phase's wall time. */
export interface PhaseSteal {
  seconds: number;
  share: number;
}

/** Starts a phase; the returned function ends it and gives its steal. */
export function measureSteal(): () => PhaseSteal | null {
  const before = stealSinceBoot();
  const started = process.hrtime.bigint();
  return () => {
    const after = stealSinceBoot();
    if (before === null || after === null) return null;
    const seconds = Math.max(0, after - before);
    const capacity = (Number(process.hrtime.bigint() - started) / 1e9) * os.cpus().length;
    return { seconds: Math.round(seconds * 100) / 100, share: capacity > 0 ? seconds / capacity : 0 };
  };
}

/** The phase's steal as a share of the machine ("4 %"; "?" where it is unknown). */
export function stealShare(steal: PhaseSteal | null): string {
  return steal === null ? '?' : `${Math.round(steal.share * 100)} %`;
}

/** "plan run 0.31 s (4 %)"; a warning clause past STEAL_WARNING. */
export function describeSteal(phase: string, steal: PhaseSteal | null): string {
  if (steal === null) return `${phase}: steal unknown`;
  const text = `${phase} ${steal.seconds.toFixed(2)} s (${stealShare(steal)})`;
  return steal.share > STEAL_WARNING ? `${text} — SKEWED: the host took that CPU, rerun` : text;
}
