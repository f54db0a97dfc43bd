/**
 * Lifecycle events locally, as a deployment runs them: the outbox table's
 * stream read as the event source mapping would, the real publisher handler
 * putting events on the EventBridge stand-in, and the bus's targets: a log
 * line per event, the webhook when LETHE_WEBHOOK_URL is set, and the real
 * sign-in follower when the data map names a user pool.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { cognitoStores } from '../functions/core/data-map.ts';
import { outboxTable } from '../functions/core/resources.ts';
import { config } from '../lethe.config.ts';
import { type BusTarget, type LocalEventBus, startEventBus } from './event-bus.ts';
import { logTarget, signInTarget, webhookTarget } from './event-targets.ts';
import { type OutboxStream, startOutboxStream } from './outbox-stream.ts';

export interface LocalEventsOptions {
  readonly ddb: DynamoDBClient;
  readonly endpoints: { readonly dynamodb: string };
  readonly webhook?: { readonly url: string; readonly secret: string };
  readonly log?: (line: string) => void;
  readonly warn?: (line: string) => void;
  /** Where the outbox stream's position is kept across restarts (under LETHE_DATA_DIR); absent: in memory. */
  readonly positionFile?: string;
  /** First retry delay of a target that failed (the webhook down). @default 250 */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

export interface LocalEvents {
  readonly bus: LocalEventBus;
  /** Starts reading the outbox: call once the bus's endpoint is in the environment the handlers read. */
  start(): Promise<void>;
  /** Every event written so far published and delivered to every target. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export const startLocalEvents = async (options: LocalEventsOptions): Promise<LocalEvents> => {
  const log = options.log ?? (() => undefined);
  const warn = options.warn ?? ((line: string) => console.error(line));
  const targets: BusTarget[] = [logTarget(log)];
  if (options.webhook) targets.push(webhookTarget(options.webhook.url, options.webhook.secret));
  if (cognitoStores(config.dataMap).length > 0) {
    // Imported at the first delivery: it reads the tables and endpoints at cold start.
    targets.push(
      signInTarget(async (event, context) => {
        const { handler } = await import('../functions/workers/sign-in-follower.ts');
        return handler(event, context);
      }),
    );
  }
  const bus = await startEventBus({
    region: REGION,
    targets,
    warn,
    ...(options.retryBaseMs !== undefined && { baseDelayMs: options.retryBaseMs }),
    ...(options.retryMaxMs !== undefined && { maxDelayMs: options.retryMaxMs }),
  });
  let stream: OutboxStream | undefined;
  return {
    bus,
    start: async () => {
      const { handler } = await import('../functions/workers/outbox-publisher.ts');
      stream = await startOutboxStream({
        ddb: options.ddb,
        endpoint: options.endpoints.dynamodb,
        region: REGION,
        credentials: CREDENTIALS,
        tableName: outboxTable.localName,
        handler,
        warn,
        ...(options.positionFile && { positionFile: options.positionFile }),
      });
    },
    settled: async () => {
      await stream?.caughtUp();
      await bus.settled();
    },
    stop: async () => {
      await stream?.stop();
      await bus.stop();
    },
  };
};
