/**
 * The local EventBridge schedule: invokes a scheduled handler (the sweeper)
 * every interval with a Lambda-like context. Runs never overlap: the next
 * waits for the one in progress. A failed run is reported as one line and
 * the schedule carries on, as a failed scheduled Lambda would.
 */
import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { lambdaContext } from './lambda-context.ts';

/** The sweeper's Lambda timeout; its time budget counts down from here. */
export const SCHEDULED_TIMEOUT_MS = 5 * 60_000;

export type ScheduledHandler<R> = (event: ScheduledEvent, context: Context) => Promise<R>;

export interface SchedulerOptions<R> {
  /** Names the function in its context and the rule in its event. */
  readonly name: string;
  readonly handler: ScheduledHandler<R>;
  readonly intervalMs: number;
  /** @default SCHEDULED_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** False: nothing runs until `runNow()` (tests drive it). @default true */
  readonly autoStart?: boolean;
  readonly onResult?: (result: R, ms: number) => void;
  /** One line per failed run; it names the error, never its data. */
  readonly onError?: (line: string) => void;
}

export interface Scheduler<R> {
  /** Runs once, after the run in progress if there is one; rejects if the handler throws. */
  runNow(): Promise<R>;
  /** Stops the timer; resolves when the run in progress, if any, has finished. */
  stop(): Promise<void>;
}

const scheduledEvent = (name: string): ScheduledEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: [`arn:aws:events:us-east-1:000000000000:rule/lethe-${name}`],
  detail: {},
});

/** An error's class, and its HTTP status when an AWS service sent it: enough to act on, no data. */
export const describeError = (error: unknown): string => {
  const name = error instanceof Error ? error.name : typeof error;
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status ? `${name} (HTTP ${status})` : name;
};

export const startScheduler = <R>(options: SchedulerOptions<R>): Scheduler<R> => {
  const { name, handler, intervalMs } = options;
  const timeoutMs = options.timeoutMs ?? SCHEDULED_TIMEOUT_MS;
  const onError = options.onError ?? ((line: string) => console.error(line));
  let tail: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const invoke = async (): Promise<R> => {
    const started = Date.now();
    const result = await handler(scheduledEvent(name), lambdaContext(name, timeoutMs, randomUUID(), started));
    const ms = Date.now() - started;
    if (ms > timeoutMs) onError(`${name} ran ${ms} ms, past its ${timeoutMs} ms timeout`);
    options.onResult?.(result, ms);
    return result;
  };

  // One run at a time: each run starts after the previous one settles.
  const enqueue = (): Promise<R> => {
    const run = tail.then(invoke);
    tail = run.catch(() => undefined);
    return run;
  };

  const tick = async () => {
    timer = undefined;
    const started = Date.now();
    try {
      await enqueue();
    } catch (error) {
      onError(`${name} failed: ${describeError(error)}; the next run is in ${intervalMs} ms`);
    }
    // Start to start, like a rate schedule; a run longer than the interval delays the next, never overlaps it.
    if (!stopped) timer = setTimeout(tick, Math.max(0, intervalMs - (Date.now() - started)));
  };

  if (options.autoStart ?? true) timer = setTimeout(tick, intervalMs);

  return {
    runNow: enqueue,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await tail;
    },
  };
};
