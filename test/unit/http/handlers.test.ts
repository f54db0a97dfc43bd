import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as deactivate } from '../../../functions/http/deactivate.ts';
import { handler as deleteLegalHold } from '../../../functions/http/delete-legal-hold.ts';
import { handler as getAccount } from '../../../functions/http/get-account.ts';
import { handler as health } from '../../../functions/http/health.ts';
import { handler as notFound } from '../../../functions/http/not-found.ts';
import { handler as putLegalHold } from '../../../functions/http/put-legal-hold.ts';
import { handler as restore } from '../../../functions/http/restore.ts';
import { apiEvent, type EventInput, lambdaContext } from '../../support/events.ts';
import { captureOutput, leakingLines } from '../../support/log-capture.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const output = captureOutput();
afterAll(() => output.stop());

type Handler = (event: never, context: never) => Promise<unknown>;
const call = async (handler: Handler, input: EventInput) =>
  (await handler(apiEvent(input) as never, lambdaContext as never)) as APIGatewayProxyStructuredResultV2;
const json = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(response.body ?? 'null');

const profile = { accountId: 'u1', email: 'u1@example.com', locale: 'en' };
const deactivated = {
  accountId: 'u1',
  status: 'DEACTIVATED',
  deactivatedAt: '2026-11-27T10:00:00.000Z',
  purgeAfter: '2026-12-27T10:00:00.000Z',
  notices: [],
  dueShard: 'S3',
};

/** The account item DynamoDB holds; a successful transaction replaces it with `next`. */
let stored: Record<string, unknown> | undefined;
const holds = (item: Record<string, unknown> | undefined, next?: Record<string, unknown>) => {
  stored = item;
  ddb
    .on(GetCommand)
    .callsFake((input) => (stored && input.Key.accountId === stored.accountId ? { Item: stored } : {}));
  ddb.on(TransactWriteCommand).callsFake(() => {
    stored = next;
    return {};
  });
};
const transaction = (n = 0) => ddb.commandCalls(TransactWriteCommand)[n]?.args[0].input.TransactItems ?? [];

beforeEach(() => {
  ddb.reset();
  stored = undefined;
  ddb.on(QueryCommand).resolves({ Items: [profile] });
});

describe('GET /v1/accounts/{accountId}', () => {
  it('answers an account with a profile and no record as ACTIVE', async () => {
    holds(undefined);
    const response = await call(getAccount, { accountId: 'u1' });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ accountId: 'u1', status: 'ACTIVE', notices: [] });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'unit-accounts',
      Key: { accountId: 'u1' },
    });
  });

  it('never shows internal attributes such as dueShard', async () => {
    holds(deactivated);
    expect(json(await call(getAccount, { accountId: 'u1' }))).not.toHaveProperty('dueShard');
  });

  it('answers 404 for an unknown account', async () => {
    holds(undefined);
    ddb.on(QueryCommand).resolves({ Items: [] });
    const response = await call(getAccount, { accountId: 'ghost', claims: { sub: 'ghost' } });
    expect(response.statusCode).toBe(404);
    expect(json(response)).toEqual({ error: { code: 'not_found', message: 'No such account.' } });
  });

  it('answers 401 without claims, before reading anything', async () => {
    const response = await call(getAccount, { accountId: 'u1', claims: undefined });
    expect(response.statusCode).toBe(401);
    expect(json(response).error.code).toBe('unauthorized');
    expect(ddb.calls()).toHaveLength(0);
  });

  it("answers 403 for another user's account", async () => {
    const response = await call(getAccount, { accountId: 'u2', claims: { sub: 'u1' } });
    expect(response.statusCode).toBe(403);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 400 for an invalid account id', async () => {
    const response = await call(getAccount, { accountId: 'a b', claims: { sub: 'a b' } });
    expect(response.statusCode).toBe(400);
    expect(json(response).error.code).toBe('invalid_request');
  });

  it('answers 500 with a generic message when DynamoDB fails, keeping details out of the response', async () => {
    ddb.on(GetCommand).rejects(new Error('ProvisionedThroughputExceeded: table unit-accounts'));
    const response = await call(getAccount, { accountId: 'u1' });
    expect(response.statusCode).toBe(500);
    expect(json(response).error.code).toBe('internal');
    expect(response.body).not.toContain('unit-accounts');
  });
});

