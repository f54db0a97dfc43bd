/** The export worker's adapters: the data map's stores, read only, and the exports bucket. */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CognitoUsers } from '../adapters/cognito-users.ts';
import { StoreReader } from '../adapters/data-map-reader.ts';
import { DynamoAccountStatuses } from '../adapters/dynamo-exports.ts';
import { DynamoProfileReader } from '../adapters/dynamo-profiles.ts';
import { S3ZipArchives } from '../adapters/s3-zip-archive.ts';
import { SqsJobDeadLetters } from '../adapters/sqs-dead-letters.ts';
import { cognitoClient, dynamo, dynamoClient } from '../commons/clients.ts';
import { config } from '../commons/config.ts';
import { requireEnv } from '../commons/env.ts';
import { metrics } from '../commons/metrics.ts';
import { traced } from '../commons/tracer.ts';
import { cognitoStores } from '../core/data-map.ts';
import { accountsTable, exportQueue, exportsBucket } from '../core/resources.ts';
import type { ExportDeps } from '../export/export-account.ts';
import { exportRecords } from './export-deps.ts';

const s3 = traced(new S3Client({}));
traced(dynamoClient);

export const exportDeps: ExportDeps = {
  map: config.dataMap,
  productName: config.productName,
  profiles: new DynamoProfileReader(dynamo, config.dataMap),
  exports: exportRecords,
  accounts: new DynamoAccountStatuses(dynamo, requireEnv(accountsTable.env)),
  reader: new StoreReader(dynamoClient, s3),
  archives: new S3ZipArchives(s3, requireEnv(exportsBucket.env)),
  now: () => new Date(),
  metrics,
  ...(cognitoStores(config.dataMap).length > 0 && { identities: new CognitoUsers(cognitoClient()) }),
};

/** Where a message whose body can never be read goes at once (the queue URL is used as given, as locally it must be). */
export const exportDeadLetters = new SqsJobDeadLetters(
  traced(new SQSClient({ useQueueUrlAsEndpoint: false })),
  requireEnv(exportQueue.dlqEnv),
);
