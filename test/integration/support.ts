/** Helpers for integration tests: HTTP calls with local tokens, and direct reads of the stand-ins. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { profileStore } from '../../functions/core/data-map.ts';
import { accountsTable } from '../../functions/core/resources.ts';
import { matchRoute } from '../../functions/http/routes.ts';
import { config } from '../../lethe.config.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/app.ts';
import { signLocalToken } from '../../local/jwt.ts';
import { contractProblems } from '../support/openapi.ts';

export const apiUrl = inject('apiUrl');

export const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: inject('dynamodbEndpoint'),
  }),
);

export const tokenFor = (accountId: string, options: { admin?: boolean; expiresInSeconds?: number } = {}) =>
  signLocalToken(accountId, options, inject('keyFile'));

export interface Call {
  method?: string;
  token?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Another local API server than the shared one. */
  baseUrl?: string;
}

export const call = async (
  path: string,
  { method = 'GET', token, body, headers = {}, baseUrl = apiUrl }: Call = {},
) => {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body }),
  });
  const text = await response.text();
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() || 'application/json';
  const json = text && mediaType === 'application/json' ? JSON.parse(text) : undefined;
  // Every response in every integration test is held to openapi.yaml.
  const match = matchRoute(method, new URL(path, baseUrl).pathname);
  const problems = contractProblems(
    method,
    match.kind === 'route' ? match.route.path : undefined,
    response.status,
    json,
    mediaType,
  );
  if (problems.length > 0)
    throw new Error(`${method} ${path} broke the OpenAPI contract: ${problems.join('; ')}`);
  return { status: response.status, headers: response.headers, json, text };
};

/** A fresh account known to the host app (a profile, no lifecycle record), unique to the calling test. */
export const newAccount = async (
  prefix = 'it',
  profile: { locale?: string; timeZone?: string; name?: string } = { locale: 'en-GB' },
): Promise<string> => {
  const accountId = `${prefix}-${randomUUID()}`;
  const store = profileStore(config.dataMap);
  await doc.send(
    new PutCommand({
      TableName: store.table,
      Item: { [store.key.partitionKey]: accountId, email: `${accountId}@example.com`, ...profile },
    }),
  );
  return accountId;
};

/** The raw lifecycle item, internal attributes included, read straight from DynamoDB. */
export const readRecord = async (accountId: string) =>
  (
    await doc.send(
      new GetCommand({ TableName: accountsTable.localName, Key: { accountId }, ConsistentRead: true }),
    )
  ).Item;

export const putRecord = (item: Record<string, unknown>) =>
  doc.send(new PutCommand({ TableName: accountsTable.localName, Item: item }));

/** A date and time as a German reader in Berlin reads it: "30. November 2026 um 19:54 MEZ". */
export const berlin = (iso: string) =>
  new Intl.DateTimeFormat('de-DE', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Berlin',
    timeZoneName: 'short',
  }).format(new Date(iso));