describe('POST /v1/accounts/{accountId}/deactivate', () => {
  const path = '/v1/accounts/u1/deactivate';

  it('answers 202 and writes one conditional update with its audit event, in one transaction', async () => {
    holds(undefined, deactivated);
    const response = await call(deactivate, {
      method: 'POST',
      path,
      accountId: 'u1',
      body: '{"reason":"bye"}',
    });
    expect(response.statusCode).toBe(202);
    const view = json(response);
    expect(view.status).toBe('DEACTIVATED');
    expect(Date.parse(view.purgeAfter) - Date.parse(view.deactivatedAt)).toBe(30 * 86_400_000);
    expect(ddb).toHaveReceivedCommandOnce(TransactWriteCommand);
    const [update, audit] = transaction();
    expect(update?.Update?.ConditionExpression).toContain(
      'attribute_not_exists(accountId) OR #status = :active',
    );
    expect(update?.Update?.ExpressionAttributeValues?.[':reason']).toBe('bye');
    expect(audit?.Put?.TableName).toBe('unit-audit');
    expect(audit?.Put?.Item).toMatchObject({ kind: 'deactivated', actor: 'user' });
    expect(JSON.stringify(audit?.Put?.Item)).not.toContain('u1');
  });

  it('answers 200 with the unchanged dates when the write finds it already deactivated (I5)', async () => {
    holds(undefined);
    ddb.on(TransactWriteCommand).callsFake(() => {
      stored = deactivated;
      throw new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [
          { Code: 'ConditionalCheckFailed', Item: marshall(deactivated) },
          { Code: 'None' },
        ],
      });
    });
    const response = await call(deactivate, { method: 'POST', path, accountId: 'u1' });
    expect(response.statusCode).toBe(200);
    expect(json(response).purgeAfter).toBe(deactivated.purgeAfter);
  });

  it('answers 409 for a purging account without writing', async () => {
    holds({ accountId: 'u1', status: 'PURGING' });
    const response = await call(deactivate, { method: 'POST', path, accountId: 'u1' });
    expect(response.statusCode).toBe(409);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it.each([
    ['malformed JSON', '{"reason":', 'application/json', 400, 'invalid_request'],
    ['an unknown field', '{"status":"ACTIVE"}', 'application/json', 400, 'invalid_request'],
    ['a wrong type', '{"reason":42}', 'application/json', 400, 'invalid_request'],
    [
      'a reason over 500 characters',
      JSON.stringify({ reason: 'x'.repeat(501) }),
      'application/json',
      400,
      'invalid_request',
    ],
    ['a JSON array', '[]', 'application/json', 400, 'invalid_request'],
    [
      'a body over 16 KB',
      JSON.stringify({ reason: 'x'.repeat(17_000) }),
      'application/json',
      413,
      'payload_too_large',
    ],
    ['a form body', 'reason=bye', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
  ])('refuses %s without writing', async (_name, body, contentType, status, code) => {
    holds(undefined);
    const response = await call(deactivate, {
      method: 'POST',
      path,
      accountId: 'u1',
      body,
      headers: { 'content-type': contentType },
    });
    expect(response.statusCode).toBe(status);
    expect(json(response).error.code).toBe(code);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});

describe('POST /v1/accounts/{accountId}/restore', () => {
  it('restores a deactivated account with a condition on its state', async () => {
    holds(deactivated, { accountId: 'u1', status: 'ACTIVE' });
    const response = await call(restore, {
      method: 'POST',
      path: '/v1/accounts/u1/restore',
      accountId: 'u1',
    });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ accountId: 'u1', status: 'ACTIVE', notices: [] });
    expect(transaction()[0]?.Update?.ConditionExpression).toBe('#status = :deactivated');
    expect(transaction()[1]?.Put?.Item).toMatchObject({ kind: 'restored' });
  });

  it('refuses a body', async () => {
    const response = await call(restore, {
      method: 'POST',
      path: '/v1/accounts/u1/restore',
      accountId: 'u1',
      body: '{"x":1}',
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('legal holds', () => {
  const path = '/v1/accounts/u1/legal-hold';
  const operator = { sub: 'ops-1', scope: 'lethe/admin' };

  it('lets an operator place a hold and shows it', async () => {
    holds(deactivated, {
      ...deactivated,
      legalHold: { reason: 'litigation', placedAt: '2026-11-28T00:00:00.000Z' },
    });
    const response = await call(putLegalHold, {
      method: 'PUT',
      path,
      accountId: 'u1',
      claims: operator,
      body: '{"reason":"litigation"}',
    });
    expect(response.statusCode).toBe(200);
    expect(json(response).legalHold.reason).toBe('litigation');
    expect(transaction()[0]?.Update?.UpdateExpression).toContain('REMOVE dueShard');
    expect(transaction()[1]?.Put?.Item).toMatchObject({ kind: 'hold-placed', actor: 'operator' });
  });

  it.each<Record<string, string>>([{ scp: '[openid lethe/admin]' }, { scope: '[lethe/admin openid]' }])(
    'takes an operator scope API Gateway flattened from an array (%o)',
    async (scopes) => {
      holds(deactivated, {
        ...deactivated,
        legalHold: { reason: 'litigation', placedAt: '2026-11-28T00:00:00.000Z' },
      });
      const response = await call(putLegalHold, {
        method: 'PUT',
        path,
        accountId: 'u1',
        claims: { sub: 'ops-1', ...scopes },
        body: '{"reason":"litigation"}',
      });
      expect(response.statusCode).toBe(200);
      expect(transaction()[1]?.Put?.Item).toMatchObject({ kind: 'hold-placed', actor: 'operator' });
    },
  );

  it('refuses the account owner with 403', async () => {
    const response = await call(putLegalHold, {
      method: 'PUT',
      path,
      accountId: 'u1',
      body: '{"reason":"x"}',
    });
    expect(response.statusCode).toBe(403);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('requires a reason', async () => {
    holds(deactivated);
    const response = await call(putLegalHold, {
      method: 'PUT',
      path,
      accountId: 'u1',
      claims: operator,
      body: '{}',
    });
    expect(response.statusCode).toBe(400);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('puts a released deactivated account back in the due index', async () => {
    holds({ ...deactivated, legalHold: { reason: 'x', placedAt: 'then' } }, deactivated);
    const response = await call(deleteLegalHold, {
      method: 'DELETE',
      path,
      accountId: 'u1',
      claims: operator,
    });
    expect(response.statusCode).toBe(200);
    expect(transaction()[0]?.Update?.UpdateExpression).toContain('SET dueShard');
  });
});

describe('health and unknown routes', () => {
  it('answers health without touching a store', async () => {
    const response = await health();
    expect(response.statusCode).toBe(200);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers an unknown path with a JSON 404', async () => {
    const response = (await notFound(
      apiEvent({ method: 'GET', path: '/nope' }),
    )) as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBe(404);
    expect(json(response).error.code).toBe('not_found');
  });

  it('answers a known path with another method with a JSON 405 and Allow', async () => {
    const response = (await notFound(
      apiEvent({ method: 'DELETE', path: '/v1/accounts/u1/restore' }),
    )) as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBe(405);
    expect(response.headers?.allow).toBe('POST');
  });
});

describe('logs (I7)', () => {
  it('carry no email, token or request body across every handler above', async () => {
    const body = '{"reason":"secret-body-text alice@example.com"}';
    holds(undefined, deactivated);
    await call(deactivate, {
      method: 'POST',
      path: '/v1/accounts/u1/deactivate',
      accountId: 'u1',
      body,
      headers: { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln' },
    });
    ddb.on(GetCommand).rejects(new Error('boom'));
    await call(getAccount, { accountId: 'u1' });
    expect(output.lines.length).toBeGreaterThan(0);
    expect(leakingLines(output.lines, ['secret-body-text'])).toEqual([]);
  });
});

describe('validation messages', () => {
  it.each([
    ['{"status":"ACTIVE"}', 'unknown field(s): status'],
    ['{"reason":42}', 'reason must be a string'],
    [JSON.stringify({ reason: 'x'.repeat(501) }), 'reason must be at most 500 characters'],
  ])('explain what is wrong with %s', async (body, message) => {
    const response = await call(deactivate, {
      method: 'POST',
      path: '/v1/accounts/u1/deactivate',
      accountId: 'u1',
      body,
    });
    expect(json(response).error.message).toContain(message);
  });

  it('explain an empty hold reason', async () => {
    const response = await call(putLegalHold, {
      method: 'PUT',
      path: '/v1/accounts/u1/legal-hold',
      accountId: 'u1',
      claims: { sub: 'ops', scope: 'lethe/admin' },
      body: '{"reason":"  "}',
    });
    expect(json(response).error.message).toContain('reason must not be empty');
  });
});
