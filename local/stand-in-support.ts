/** What every stand-in shares: the loopback address, the error a developer can act on, the stop contract. */

/** A startup problem the developer can fix; the message is one line naming the fix. */
export class StandInError extends Error {
  override name = 'StandInError';
}

export const LOOPBACK = '127.0.0.1';
export const STOP_GRACE_MS = 5_000;

export interface Running {
  stop(): Promise<void>;
}

/**
 * Runs java under a small sh watchdog that kills java as soon as its stdin pipe closes. The pipe closes when we
 * call stop() and also whenever this Node process dies, even by SIGKILL or an unhandled Ctrl-C that skips
 * 'exit' handlers, so a stray JVM never keeps the port.
 */
export const WATCHDOG_SCRIPT = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'java_pid=$!',
  '{ read -r _ <&3; kill "$java_pid" 2>/dev/null; } &',
  'watcher_pid=$!',
  'wait "$java_pid"',
  'status=$?',
  'kill "$watcher_pid" 2>/dev/null',
  'exit "$status"',
].join('\n');
