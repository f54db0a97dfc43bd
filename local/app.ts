/**
 * The whole system on one machine: stand-ins, resources, demo data, the API
 * server in front of the real handlers, and the enforcement loop (the sweeper
 * on a timer, the purge queue consumed as Lambda would). `npm start` and the
 * integration tests both start it through here.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoProfileReader } from '../functions/adapters/dynamo-profiles.ts';
import { CONFIG_SOURCES, parseConfig } from '../functions/core/config-schema.ts';
import { cognitoStores, validateDataMap } from '../functions/core/data-map.ts';
import { parseDuration } from '../functions/core/duration.ts';
import { withExportTargets } from '../functions/core/export.ts';
import {
  accountsTable,
  auditTable,
  exportQueue,
  exportsBucket,
  exportsTable,
  letheQueues,
  noticeQueue,
  outboxTable,
  purgeQueue,
} from '../functions/core/resources.ts';
import { config } from '../lethe.config.ts';
import { defaultKeyDir, localSubjectKey } from './dev-keys.ts';
import { type Enforcement, type LocalSweepResult, startEnforcement } from './enforcement.ts';
import { type LocalEvents, startLocalEvents } from './events.ts';
import { type ExportWorker, startExportWorker } from './exports.ts';
import { type FakeProcessor, startFakeProcessor } from './fake-processor.ts';
import { createVerifier, jwtKeyFile } from './jwt.ts';
import {
  createPlainQueue,
  createQueues,
  createResources,
  dlqName,
  EVENTS_DLQ,
  type LocalQueue,
  localQueueUrl,
} from './resources.ts';
import { demoAccountId, seedDemoAccounts } from './seed.ts';
import { type ApiServer, startApiServer } from './server.ts';
import type { LocalSettings } from './settings.ts';
import { type StandIns, startStandIns } from './stand-ins.ts';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalApp {
  readonly apiUrl: string;
  readonly endpoints: StandIns['endpoints'];
  readonly seeded: readonly string[];
  /** The stand-in for the data map's processors (local/fake-processor.ts). */
  readonly processor: FakeProcessor;
  /** Every queue of `letheQueues`, with its DLQ. */
  readonly queues: readonly LocalQueue[];
  /** What the handlers were given: tests that run a handler in their own process set the same. */
  readonly environment: Readonly<Record<string, string>>;
  /** The outbox publisher and the EventBridge stand-in; undefined when events are left to the caller. */
  readonly events?: LocalEvents;
  /** The sweep interval in use; undefined when enforcement is left to the caller. */
  readonly sweepIntervalMs?: number;
  /** One sweep (and retention run) now, as the timer runs it; undefined when enforcement is left to the caller. */
  readonly sweepNow?: () => Promise<LocalSweepResult>;
  readonly clients: {
    readonly ddb: DynamoDBClient;
    readonly doc: DynamoDBDocumentClient;
    readonly s3: S3Client;
    readonly sqs: SQSClient;
  };
  stop(): Promise<void>;
}

export interface LocalAppOptions {
  /** Where the dev JWT and subject keys live. @default .lethe */
  readonly keyDir?: string;
  readonly quiet?: boolean;
  readonly onRequest?: (line: string) => void;
  /**
   * The sweeper on a timer and the purge queue consumed as Lambda would.
   * False leaves both to the caller (tests sweep and drain when they choose).
   * @default { sweepIntervalMs: settings.sweepInterval }
   */
  readonly enforcement?: false | { readonly sweepIntervalMs?: number };
  /** One line per sweep that claimed something, per purge message handled, and per enforcement error. */
  readonly onEnforcement?: (line: string) => void;
  /**
   * The outbox stream published to the EventBridge stand-in, and its targets
   * (log, webhook, sign-in). False leaves the stream unread (tests that watch
   * events run their own publisher). @default true
   */
  readonly events?: boolean;
  /** One line per event delivered (type and masked account), and per delivery retry. */
  readonly onEvent?: (line: string) => void;
}

/** Stop taking new pages with this much time left: a local page takes well under a second. */
const LOCAL_RESERVE_MS = '5000';

/**
 * The environment a Lambda would get, pointed at the stand-ins. It is set
 * before the handlers are first imported, because they read env at cold start.
 */
