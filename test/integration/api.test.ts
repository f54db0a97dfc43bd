import { describe, expect, it } from 'vitest';
import { call, newAccount, putRecord, readRecord, tokenFor } from './support.ts';

describe('the HTTP API against the stand-ins', () => {
  it('answers health without a token', async () => {
    const { status, json } = await call('/health');
    expect(status).toBe(200);
    expect(json).toEqual({ status: 'ok' });
  });

  it('serves a seeded demo account to its owner', async () => {
    const { status, json } = await call('/v1/accounts/demo-0001', { token: await tokenFor('demo-0001') });
    expect(status).toBe(200);
    expect(json.accountId).toBe('demo-0001');
  });

  it('walks an account through deactivate → deactivate again → restore', async () => {
    // Arrange
    const id = await newAccount();
    const token = await tokenFor(id);

    // Act: first deactivation
    const first = await call(`/v1/accounts/${id}/deactivate`, {
      method: 'POST',
      token,
      body: '{"reason":"taking a break"}',
    });

    // Assert: 202 with a 30-day grace period, and the account is in the sweeper's due index
    expect(first.status).toBe(202);
    expect(first.json.status).toBe('DEACTIVATED');
    const grace = Date.parse(first.json.purgeAfter) - Date.parse(first.json.deactivatedAt);
    expect(grace).toBe(30 * 86_400_000);
    expect((await readRecord(id))?.dueShard).toMatch(/^S\d+$/);

    // Act and assert: deactivating again answers 200 and does not move purgeAfter (I5)
    const again = await call(`/v1/accounts/${id}/deactivate`, { method: 'POST', token });
    expect(again.status).toBe(200);
    expect(again.json.purgeAfter).toBe(first.json.purgeAfter);

    // Act and assert: restore brings it back and takes it out of the due index
    const restored = await call(`/v1/accounts/${id}/restore`, { method: 'POST', token });
    expect(restored.status).toBe(200);
    expect(restored.json).toEqual({ accountId: id, status: 'ACTIVE', notices: [] });
    const record = await readRecord(id);
    expect(record?.status).toBe('ACTIVE');
    expect(record).not.toHaveProperty('dueShard');
    expect(record).not.toHaveProperty('purgeAfter');
  });

  it('answers restore on an active account with 200 and changes nothing', async () => {
    const id = await newAccount();
    const { status, json } = await call(`/v1/accounts/${id}/restore`, {
      method: 'POST',
      token: await tokenFor(id),
    });
    expect(status).toBe(200);
    expect(json.status).toBe('ACTIVE');
    expect(await readRecord(id)).toBeUndefined();
  });

  it.each(['PURGING', 'PURGED'])('answers 409 to deactivate and restore on a %s account', async (state) => {
    const id = await newAccount();
    const item = { accountId: id, status: state, purgedAt: '2026-01-01T00:00:00.000Z' };
    await putRecord(item);
    const token = await tokenFor(id);
    for (const action of ['deactivate', 'restore']) {
      const { status, json } = await call(`/v1/accounts/${id}/${action}`, { method: 'POST', token });
      expect(status).toBe(409);
      expect(json.error.code).toBe('conflict');
    }
    expect(await readRecord(id)).toEqual(item);
  });

  it('shows a purged account as only its status and purge time', async () => {
    const id = await newAccount();
    await putRecord({ accountId: id, status: 'PURGED', purgedAt: '2026-01-01T00:00:00.000Z', reason: 'x' });
    const { status, json } = await call(`/v1/accounts/${id}`, { token: await tokenFor(id) });
    expect(status).toBe(200);
    expect(json).toEqual({ accountId: id, status: 'PURGED', purgedAt: '2026-01-01T00:00:00.000Z' });
  });

  it('answers 404 for an account that neither Lethe nor the host app knows', async () => {
    const { status, json } = await call('/v1/accounts/nobody-here', { token: await tokenFor('nobody-here') });
    expect(status).toBe(404);
    expect(json.error.code).toBe('not_found');
  });

  describe('authentication and authorization', () => {
    it("answers API Gateway's exact 401 without a token, with an expired token, and with a forged one", async () => {
      // Arrange
      const id = await newAccount();
      const expired = await tokenFor(id, { expiresInSeconds: -60 });
      const valid = await tokenFor(id);
      const [header, payload] = valid.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(342)}`;
      const cases = [
        [undefined, 'Bearer'],
        [expired, 'Bearer scope="" error="invalid_token" error_description="the token has expired"'],
        [forged, 'Bearer scope="" error="invalid_token" error_description="signature verification failed"'],
        [
          'not-a-jwt',
          'Bearer scope="" error="invalid_token" error_description="the token could not be parsed"',
        ],
      ] as const;

      for (const [token, challenge] of cases) {
        // Act
        const { status, text, headers } = await call(`/v1/accounts/${id}/deactivate`, {
          method: 'POST',
          ...(token && { token }),
        });

        // Assert: the authorizer's body byte for byte, as clients in AWS see it
        expect(status).toBe(401);
        expect(text).toBe('{"message":"Unauthorized"}');
        expect(headers.get('content-type')).toBe('application/json');
        expect(headers.get('www-authenticate')).toBe(challenge);
      }
      expect(await readRecord(id)).toBeUndefined();
    });

    it("answers 403 when a user acts on someone else's account", async () => {
      const [mine, theirs] = [await newAccount(), await newAccount()];
      const { status } = await call(`/v1/accounts/${theirs}/deactivate`, {
        method: 'POST',
        token: await tokenFor(mine),
      });
      expect(status).toBe(403);
      expect(await readRecord(theirs)).toBeUndefined();
    });

    it('lets an operator act on any account', async () => {
      const id = await newAccount();
      const { status } = await call(`/v1/accounts/${id}/deactivate`, {
        method: 'POST',
        token: await tokenFor('ops-1', { admin: true }),
      });
      expect(status).toBe(202);
    });
  });

  describe('legal holds', () => {
    it('an operator places a hold (shown to operators only) and releases it', async () => {
      // Arrange
      const id = await newAccount();
      const operator = await tokenFor('ops-1', { admin: true });
      await call(`/v1/accounts/${id}/deactivate`, { method: 'POST', token: await tokenFor(id) });

      // Act: place
      const placed = await call(`/v1/accounts/${id}/legal-hold`, {
        method: 'PUT',
        token: operator,
        body: '{"reason":"Case 2026-114"}',
      });

      // Assert: held, out of the due index, invisible to the owner
      expect(placed.status).toBe(200);
      expect(placed.json.legalHold.reason).toBe('Case 2026-114');
      expect(await readRecord(id)).not.toHaveProperty('dueShard');
      const owner = await call(`/v1/accounts/${id}`, { token: await tokenFor(id) });
      expect(owner.json).not.toHaveProperty('legalHold');

      // Act and assert: release puts the deactivated account back in the due index
      const released = await call(`/v1/accounts/${id}/legal-hold`, { method: 'DELETE', token: operator });
      expect(released.status).toBe(200);
      expect(released.json).not.toHaveProperty('legalHold');
      expect((await readRecord(id))?.dueShard).toMatch(/^S\d+$/);
    });

    it('a hold placed on an active account keeps it out of the due index when deactivated', async () => {
      const id = await newAccount();
      const operator = await tokenFor('ops-1', { admin: true });
      await call(`/v1/accounts/${id}/legal-hold`, {
        method: 'PUT',
        token: operator,
        body: '{"reason":"audit"}',
      });
      const deactivated = await call(`/v1/accounts/${id}/deactivate`, {
        method: 'POST',
        token: await tokenFor(id),
      });
      expect(deactivated.status).toBe(202);
      const record = await readRecord(id);
      expect(record?.status).toBe('DEACTIVATED');
      expect(record?.legalHold?.reason).toBe('audit');
      expect(record).not.toHaveProperty('dueShard');
    });

    it('refuses holds to the account owner', async () => {
      const id = await newAccount();
      const { status } = await call(`/v1/accounts/${id}/legal-hold`, {
        method: 'PUT',
        token: await tokenFor(id),
        body: '{"reason":"mine"}',
      });
      expect(status).toBe(403);
      expect(await readRecord(id)).toBeUndefined();
    });
  });

  describe('unknown routes and methods', () => {
    it('answers JSON 404 for an unknown route', async () => {
      const { status, headers, json } = await call('/v2/whatever');
      expect(status).toBe(404);
      expect(headers.get('content-type')).toContain('application/json');
      expect(json.error.code).toBe('not_found');
    });

    it('answers JSON 405 with Allow for a known route and another method', async () => {
      const { status, headers, json } = await call('/v1/accounts/demo-0001/deactivate', { method: 'GET' });
      expect(status).toBe(405);
      expect(headers.get('allow')).toBe('POST');
      expect(json.error.code).toBe('method_not_allowed');
    });
  });
});
