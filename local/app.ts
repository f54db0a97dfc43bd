/**
 * The whole system on one machine: stand-ins, resources, demo data, and the
 * API server in front of the real handlers. `npm start` and the integration
 * tests both start it through here.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { validateDataMap } from '../functions/core/data-map.ts';
import { accountsTable, auditTable } from '../functions/core/resources.ts';
import { config } from '../lethe.config.ts';
import { defaultKeyDir, localSubjectKey } from './dev-keys.ts';
import { createVerifier, jwtKeyFile } from './jwt.ts';
import { createResources } from './resources.ts';
import { seedDemoAccounts } from './seed.ts';
import { type ApiServer, startApiServer } from './server.ts';
import type { LocalSettings } from './settings.ts';
import { type StandIns, startStandIns } from './stand-ins.ts';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalApp {
  readonly apiUrl: string;
  readonly endpoints: StandIns['endpoints'];
  readonly seeded: readonly string[];
  readonly clients: {
    readonly ddb: DynamoDBClient;
    readonly doc: DynamoDBDocumentClient;
    readonly s3: S3Client;
  };
  stop(): Promise<void>;
}

export interface LocalAppOptions {
  /** Where the dev JWT and subject keys live. @default .lethe */
  readonly keyDir?: string;
  readonly quiet?: boolean;
  readonly onRequest?: (line: string) => void;
}

/**
 * The environment a Lambda would get, pointed at the stand-ins. It is set
 * before the handlers are first imported, because they read env at cold start.
 */
export const handlerEnvironment = (
  settings: LocalSettings,
  endpoints: StandIns['endpoints'],
  subjectKey: string,
) => ({
  AWS_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
  AWS_ENDPOINT_URL_SQS: endpoints.sqs,
  AWS_ENDPOINT_URL_S3: endpoints.s3,
  AWS_ENDPOINT_URL_SESV2: endpoints.ses,
  [accountsTable.env]: accountsTable.localName,
  [auditTable.env]: auditTable.localName,
  LETHE_SUBJECT_KEY: subjectKey,
  LETHE_GRACE_PERIOD: settings.gracePeriod,
  LETHE_NOTICE_SCHEDULE: settings.noticeSchedule,
  // The terminal shows one line per request; handler logs below WARN would drown it.
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
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
    ...(settings.dataDir && { dataDir: settings.dataDir }),
    quiet: options.quiet ?? true,
  });
  let server: ApiServer | undefined;
  try {
    const { endpoints } = standIns;
    const keyDir = options.keyDir ?? defaultKeyDir();
    Object.assign(process.env, handlerEnvironment(settings, endpoints, await localSubjectKey(keyDir)));
    const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
    const doc = DynamoDBDocumentClient.from(ddb);
    const s3 = new S3Client({ ...common, endpoint: endpoints.s3, forcePathStyle: true });
    const fresh = await createResources(ddb, s3, map);
    // With a data dir, a restart keeps what was there (purged accounts stay purged).
    const seeded = fresh ? await seedDemoAccounts(doc, s3, map, settings.seedAccounts) : [];
    server = await startApiServer({
      port: settings.port,
      verify: await createVerifier(jwtKeyFile(keyDir)),
      ...(options.onRequest && { onRequest: options.onRequest }),
    });
    const api = server;
    return {
      apiUrl: api.url,
      endpoints,
      seeded,
      clients: { ddb, doc, s3 },
      stop: async () => {
        await api.close();
        ddb.destroy();
        s3.destroy();
        await standIns.stop();
      },
    };
  } catch (error) {
    await server?.close();
    await standIns.stop();
    throw error;
  }
};
