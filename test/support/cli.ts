/** Runs the operator CLI in this process, as `npx lethe` would, keeping what it writes. */
import { type Io, type RunOptions, run } from '../../cli/run.ts';

export const runLethe = async (argv: readonly string[], env: NodeJS.ProcessEnv, options: RunOptions = {}) => {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { isTTY: false, write: (text: string) => (stderr += text) },
    env,
  };
  const code = await run(argv, io, options);
  return { code, stdout, stderr, json: <T = ReturnType<typeof JSON.parse>>() => JSON.parse(stdout) as T };
};
