/** Cognito user pools: cognito-local, a Node child process, with the demo pools written before it starts. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { LOOPBACK, type Running, STOP_GRACE_MS, StandInError, WATCHDOG_SCRIPT } from './stand-in-support.ts';

const COGNITO_READY_TIMEOUT_MS = 30_000;

/**
 * cognito-local reads `.cognito/` in its working directory: its config (usernames are plain usernames, not
 * emails, as the demo's account ids are) and one `db/<pool id>.json` per pool. The data map names pools by id
 * and cognito-local makes up ids on CreateUserPool, so the demo pools are written before it starts.
 */
export async function startCognito(
  port: number,
  dataDir: string | undefined,
  pools: readonly string[],
): Promise<Running> {
  const home =
    dataDir === undefined
      ? await mkdtemp(path.join(os.tmpdir(), 'lethe-cognito-'))
      : path.join(dataDir, 'cognito');
  await mkdir(path.join(home, '.cognito', 'db'), { recursive: true });
  await writeFile(
    path.join(home, '.cognito', 'config.json'),
    JSON.stringify({ UserPoolDefaults: { UsernameAttributes: [] } }),
  );
  for (const id of pools) {
    const file = path.join(home, '.cognito', 'db', `${id}.json`);
    if (existsSync(file)) continue;
    const region = id.split('_')[0] ?? 'us-east-1';
    const options = {
      Id: id,
      Name: id,
      Arn: `arn:aws:cognito-idp:${region}:000000000000:userpool/${id}`,
      UsernameAttributes: [],
      MfaConfiguration: 'OFF',
    };
    await writeFile(file, JSON.stringify({ Options: options, Users: {} }));
  }
  const require = createRequire(import.meta.url);
  let bin: string;
  try {
    bin = path.join(path.dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
  } catch {
    throw new StandInError('The cognito-local package is missing: run npm install');
  }
  const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'lethe-cognito', process.execPath, bin], {
    cwd: home,
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, PORT: String(port), HOST: LOOPBACK },
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const onParentExit = () => killGroup('SIGTERM');
  process.on('exit', onParentExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    process.off('exit', onParentExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end();
    const timer = setTimeout(() => killGroup('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    if (dataDir === undefined) await rm(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + COGNITO_READY_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`http://${LOOPBACK}:${port}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityProviderService.ListUserPools',
        },
        body: JSON.stringify({ MaxResults: 1 }),
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new StandInError(
        `cognito-local did not answer on port ${port} (${stderr.join('').trim().split('\n').at(-1) ?? 'no output'}): set LETHE_COGNITO_PORT to a free port`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { stop };
}
