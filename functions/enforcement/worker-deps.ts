/** The purge worker's store adapters: everything the data map names, and its processors. */
import { S3Client } from '@aws-sdk/client-s3';
import { config } from '../../lethe.config.ts';
import { DynamoProfileReader } from '../adapters/dynamo-profiles.ts';
import { DynamoPurger } from '../adapters/dynamo-purger.ts';
import { ProcessorClient } from '../adapters/processor-client.ts';
import { S3Purger } from '../adapters/s3-purger.ts';
import { DataMapPurger } from '../adapters/store-purger.ts';
import { subjectKey } from '../commons/audit-log.ts';
import { dynamo, dynamoClient } from '../commons/clients.ts';
import { validateDataMap } from '../core/data-map.ts';

export const map = validateDataMap(config.dataMap);
export const storePurger = new DataMapPurger(new DynamoPurger(dynamoClient), new S3Purger(new S3Client({})));
export const processors = new ProcessorClient(subjectKey);
/** The deletion receipt's address is read before the profile store is purged. */
export const profiles = new DynamoProfileReader(dynamo, map);
