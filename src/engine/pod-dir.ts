/**
 * `--createDB` runs `make createDB` in Pod 4's folder. Without `--pod-dir`, or with a folder that is not Pod's,
 * make would fail half-way through a run (`No rule to make target`), or run some other Makefile: checked before
 * anything starts, for every createDB-type step (a command that needs an empty target) of the run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PodMigrateError } from '../errors';
import type { Step } from '../plan/types';

const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile'];

export function checkPodDir(steps: Step[], podDir: string | undefined): void {
  for (const step of steps) {
    if (step.type !== 'command' || step.requires !== 'empty-target') continue;
    if (!podDir) {
      throw new PodMigrateError(
        'USAGE',
        `step ${step.name} runs \`${step.run}\` in Pod 4's folder: give --pod-dir DIR, the folder that holds Pod's Makefile`,
      );
    }
    const rule = /^\s*make\s+([A-Za-z0-9_.-]+)/.exec(step.run)?.[1];
    if (!rule) continue; // not make: the command knows where it runs
    const makefile = MAKEFILES.map((name) => join(podDir, name)).find((path) => existsSync(path));
    if (!makefile) {
      throw new PodMigrateError(
        'USAGE',
        `step ${step.name} runs \`${step.run}\` in ${podDir}, which holds no Makefile: is --pod-dir the Pod 4 folder?`,
      );
    }
    if (!new RegExp(`^${rule.replace(/[.]/g, '\\.')}\\s*:`, 'm').test(readFileSync(makefile, 'utf8'))) {
      throw new PodMigrateError(
        'USAGE',
        `step ${step.name} runs \`${step.run}\` in ${podDir}, but its Makefile has no ${rule} rule: is --pod-dir the Pod 4 folder?`,
      );
    }
  }
}
