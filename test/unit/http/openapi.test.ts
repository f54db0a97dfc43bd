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

  it("documents API Gateway's 429 on every route and its 401 on every route behind the JWT authorizer", () => {
    for (const route of routes) {
      const throttled = contractProblems(route.method, route.path, 429, { message: 'Too Many Requests' });
      expect(throttled, `${route.method} ${route.path}`).toEqual([]);
      if (route.auth !== 'jwt') continue;
      expect(contractProblems(route.method, route.path, 401, { message: 'Unauthorized' })).toEqual([]);
      // Lethe's own shape is not what a client gets for a refused token.
      const letheShape = { error: { code: 'unauthorized', message: 'A valid bearer token is required.' } };
      expect(contractProblems(route.method, route.path, 401, letheShape)).not.toEqual([]);
    }
  });

  it("keeps the export limit's 429 in Lethe's shape beside the throttle's", () => {
    const path = '/v1/accounts/{accountId}/export';
    const limit = { error: { code: 'too_many_requests', message: 'Three exports a day.' } };
    expect(contractProblems('POST', path, 429, limit)).toEqual([]);
    expect(contractProblems('POST', path, 429, { message: 'Slow down' })).not.toEqual([]);
  });
});
