#!/usr/bin/env node
// The `lethe` bin: runs cli/lethe.ts through tsx on the project's own Node
// (the `node` dev dependency), whichever node started this shim.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const projectNode = join(
  root,
  'node_modules',
  'node',
  'bin',
  process.platform === 'win32' ? 'node.exe' : 'node',
);
const node = existsSync(projectNode) ? projectNode : process.execPath;
const cli = join(root, 'cli', 'lethe.ts');
if (!existsSync(cli)) {
  // The npm package ships the constructs and prebuilt functions only (see CHANGELOG.md).
  console.error('lethe: the operator CLI runs from a clone of the Lethe repository (npm ci, then npx lethe)');
  process.exit(1);
}

const child = spawn(node, [require.resolve('tsx/cli'), cli, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
// Ctrl-C reaches the child through the terminal; the shim waits for it to finish and exits as it did.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`lethe: cannot start ${node}: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
