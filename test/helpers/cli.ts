/** Runs the CLI in-process with captured output. */
import { runCli } from '../../src/cli/program';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: {
      write: (s: string) => {
        stdout += s;
      },
      isTTY: false,
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
      },
      isTTY: false,
    },
    env,
    cwd,
  });
  return { code, stdout, stderr };
}
