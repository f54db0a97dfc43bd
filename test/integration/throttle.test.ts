/**
 * Local mode throttles as the API Gateway stage does: a token bucket for the
 * whole API, answering API Gateway's own 429 body before routing, the
 * authorizer or any handler. A server of its own with a tiny burst, so the
 * shared one (set high in global-setup.ts) never trips under the race tests.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

Object.assign(process.env, inject('handlerEnvironment'));
const { createVerifier } = await import('../../local/jwt.ts');
const { startApiServer } = await import('../../local/server.ts');
const { call, newAccount, tokenFor } = await import('./support.ts');

type Server = Awaited<ReturnType<typeof startApiServer>>;
let server: Server;

beforeAll(async () => {
  server = await startApiServer({
    port: 0,
    verify: await createVerifier(inject('keyFile')),
    throttle: { rateLimit: 0.2, burstLimit: 3 },
  });
});
afterAll(() => server.close());

describe('local throttling', () => {
  it("answers API Gateway's exact 429 past the burst, before auth and routing, and recovers at the rate", async () => {
    // Arrange
    const id = await newAccount();
    const token = await tokenFor(id);
    const baseUrl = server.url;

    // Act: the burst of 3 goes through
    const burst = [
      await call('/health', { baseUrl }),
      await call(`/v1/accounts/${id}`, { baseUrl, token }),
      await call('/health', { baseUrl }),
    ];
    // ...and then every route is throttled: authorized, unauthenticated (no 401) and unknown (no 404)
    const throttled = [
      await call(`/v1/accounts/${id}`, { baseUrl, token }),
      await call(`/v1/accounts/${id}/deactivate`, { baseUrl, method: 'POST' }),
      await call('/nowhere', { baseUrl }),
    ];

    // Assert
    expect(burst.map((a) => a.status)).toEqual([200, 200, 200]);
    for (const answer of throttled) {
      expect(answer.status).toBe(429);
      expect(answer.text).toBe('{"message":"Too Many Requests"}');
      expect(answer.headers.get('content-type')).toBe('application/json');
    }
    // One token every 5 s (rate 0.2): a moment later the API answers again
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    expect((await call('/health', { baseUrl })).status).toBe(200);
  });
});
