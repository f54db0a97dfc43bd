/**
 * `npm start` as a developer runs it: a child process of its own, given only
 * environment variables, read by its output and its exit. Used by the tests of
 * what `npm start` says and how it stops (busy ports, signals).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

export interface NpmStart {
  readonly child: ChildProcess;
  /** Everything written so far to stdout and stderr. */
  readonly output: () => { stdout: string; stderr: string };
  /** The exit code (or the signal's name) once it exited. */
  readonly exited: Promise<number | string>;
  /** SIGKILL to its whole process group: what a failed test leaves running goes (stand-ins follow by their watchdog). */
  readonly killAll: () => void;
}

/** `npm start` in the repository, with these variables on top of this process's environment. */
export const npmStart = (env: Record<string, string>): NpmStart => {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, only so a failed test can clean up after itself; signals under test go to the pid.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const killAll = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  };
  return { child, output: () => ({ stdout, stderr }), exited, killAll };
};

/** A listener on 127.0.0.1:port, as someone else's program would hold it. */
export const holdPort = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

export const release = (server: Server): Promise<void> =>
  new Promise((resolve) => server.close(() => resolve()));

/** True when nothing listens on 127.0.0.1:port: a listener of our own can take it. */
export const isFree = async (port: number): Promise<boolean> => {
  try {
    await release(await holdPort(port));
    return true;
  } catch {
    return false;
  }
};
