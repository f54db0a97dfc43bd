import { describe, expect, it } from 'vitest';
import { LetheError } from '../../../functions/core/errors.ts';
import {
  authorize,
  callerFromClaims,
  dueShardOf,
  isDue,
  purgeAfterFor,
  refuseIfFinal,
  toView,
} from '../../../functions/core/lifecycle.ts';

const DAY = 86_400_000;

describe('purgeAfterFor', () => {
  it('adds the grace period to the deactivation time, in UTC ISO-8601', () => {
    expect(purgeAfterFor(new Date('2026-11-27T10:00:00.000Z'), 30 * DAY)).toBe('2026-12-27T10:00:00.000Z');
  });
});

describe('isDue (I2)', () => {
  const base = { accountId: 'a', status: 'DEACTIVATED', purgeAfter: '2026-12-27T10:00:00.000Z' } as const;

  it('is not due before purgeAfter', () => {
    expect(isDue(base, new Date('2026-12-27T09:59:59.999Z'))).toBe(false);
  });

  it('is due at and after purgeAfter', () => {
    expect(isDue(base, new Date('2026-12-27T10:00:00.000Z'))).toBe(true);
  });

  it('is never due under a legal hold', () => {
    const held = { ...base, legalHold: { reason: 'litigation', placedAt: '2026-12-01T00:00:00.000Z' } };
    expect(isDue(held, new Date('2027-06-01T00:00:00.000Z'))).toBe(false);
  });

  it('is never due for an active account', () => {
    expect(isDue({ ...base, status: 'ACTIVE' }, new Date('2027-06-01T00:00:00.000Z'))).toBe(false);
  });
});

describe('refuseIfFinal (I5)', () => {
  it.each(['PURGING', 'PURGED'] as const)('refuses %s with a conflict', (status) => {
    expect(() => refuseIfFinal({ accountId: 'a', status }, 'restore')).toThrow(
      expect.objectContaining({ code: 'conflict' }),
    );
  });

  it.each(['ACTIVE', 'DEACTIVATED'] as const)('lets %s through', (status) => {
    expect(() => refuseIfFinal({ accountId: 'a', status }, 'restore')).not.toThrow();
  });
});

describe('toView', () => {
  const record = {
    accountId: 'a',
    status: 'DEACTIVATED',
    deactivatedAt: '2026-11-27T10:00:00.000Z',
    purgeAfter: '2026-12-27T10:00:00.000Z',
    reason: 'moving on',
    legalHold: { reason: 'audit', placedAt: '2026-11-28T00:00:00.000Z' },
    notices: [{ kind: 'deactivated', sentAt: '2026-11-27T10:00:01.000Z' }],
    updatedAt: '2026-11-28T00:00:00.000Z',
  } as const;

  it('shows the legal hold to operators only', () => {
    expect(toView(record, { operator: true }).legalHold).toEqual(record.legalHold);
    expect(toView(record, { operator: false })).not.toHaveProperty('legalHold');
  });

  it('never shows internal fields such as updatedAt; the reason to operators only', () => {
    const view = toView(record, { operator: true });
    expect(Object.keys(view).sort()).toEqual(
      ['accountId', 'deactivatedAt', 'legalHold', 'notices', 'purgeAfter', 'reason', 'status'].sort(),
    );
    expect(view.reason).toBe(record.reason);
    expect(toView(record, { operator: false })).not.toHaveProperty('reason');
  });

  it('shows a purged account as only its id, status and purge time', () => {
    expect(
      toView({ accountId: 'a', status: 'PURGED', purgedAt: '2027-01-01T00:00:00.000Z' }, { operator: true }),
    ).toEqual({ accountId: 'a', status: 'PURGED', purgedAt: '2027-01-01T00:00:00.000Z' });
  });
});

describe('callerFromClaims and authorize', () => {
  it('reads sub and the operator scope from a space-separated scope claim', () => {
    expect(callerFromClaims({ sub: 'u1', scope: 'openid lethe/admin' })).toEqual({
      sub: 'u1',
      operator: true,
    });
    expect(callerFromClaims({ sub: 'u1', scope: 'openid lethe/admin-not' })).toEqual({
      sub: 'u1',
      operator: false,
    });
  });

  it.each([
    ['a JSON array', ['openid', 'lethe/admin']],
    ['an array as API Gateway flattens it', '[openid lethe/admin]'],
    ['a one-element flattened array', '[lethe/admin]'],
  ])('reads the operator scope from scp or scope as %s', (_, raw) => {
    for (const claim of ['scp', 'scope']) {
      expect(callerFromClaims({ sub: 'u1', [claim]: raw })).toEqual({ sub: 'u1', operator: true });
    }
  });

  it('finds no operator scope in lookalikes, whichever form they come in', () => {
    for (const raw of ['[openid lethe/admin-not]', ['lethe/admins'], '[]', '', 'lethe/admin]x']) {
      expect(callerFromClaims({ sub: 'u1', scp: raw })?.operator).toBe(false);
    }
  });

  it('has no caller without a sub', () => {
    expect(callerFromClaims({ scope: 'lethe/admin' })).toBeUndefined();
  });

  it('lets an owner act on their own account only', () => {
    expect(authorize({ sub: 'u1', operator: false }, 'u1')).toEqual({ kind: 'user', id: 'u1' });
    expect(() => authorize({ sub: 'u1', operator: false }, 'u2')).toThrow(LetheError);
  });

  it('lets an operator act on any account and alone do operator-only things', () => {
    expect(authorize({ sub: 'op', operator: true }, 'u2', { operatorOnly: true })).toEqual({
      kind: 'operator',
      id: 'op',
    });
    expect(() => authorize({ sub: 'u1', operator: false }, 'u1', { operatorOnly: true })).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
  });
});

describe('dueShardOf', () => {
  it('is stable for an id and spreads ids over the shards', () => {
    expect(dueShardOf('demo-0001')).toBe(dueShardOf('demo-0001'));
    const shards = new Set(Array.from({ length: 200 }, (_, i) => dueShardOf(`acct-${i}`)));
    expect(shards.size).toBe(16);
  });
});
