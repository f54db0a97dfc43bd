import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AccountDeps,
  deactivateAccount,
  getAccount,
  placeLegalHold,
  releaseLegalHold,
  restoreAccount,
} from '../../../functions/accounts/use-cases.ts';
import { FakeAccounts, FakeProfiles } from '../../support/fake-accounts.ts';

const DAY = 86_400_000;
const user = { kind: 'user', id: 'u1' } as const;
const operator = { kind: 'operator', id: 'ops' } as const;

describe('account use cases', () => {
  let accounts: FakeAccounts;
  let clock: Date;
  let deps: AccountDeps;

  beforeEach(() => {
    // Arrange: one known profile, an empty lifecycle table, a settable clock.
    accounts = new FakeAccounts();
    clock = new Date('2026-11-27T10:00:00.000Z');
    deps = {
      accounts,
      profiles: new FakeProfiles({ u1: { email: 'u1@example.com', locale: 'en' } }),
      gracePeriodMs: 30 * DAY,
      now: () => clock,
    };
  });

  it('shows a profile without a lifecycle record as ACTIVE', async () => {
    expect(await getAccount(deps, 'u1', false)).toEqual({ accountId: 'u1', status: 'ACTIVE', notices: [] });
  });

  it('answers not_found for an account with neither record nor profile', async () => {
    await expect(getAccount(deps, 'ghost', false)).rejects.toMatchObject({ code: 'not_found' });
    await expect(deactivateAccount(deps, { accountId: 'ghost', actor: user })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(accounts.records.size).toBe(0);
  });

  it('deactivates once, with purgeAfter = now + grace, and reports the change', async () => {
    const { view, changed } = await deactivateAccount(deps, { accountId: 'u1', actor: user });
    expect(changed).toBe(true);
    expect(view).toMatchObject({
      status: 'DEACTIVATED',
      deactivatedAt: '2026-11-27T10:00:00.000Z',
      purgeAfter: '2026-12-27T10:00:00.000Z',
    });
  });

  it('does not move purgeAfter when deactivated again (I5)', async () => {
    await deactivateAccount(deps, { accountId: 'u1', actor: user });
    clock = new Date('2026-12-10T10:00:00.000Z');
    const again = await deactivateAccount(deps, { accountId: 'u1', actor: user });
    expect(again.changed).toBe(false);
    expect(again.view.purgeAfter).toBe('2026-12-27T10:00:00.000Z');
  });

  it('restores a deactivated account and clears its dates', async () => {
    await deactivateAccount(deps, { accountId: 'u1', actor: user });
    const { view, changed } = await restoreAccount(deps, { accountId: 'u1', actor: user });
    expect(changed).toBe(true);
    expect(view).toEqual({ accountId: 'u1', status: 'ACTIVE', notices: [] });
  });

  it('answers an already active account unchanged on restore', async () => {
    const { view, changed } = await restoreAccount(deps, { accountId: 'u1', actor: user });
    expect(changed).toBe(false);
    expect(view.status).toBe('ACTIVE');
  });

  it.each(['PURGING', 'PURGED'] as const)(
    'refuses deactivate, restore and holds on a %s account (I5)',
    async (status) => {
      accounts.records.set('u1', { accountId: 'u1', status });
      const before = structuredClone(accounts.records.get('u1'));
      await expect(deactivateAccount(deps, { accountId: 'u1', actor: user })).rejects.toMatchObject({
        code: 'conflict',
      });
      await expect(restoreAccount(deps, { accountId: 'u1', actor: user })).rejects.toMatchObject({
        code: 'conflict',
      });
      await expect(
        placeLegalHold(deps, { accountId: 'u1', reason: 'x', actor: operator }),
      ).rejects.toMatchObject({
        code: 'conflict',
      });
      expect(accounts.records.get('u1')).toEqual(before);
    },
  );

  it('places and releases a legal hold, visible to operators', async () => {
    const placed = await placeLegalHold(deps, { accountId: 'u1', reason: 'litigation', actor: operator });
    expect(placed.view.legalHold).toEqual({ reason: 'litigation', placedAt: '2026-11-27T10:00:00.000Z' });
    const released = await releaseLegalHold(deps, { accountId: 'u1', actor: operator });
    expect(released.view).not.toHaveProperty('legalHold');
    expect(released.changed).toBe(true);
  });

  it('shows a purged account as only its purge time', async () => {
    accounts.records.set('u1', { accountId: 'u1', status: 'PURGED', purgedAt: '2027-01-01T00:00:00.000Z' });
    expect(await getAccount(deps, 'u1', true)).toEqual({
      accountId: 'u1',
      status: 'PURGED',
      purgedAt: '2027-01-01T00:00:00.000Z',
    });
  });
});
