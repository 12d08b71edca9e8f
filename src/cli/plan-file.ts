/**
 * Which plan file a command uses: the one given (argument or --plan) relative to the current folder, or —
 * when no such file is there — the shipped plan of that name (`pod-migrate plan run v3-to-v4.yaml` works from
 * any folder); no plan given: the shipped plans/v3-to-v4.yaml.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { PodMigrateError } from '../errors';

/** The plans shipped with pod-migrate. */
export const SHIPPED_PLANS = resolve(__dirname, '..', '..', 'plans');

export function findPlanFile(given: string | undefined, cwd: string, fallback: string): string {
  if (given === undefined) return fallback;
  const local = resolve(cwd, given);
  if (existsSync(local) || isAbsolute(given)) return local;
  // "plans/v3-to-v4.yaml" typed outside the project, or the bare name "v3-to-v4.yaml".
  for (const candidate of [resolve(SHIPPED_PLANS, '..', given), join(SHIPPED_PLANS, given)]) if (existsSync(candidate)) return candidate;
  return local;
}

/** `plan run PLAN` and `plan run --plan PLAN` are the same; both at once must agree. */
export function planArgument(positional: string | undefined, option: string | undefined): string | undefined {
  if (positional !== undefined && option !== undefined && positional !== option) {
    throw new PodMigrateError('USAGE', `two plans given: ${positional} and --plan ${option} (give one)`);
  }
  return positional ?? option;
}
