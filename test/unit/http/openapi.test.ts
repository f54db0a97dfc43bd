import { describe, expect, it } from 'vitest';
import { routes } from '../../../functions/http/routes.ts';
import { contractProblems, documentedOperations } from '../../support/openapi.ts';

describe('openapi.yaml', () => {
  it('documents exactly the routes the handlers serve', () => {
    expect(documentedOperations().sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('rejects a response the contract does not allow (the checker itself works)', () => {
    expect(
      contractProblems('GET', '/v1/accounts/{accountId}', 200, { accountId: 'a', status: 'GONE' }),
    ).not.toEqual([]);
    expect(contractProblems('GET', '/v1/accounts/{accountId}', 418, {})).not.toEqual([]);
    expect(contractProblems('GET', undefined, 404, { error: { code: 'nope', message: 'x' } })).not.toEqual(
      [],
    );
  });

  it('accepts the documented shapes', () => {
    expect(
      contractProblems('POST', '/v1/accounts/{accountId}/deactivate', 202, {
        accountId: 'a',
        status: 'DEACTIVATED',
        deactivatedAt: '2026-11-27T10:00:00.000Z',
        purgeAfter: '2026-12-27T10:00:00.000Z',
        notices: [],
      }),
    ).toEqual([]);
    expect(contractProblems('GET', '/health', 200, { status: 'ok' })).toEqual([]);
  });
});
