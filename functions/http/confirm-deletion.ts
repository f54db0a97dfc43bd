/**
 * POST /v1/processors/{name}/confirmations: a processor confirms a deletion
 * (P5). Open to the network like the restore link, because the credential is
 * the HMAC signature over the body with that processor's own secret.
 */
import middy from '@middy/core';
import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { DynamoConfirmations } from '../adapters/dynamo-confirmations.ts';
import { processorSecret } from '../adapters/processor-client.ts';
import { dynamo } from '../commons/clients.ts';
import { config } from '../commons/config.ts';
import { requireEnv } from '../commons/env.ts';
import { logger } from '../commons/logger.ts';
import { metrics } from '../commons/metrics.ts';
import { LetheError } from '../core/errors.ts';
import { accountsTable } from '../core/resources.ts';
import { SIGNATURE_HEADER } from '../core/signature.ts';
import { confirmDeletion } from '../enforcement/confirm-deletion.ts';
import { auditLog, subjectKey } from '../workers/audit-log.ts';
import { type Event, httpErrors, jsonResponse, MAX_BODY_BYTES, requestLogging } from './middleware.ts';

const deps = {
  map: config.dataMap,
  secretOf: (processor: string) => processorSecret(subjectKey, processor),
  subjectOf: (accountId: string) => auditLog.subjectOf(accountId),
  confirmations: new DynamoConfirmations(dynamo, requireEnv(accountsTable.env)),
  now: () => new Date(),
  metrics,
};

const headerOf = (event: Event, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

export const handler = middy<Event, APIGatewayProxyResultV2, Error, Context>()
  .use(requestLogging())
  .use(httpErrors())
  .handler(async (event) => {
    const raw = event.body ?? '';
    const rawBody = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    if (Buffer.byteLength(rawBody, 'utf8') > MAX_BODY_BYTES) {
      throw new LetheError('payload_too_large', `The request body may be at most ${MAX_BODY_BYTES} bytes.`);
    }
    const view = await confirmDeletion(deps, {
      processor: event.pathParameters?.name ?? '',
      signature: headerOf(event, SIGNATURE_HEADER),
      rawBody,
    });
    logger.info('Processor confirmation', { processor: view.processor });
    return jsonResponse(200, view);
  });
