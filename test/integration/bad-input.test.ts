/**
 * Every bad input the API names is refused with the spec's error and leaves
 * the account exactly as it was: the lifecycle record and the profile are
 * read straight from DynamoDB before and after.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { profileStore } from '../../functions/core/data-map.ts';
import { config } from '../../lethe.config.ts';
import { call, doc, newAccount, readRecord, tokenFor } from './support.ts';

const readProfile = async (accountId: string) =>
  (await doc.send(new GetCommand({ TableName: profileStore(config.dataMap).table, Key: { accountId } })))
    .Item;

describe('bad input changes nothing', () => {
  let id: string;
  let owner: string;
  let operator: string;

  beforeAll(async () => {
    id = await newAccount('bad');
    owner = await tokenFor(id);
    operator = await tokenFor('ops-1', { admin: true });
    // A deactivated account, so a wrongly accepted body would have something to change.
    await call(`/v1/accounts/${id}/deactivate`, {
      method: 'POST',
      token: owner,
      body: '{"reason":"original"}',
    });
  });

  const cases: [string, () => Parameters<typeof call>, number, string][] = [
    [
      'malformed JSON',
      () => [`/v1/accounts/${id}/deactivate`, { method: 'POST', token: owner, body: '{"reason":' }],
      400,
      'invalid_request',
    ],
    [
      'an unknown field (mass assignment)',
      () => [
        `/v1/accounts/${id}/deactivate`,
        { method: 'POST', token: owner, body: '{"purgeAfter":"2000-01-01T00:00:00.000Z"}' },
      ],
      400,
      'invalid_request',
    ],
    [
      'status in the body',
      () => [
        `/v1/accounts/${id}/deactivate`,
        { method: 'POST', token: owner, body: '{"reason":"x","status":"ACTIVE"}' },
      ],
      400,
      'invalid_request',
    ],
    [
      'a wrong type',
      () => [`/v1/accounts/${id}/deactivate`, { method: 'POST', token: owner, body: '{"reason":["x"]}' }],
      400,
      'invalid_request',
    ],
    [
      'a reason over 500 characters',
      () => [
        `/v1/accounts/${id}/deactivate`,
        { method: 'POST', token: owner, body: JSON.stringify({ reason: 'r'.repeat(501) }) },
      ],
      400,
      'invalid_request',
    ],
    [
      'a JSON string instead of an object',
      () => [`/v1/accounts/${id}/deactivate`, { method: 'POST', token: owner, body: '"deactivate"' }],
      400,
      'invalid_request',
    ],
    [
      'a body over 16 KB',
      () => [
        `/v1/accounts/${id}/deactivate`,
        { method: 'POST', token: owner, body: JSON.stringify({ reason: 'r'.repeat(16_500) }) },
      ],
      413,
      'payload_too_large',
    ],
    [
      'a non-JSON content type',
      () => [
        `/v1/accounts/${id}/deactivate`,
        { method: 'POST', token: owner, body: 'reason=x', headers: { 'content-type': 'text/plain' } },
      ],
      415,
      'unsupported_media_type',
    ],
    [
      'a body on restore',
      () => [`/v1/accounts/${id}/restore`, { method: 'POST', token: owner, body: '{"status":"ACTIVE"}' }],
      400,
      'invalid_request',
    ],
    [
      'a hold without a reason',
      () => [`/v1/accounts/${id}/legal-hold`, { method: 'PUT', token: operator, body: '{}' }],
      400,
      'invalid_request',
    ],
    [
      'a hold with a blank reason',
      () => [`/v1/accounts/${id}/legal-hold`, { method: 'PUT', token: operator, body: '{"reason":"   "}' }],
      400,
      'invalid_request',
    ],
    [
      'a hold with no body',
      () => [`/v1/accounts/${id}/legal-hold`, { method: 'PUT', token: operator }],
      400,
      'invalid_request',
    ],
    [
      'an invalid account id',
      () => ['/v1/accounts/bad%20id/deactivate', { method: 'POST', token: operator }],
      400,
      'invalid_request',
    ],
    [
      'an account id over 128 characters',
      () => [`/v1/accounts/${'a'.repeat(129)}/deactivate`, { method: 'POST', token: operator }],
      400,
      'invalid_request',
    ],
  ];

  it.each(cases)('refuses %s', async (_name, request, status, code) => {
    // Arrange
    const [record, profile] = [await readRecord(id), await readProfile(id)];

    // Act
    const response = await call(...request());

    // Assert
    expect(response.status).toBe(status);
    expect(response.json.error.code).toBe(code);
    expect(typeof response.json.error.message).toBe('string');
    expect(await readRecord(id)).toEqual(record);
    expect(await readProfile(id)).toEqual(profile);
  });
});
