/**
 * `npx lethe <command>`: the operator CLI. Run through tsx by cli/bin.mjs
 * with the project's Node; `npx lethe --help` lists the commands.
 */
import { run } from './run.ts';

// `lethe dlq list | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
