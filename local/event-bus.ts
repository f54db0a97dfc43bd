/**
 * The EventBridge stand-in: a small HTTP server that speaks PutEvents (AWS
 * JSON 1.1), so the real publisher and the real SDK run locally. It wraps
 * each entry in the standard envelope and hands it to its targets, as rules
 * would in AWS: the log line, the webhook (the API destination's part) and the
 * sign-in follower. Each target gets every event in order per account and
 * retries with backoff until it succeeds: nothing is dropped while the
 * process runs.
 *
 * Tests can make it refuse the next calls (`failNext`) to watch redelivery.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EventEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** Where events go: each target sees an account's events one at a time, in order. */
export interface BusTarget {
  readonly name: string;
  /** Which events it takes; all when absent. */
  readonly accepts?: (event: EventEnvelope) => boolean;
  /** Throws to be retried, with backoff, before the account's next event. */
  deliver(event: EventEnvelope): Promise<void>;
}

export interface LocalEventBus {
  readonly endpoint: string;
  /** Every event put so far, in order. */
  readonly events: readonly EventEnvelope[];
  /** The next `calls` PutEvents answer an error: `throttled` per entry, or `unavailable` for the whole call. */
  failNext(calls: number, how?: 'throttled' | 'unavailable'): void;
  /** Resolves when every target has delivered every event put so far. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export interface EventBusOptions {
  readonly port?: number;
  readonly region: string;
  readonly targets: readonly BusTarget[];
  readonly warn?: (line: string) => void;
  /** The first retry waits this long, doubling to `maxDelayMs`. @default 250 */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

const LOCAL_ACCOUNT = '000000000000';

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** An account's events for one target: a chain, so each waits for the one before it. */
class Lanes {
  private readonly lanes = new Map<string, Promise<void>>();

  add(key: string, work: () => Promise<void>): void {
    const next = (this.lanes.get(key) ?? Promise.resolve()).then(work);
    this.lanes.set(key, next);
    void next.finally(() => {
      if (this.lanes.get(key) === next) this.lanes.delete(key);
    });
  }

  async settled(): Promise<void> {
    while (this.lanes.size > 0) await Promise.all(this.lanes.values());
  }
}

export const startEventBus = async (options: EventBusOptions): Promise<LocalEventBus> => {
  const warn = options.warn ?? ((line: string) => console.error(line));
  const base = options.baseDelayMs ?? 250;
  const cap = options.maxDelayMs ?? 10_000;
  const events: EventEnvelope[] = [];
  const lanes = new Lanes();
  let stopped = false;
  let failures: { calls: number; how: 'throttled' | 'unavailable' } = { calls: 0, how: 'throttled' };

  const deliverUntilDone = async (target: BusTarget, event: EventEnvelope) => {
    for (let attempt = 0; !stopped; attempt += 1) {
      try {
        await target.deliver(event);
        return;
      } catch (error) {
        const delay = Math.min(cap, base * 2 ** attempt);
        if (attempt === 0 || delay === cap) {
          warn(
            `${target.name}: ${event['detail-type']} not delivered (${error instanceof Error ? error.message : 'error'}); retrying with backoff, at most every ${cap / 1000} s`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  const route = (event: EventEnvelope) => {
    events.push(event);
    const account = String(event.detail.accountId ?? event.detail.subject ?? '');
    for (const target of options.targets) {
      if (target.accepts && !target.accepts(event)) continue;
      lanes.add(`${target.name}\0${account}`, () => deliverUntilDone(target, event));
    }
  };

  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const answer = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(payload));
    };
    if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
      answer(400, { __type: 'UnknownOperationException', message: 'Only PutEvents is supported here' });
      return;
    }
    const { Entries = [] } = JSON.parse(body) as {
      Entries?: { Source: string; DetailType: string; Detail: string; Time?: number | string }[];
    };
    if (failures.calls > 0) {
      failures = { ...failures, calls: failures.calls - 1 };
      if (failures.how === 'unavailable') {
        answer(503, { __type: 'ServiceUnavailableException', message: 'Refused by the test' });
      } else {
        answer(200, {
          FailedEntryCount: Entries.length,
          Entries: Entries.map(() => ({
            ErrorCode: 'ThrottlingException',
            ErrorMessage: 'Refused by the test',
          })),
        });
      }
      return;
    }
    const ids = Entries.map((entry) => {
      const id = randomUUID();
      const time = entry.Time === undefined ? new Date() : new Date(Number(entry.Time) * 1000);
      route({
        version: '0',
        id,
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: LOCAL_ACCOUNT,
        // EventBridge's envelope time has whole seconds.
        time: `${time.toISOString().slice(0, 19)}Z`,
        region: options.region,
        resources: [],
        detail: JSON.parse(entry.Detail) as Record<string, unknown>,
      });
      return { EventId: id };
    });
    answer(200, { FailedEntryCount: 0, Entries: ids });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    events,
    failNext: (calls, how = 'throttled') => {
      failures = { calls, how };
    },
    settled: () => lanes.settled(),
    stop: async () => {
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
};
