/** The purge worker's store adapters: everything the data map names, its processors, and the exports. */
import { S3Client } from '@aws-sdk/client-s3';
import { CognitoUsers } from '../adapters/cognito-users.ts';
import { DataMapPurger } from '../adapters/data-map-purger.ts';
import { DynamoProfileReader } from '../adapters/dynamo-profiles.ts';
import { DynamoPurger } from '../adapters/dynamo-purger.ts';
import { S3Purger } from '../adapters/s3-purger.ts';
import { cognitoClient, dynamo, dynamoClient } from '../commons/clients.ts';
import { config } from '../commons/config.ts';
import { envOr, requireEnv } from '../commons/env.ts';
import { traced } from '../commons/tracer.ts';
import { cognitoStores, type DataMap } from '../core/data-map.ts';
import { withExportTargets } from '../core/export.ts';
import { exportsBucket, exportsTable } from '../core/resources.ts';
import { processorClient } from './enforcement-deps.ts';

/** Every processor's deadline, shortened (local mode and tests, to see one go overdue); '' keeps the map's. */
function withProcessorDeadline(dataMap: DataMap, deadline: string): DataMap {
  if (deadline === '') return dataMap;
  return { ...dataMap, stores: dataMap.stores.map((s) => (s.kind === 'processor' ? { ...s, deadline } : s)) };
}

/**
 * The data map, then Lethe's own export records and archives: a purge leaves none behind (I6).
 * Not checked again: cold start checked the data map once (commons/config.ts, checkDataMap).
 */
export const map = withProcessorDeadline(
  withExportTargets(config.dataMap, requireEnv(exportsTable.env), requireEnv(exportsBucket.env)),
  envOr('LETHE_PROCESSOR_DEADLINE', ''),
);
export const storePurger = new DataMapPurger(
  new DynamoPurger(dynamoClient),
  new S3Purger(traced(new S3Client({}))),
  cognitoStores(map).length > 0 ? new CognitoUsers(cognitoClient()) : undefined,
);
export const processors = processorClient();
/** The deletion receipt's address is read before the profile store is purged. */
export const profiles = new DynamoProfileReader(dynamo, map);