export const handlerEnvironment = (
  settings: LocalSettings,
  endpoints: StandIns['endpoints'],
  subjectKey: string,
  processorUrl?: string,
  eventBus?: string,
) => ({
  ...(processorUrl && { LETHE_PROCESSOR_ENDPOINT_URL: processorUrl }),
  ...(settings.processorDeadline && { LETHE_PROCESSOR_DEADLINE: settings.processorDeadline }),
  ...(settings.deletionSla && { LETHE_DELETION_SLA: settings.deletionSla }),
  AWS_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
  AWS_ENDPOINT_URL_SQS: endpoints.sqs,
  AWS_ENDPOINT_URL_S3: endpoints.s3,
  AWS_ENDPOINT_URL_SESV2: endpoints.ses,
  AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoints.cognito,
  ...(eventBus && { AWS_ENDPOINT_URL_EVENTBRIDGE: eventBus }),
  [accountsTable.env]: accountsTable.localName,
  [auditTable.env]: auditTable.localName,
  [exportsTable.env]: exportsTable.localName,
  [outboxTable.env]: outboxTable.localName,
  LETHE_EVENT_BUS: 'lethe',
  EVENTS_DLQ_URL: localQueueUrl(endpoints.sqs, EVENTS_DLQ),
  [exportsBucket.env]: exportsBucket.localName,
  ...Object.fromEntries(letheQueues.map((q) => [q.env, localQueueUrl(endpoints.sqs, q.localName)])),
  ...Object.fromEntries(letheQueues.map((q) => [q.dlqEnv, localQueueUrl(endpoints.sqs, dlqName(q))])),
  LETHE_RESERVE_MS: process.env.LETHE_RESERVE_MS ?? LOCAL_RESERVE_MS,
  LETHE_SUBJECT_KEY: subjectKey,
  LETHE_GRACE_PERIOD: settings.gracePeriod,
  LETHE_NOTICE_SCHEDULE: settings.noticeSchedule,
  // The handlers' configuration: lethe.config.ts, the same object the example app passes the construct,
  // as the construct's schema returns it (defaults filled in).
  [CONFIG_SOURCES.env]: JSON.stringify(parseConfig(config)),
  LETHE_SWEEP_INTERVAL: settings.sweepInterval,
  LETHE_RETENTION_MAX_LAG: settings.retentionMaxLag,
  // No CloudWatch Logs stand-in: the retention sweeper leaves the rules' log groups to AWS.
  LETHE_LOG_RETENTION: 'off',
  // The terminal shows one line per request; handler logs below WARN would drown it.
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  // EMF lines are for CloudWatch; in a terminal they would bury the request log. On with =false.
  POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
});

