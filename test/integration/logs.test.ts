/**
 * I7: no log line carries an email address, a token or a request body. The
 * requests below put all three in front of the handlers, then every line the
 * handlers logged in this run is checked.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { leakingLines } from '../support/log-capture.ts';
import { call, newAccount, tokenFor } from './support.ts';

describe('handler logs (I7)', () => {
  it('carry no email, token or request body', async () => {
    // Arrange
    const id = await newAccount('logs');
    const token = await tokenFor(id);
    const secret = 'body-marker-7c1e reach me at someone@example.org';

    // Act: success, validation failure, conflict, forbidden and unknown-route paths
    await call(`/v1/accounts/${id}`, { token });
    await call(`/v1/accounts/${id}/deactivate`, {
      method: 'POST',
      token,
      body: JSON.stringify({ reason: secret }),
    });
    await call(`/v1/accounts/${id}/deactivate`, {
      method: 'POST',
      token,
      body: JSON.stringify({ x: secret }),
    });
    await call(`/v1/accounts/${id}/deactivate`, { method: 'POST', token, body: `{${secret}` });
    await call(`/v1/accounts/${id}/legal-hold`, {
      method: 'PUT',
      token,
      body: JSON.stringify({ reason: secret }),
    });
    await call(`/v1/accounts/demo-0002`, { token });
    await call(`/nowhere?email=someone@example.org`, { token });

    // Assert
    const lines = (await readFile(inject('logFile'), 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(3);
    expect(leakingLines(lines, ['body-marker-7c1e', token, id])).toEqual([]);
  });
});
