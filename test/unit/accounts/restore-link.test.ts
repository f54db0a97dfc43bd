import { beforeEach, describe, expect, it } from 'vitest';
import {
  inspectRestoreLink,
  type RestoreLinkDeps,
  restoreByLink,
} from '../../../functions/accounts/restore-link.ts';
import { deactivateAccount, restoreAccount } from '../../../functions/accounts/use-cases.ts';
import {
  restoreKeyFrom,
  signRestoreToken,
  verifyRestoreToken,
} from '../../../functions/core/restore-token.ts';
import { FakeAccounts, FakeProfiles } from '../../support/fake-accounts.ts';

const DAY = 86_400_000;
const key = restoreKeyFrom('unit-subject-key');
const user = { kind: 'user', id: 'u1' } as const;

describe('restore token', () => {
  const claims = {
    accountId: 'auth0|u1',
    deactivatedAt: '2026-11-27T10:00:00.000Z',
    expiresAt: '2026-12-27T10:00:00.000Z',
  };
  const now = new Date('2026-12-01T00:00:00.000Z');

  it('round-trips what it signed', () => {
    // Arrange
    const token = signRestoreToken(key, claims);
    // Act
    const verified = verifyRestoreToken(key, token, now);
    // Assert
    expect(verified).toEqual(claims);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a token whose payload was changed (400)', () => {
    // Arrange: another account's payload under the first one's signature.
    const [v, , sig] = signRestoreToken(key, claims).split('.');
    const [, otherPayload] = signRestoreToken(key, { ...claims, accountId: 'u2' }).split('.');
    // Act / Assert
    expect(() => verifyRestoreToken(key, `${v}.${otherPayload}.${sig}`, now)).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
  });

  it('refuses a token signed with another key, garbage and an empty token (400)', () => {
    // Arrange
    const foreign = signRestoreToken(restoreKeyFrom('another-key'), claims);
    // Act / Assert
    for (const token of [foreign, 'v1.x.y', 'nonsense', '', undefined, 'v1.a.b.c', 'x'.repeat(2000)]) {
      expect(() => verifyRestoreToken(key, token, now)).toThrow(
        expect.objectContaining({ code: 'invalid_request' }),
      );
    }
  });

  it('expires at purgeAfter (410)', () => {
    // Arrange
    const token = signRestoreToken(key, claims);
    // Act / Assert
    expect(() => verifyRestoreToken(key, token, new Date(claims.expiresAt))).toThrow(
      expect.objectContaining({ code: 'gone' }),
    );
  });

  it('derives a key unlike the subject key itself', () => {
    expect(restoreKeyFrom('k').toString('hex')).not.toContain(Buffer.from('k').toString('hex').repeat(2));
    expect(restoreKeyFrom('k').equals(restoreKeyFrom('k'))).toBe(true);
    expect(restoreKeyFrom('k').equals(restoreKeyFrom('l'))).toBe(false);
  });
});

describe('restore link use cases', () => {
  let accounts: FakeAccounts;
  let clock: Date;
  let deps: RestoreLinkDeps;

  const linkFor = async (accountId: string) => {
    const record = await accounts.get(accountId);
    return signRestoreToken(key, {
      accountId,
      deactivatedAt: record?.deactivatedAt ?? '',
      expiresAt: record?.purgeAfter ?? '',
    });
  };

  beforeEach(async () => {
    // Arrange: a deactivated account and a settable clock.
    accounts = new FakeAccounts();
    clock = new Date('2026-11-27T10:00:00.000Z');
    deps = {
      accounts,
      profiles: new FakeProfiles({ u1: { email: 'u1@example.com' } }),
      gracePeriodMs: 30 * DAY,
      now: () => clock,
      restoreKey: key,
    };
    await deactivateAccount(deps, { accountId: 'u1', actor: user });
  });

  it('inspecting a link never restores', async () => {
    // Arrange
    const token = await linkFor('u1');
    // Act
    const state = await inspectRestoreLink(deps, token);
    // Assert
    expect(state).toEqual({ accountId: 'u1', purgeAfter: '2026-12-27T10:00:00.000Z' });
    expect((await accounts.get('u1'))?.status).toBe('DEACTIVATED');
  });

  it('restores with the link, and the link is then used (410)', async () => {
    // Arrange
    const token = await linkFor('u1');
    clock = new Date(clock.getTime() + DAY);
    // Act
    const view = await restoreByLink(deps, token);
    // Assert
    expect(view.status).toBe('ACTIVE');
    await expect(restoreByLink(deps, token)).rejects.toMatchObject({ code: 'gone' });
    await expect(inspectRestoreLink(deps, token)).rejects.toMatchObject({ code: 'gone' });
  });

  it('refuses an old link after a later re-deactivation (410), and the new link works', async () => {
    // Arrange: restored through the API, then deactivated again later.
    const old = await linkFor('u1');
    await restoreAccount(deps, { accountId: 'u1', actor: user });
    clock = new Date(clock.getTime() + DAY);
    await deactivateAccount(deps, { accountId: 'u1', actor: user });
    // Act / Assert
    await expect(restoreByLink(deps, old)).rejects.toMatchObject({ code: 'gone' });
    expect((await accounts.get('u1'))?.status).toBe('DEACTIVATED');
    expect((await restoreByLink(deps, await linkFor('u1'))).status).toBe('ACTIVE');
  });

  it('refuses a link for an account that is being purged (410)', async () => {
    // Arrange
    const token = await linkFor('u1');
    const record = await accounts.get('u1');
    accounts.records.set('u1', { ...record!, status: 'PURGING' });
    // Act / Assert
    await expect(restoreByLink(deps, token)).rejects.toMatchObject({ code: 'gone' });
    expect((await accounts.get('u1'))?.status).toBe('PURGING');
  });
});
