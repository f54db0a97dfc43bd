/**
 * Racing requests on one account are decided by DynamoDB's conditional
 * writes: whatever the interleaving, the record ends coherent and every
 * response describes a state that really existed.
 */
import { describe, expect, it } from 'vitest';
import { call, newAccount, readRecord, tokenFor } from './support.ts';

const ACCOUNTS = 20;

describe('concurrent requests on the same account', () => {
  it('deactivate and restore racing leave every account coherent', async () => {
    // Arrange: deactivated accounts, each about to get a restore and a deactivate at once.
    const ids = await Promise.all(Array.from({ length: ACCOUNTS }, () => newAccount('race')));
    const tokens = await Promise.all(ids.map((id) => tokenFor(id)));
    await Promise.all(
      ids.map((id, i) => call(`/v1/accounts/${id}/deactivate`, { method: 'POST', token: tokens[i] })),
    );

    // Act
    const results = await Promise.all(
      ids.map((id, i) =>
        Promise.all([
          call(`/v1/accounts/${id}/restore`, { method: 'POST', token: tokens[i] }),
          call(`/v1/accounts/${id}/deactivate`, { method: 'POST', token: tokens[i] }),
        ]),
      ),
    );

    // Assert
    for (const [i, id] of ids.entries()) {
      const [restore, deactivate] = results[i] ?? [];
      expect(restore?.status).toBe(200);
      expect([200, 202]).toContain(deactivate?.status);
      const record = await readRecord(id);
      if (record?.status === 'ACTIVE') {
        // Deactivate came first (no change), restore second.
        expect(deactivate?.status).toBe(200);
        expect(record).not.toHaveProperty('purgeAfter');
        expect(record).not.toHaveProperty('dueShard');
      } else {
        // Restore came first, then a fresh deactivation: a new series with its own dates.
        expect(record?.status).toBe('DEACTIVATED');
        expect(deactivate?.status).toBe(202);
        expect(restore?.json.status).toBe('ACTIVE');
        expect(record?.dueShard).toMatch(/^S\d+$/);
        expect(record?.purgeAfter).toBe(deactivate?.json.purgeAfter);
      }
    }
  });

  it('many deactivations at once: exactly one 202, and all agree on purgeAfter (I5)', async () => {
    const id = await newAccount('race');
    const token = await tokenFor(id);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => call(`/v1/accounts/${id}/deactivate`, { method: 'POST', token })),
    );
    expect(responses.filter((r) => r.status === 202)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(9);
    expect(new Set(responses.map((r) => r.json.purgeAfter)).size).toBe(1);
    expect((await readRecord(id))?.purgeAfter).toBe(responses[0]?.json.purgeAfter);
  });

  it('many restores at once on a deactivated account all answer ACTIVE', async () => {
    const id = await newAccount('race');
    const token = await tokenFor(id);
    await call(`/v1/accounts/${id}/deactivate`, { method: 'POST', token });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => call(`/v1/accounts/${id}/restore`, { method: 'POST', token })),
    );
    expect(responses.every((r) => r.status === 200 && r.json.status === 'ACTIVE')).toBe(true);
    expect((await readRecord(id))?.status).toBe('ACTIVE');
  });
});