export const startLocalApp = async (
  settings: LocalSettings,
  options: LocalAppOptions = {},
): Promise<LocalApp> => {
  const map = validateDataMap(config.dataMap);
  const standIns = await startStandIns({
    dynamodbPort: settings.dynamodbPort,
    sesPort: settings.sesPort,
    sqsS3Port: settings.sqsS3Port,
    cognitoPort: settings.cognitoPort,
    userPools: cognitoStores(map).map((s) => s.userPoolId),
    ...(settings.dataDir && { dataDir: settings.dataDir }),
    quiet: options.quiet ?? true,
  });
  let server: ApiServer | undefined;
  let enforcement: Enforcement | undefined;
  let exportWorker: ExportWorker | undefined;
  let processor: FakeProcessor | undefined;
  let events: LocalEvents | undefined;
  try {
    const { endpoints } = standIns;
    const keyDir = options.keyDir ?? defaultKeyDir();
    const subjectKey = await localSubjectKey(keyDir);
    processor = await startFakeProcessor({
      subjectKey,
      apiUrl: () => server?.url,
      // newsletter confirms after a delay; helpdesk answers its status URL "deleted" after as long, so a
      // sweep's poll confirms it; analytics never answers, so its line goes overdue (P5).
      behaviours: {
        analytics: 'silent',
        helpdesk: { deletedAfterMs: parseDuration(settings.processorConfirmDelay) },
      },
      defaultDelayMs: parseDuration(settings.processorConfirmDelay),
      failFor: settings.processorFailAccounts,
      ...(options.onEnforcement && { log: options.onEnforcement }),
    });
    const environment: Record<string, string> = handlerEnvironment(
      settings,
      endpoints,
      subjectKey,
      processor.url,
    );
    Object.assign(process.env, environment);
    const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
    const doc = DynamoDBDocumentClient.from(ddb);
    const s3 = new S3Client({ ...common, endpoint: endpoints.s3, forcePathStyle: true });
    // The queue URL is used as given: fauxqs's own URLs name hosts that do not resolve.
    const sqs = new SQSClient({ ...common, endpoint: endpoints.sqs, useQueueUrlAsEndpoint: false });
    const fresh = await createResources(ddb, s3, map);
    const queues = await createQueues(sqs, endpoints.sqs, letheQueues);
    await createPlainQueue(sqs, endpoints.sqs, EVENTS_DLQ);
    // With a data dir, a restart keeps what was there (purged accounts stay purged).
    const seeded = fresh
      ? await seedDemoAccounts(doc, s3, map, settings.seedAccounts, endpoints.cognito)
      : [];
    if (options.events !== false) {
      // The handlers below read the bus's endpoint at their first import.
      events = await startLocalEvents({
        ddb,
        endpoints,
        ...(settings.webhook && { webhook: settings.webhook }),
        ...(options.onEvent && { log: options.onEvent, warn: options.onEvent }),
      });
      Object.assign(environment, { AWS_ENDPOINT_URL_EVENTBRIDGE: events.bus.endpoint });
      process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = events.bus.endpoint;
      await events.start();
    }
    server = await startApiServer({
      port: settings.port,
      verify: await createVerifier(jwtKeyFile(keyDir)),
      throttle: settings.throttle,
      ...(options.onRequest && { onRequest: options.onRequest }),
    });
    const sweepIntervalMs =
      options.enforcement === false
        ? undefined
        : (options.enforcement?.sweepIntervalMs ?? parseDuration(settings.sweepInterval));
    // The restore link in notices points at this server; the sender reads it at its cold start, below.
    process.env.LETHE_PUBLIC_URL = server.url;
    environment.LETHE_PUBLIC_URL = server.url;
    const purge = queues.find((q) => q.definition.id === purgeQueue.id);
    const notices = queues.find((q) => q.definition.id === noticeQueue.id);
    if (sweepIntervalMs !== undefined && purge) {
      enforcement = await startEnforcement({
        sqs,
        doc,
        // What the purge worker walks: the data map, then the export records and archives.
        map: withExportTargets(map, exportsTable.localName, exportsBucket.localName),
        purgeQueue: purge,
        ...(notices && { noticeQueue: notices }),
        subjectKey,
        sweepIntervalMs,
        profiles: new DynamoProfileReader(doc, map),
        demoIds: Array.from({ length: settings.seedAccounts }, (_, i) => demoAccountId(i + 1)),
        sesSimulation: {
          bounce: settings.sesBounceAccounts,
          complaint: settings.sesComplaintAccounts,
          configurationSet: config.notices.configurationSet,
        },
        ...(options.onEnforcement && { log: options.onEnforcement, warn: options.onEnforcement }),
      });
    }
    const exportsQueue = queues.find((q) => q.definition.id === exportQueue.id);
    if (sweepIntervalMs !== undefined && exportsQueue) {
      exportWorker = await startExportWorker({
        sqs,
        exportQueue: exportsQueue,
        ...(options.onEnforcement && { log: options.onEnforcement, warn: options.onEnforcement }),
      });
    }
    const api = server;
    const running = enforcement;
    const exporting = exportWorker;
    const processing = processor;
    const publishing = events;
    return {
      apiUrl: api.url,
      endpoints,
      seeded,
      processor: processing,
      queues,
      environment,
      ...(sweepIntervalMs !== undefined && { sweepIntervalMs }),
      ...(running && { sweepNow: () => running.sweepNow() }),
      ...(publishing && { events: publishing }),
      clients: { ddb, doc, s3, sqs },
      stop: async () => {
        // Enforcement first: the batch in flight finishes and is deleted while the stand-ins still answer.
        await running?.stop();
        await exporting?.stop();
        await processing.stop();
        await publishing?.stop();
        await api.close();
        ddb.destroy();
        s3.destroy();
        sqs.destroy();
        await standIns.stop();
      },
    };
  } catch (error) {
    await enforcement?.stop();
    await exportWorker?.stop();
    await processor?.stop();
    await events?.stop();
    await server?.close();
    await standIns.stop();
    throw error;
  }
};
