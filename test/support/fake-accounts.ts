/**
 * An in-memory AccountRepository with the same conditional semantics as the
 * DynamoDB one, for use-case tests that need no mocks.
 */
import type { AccountRepository, DeactivateCommand, Transition } from '../../functions/accounts/ports.ts';
import type { Profile, ProfileReader } from '../../functions/core/data-map.ts';
import type { AccountRecord, LegalHold } from '../../functions/core/lifecycle.ts';

export class FakeAccounts implements AccountRepository {
  readonly records = new Map<string, AccountRecord>();

  async get(accountId: string) {
    return this.records.get(accountId);
  }

  private put(record: AccountRecord): Transition {
    this.records.set(record.accountId, record);
    return { record, changed: true };
  }

  private unchanged(accountId: string): Transition {
    return { record: this.records.get(accountId) ?? { accountId, status: 'ACTIVE' }, changed: false };
  }

  async deactivate(accountId: string, command: DeactivateCommand, now: string) {
    const old = this.records.get(accountId);
    if (old && old.status !== 'ACTIVE') return this.unchanged(accountId);
    const { reason: _previous, ...rest } = old ?? { accountId };
    return this.put({ ...rest, ...command, accountId, status: 'DEACTIVATED', notices: [], updatedAt: now });
  }

  async restore(accountId: string, now: string, _actor?: unknown, only?: { deactivatedAt: string }) {
    const old = this.records.get(accountId);
    if (old?.status !== 'DEACTIVATED') return this.unchanged(accountId);
    if (only && old.deactivatedAt !== only.deactivatedAt) return this.unchanged(accountId);
    const { deactivatedAt: _d, purgeAfter: _p, reason: _r, notices: _n, ...rest } = old;
    return this.put({ ...rest, status: 'ACTIVE', updatedAt: now });
  }

  async placeHold(accountId: string, legalHold: LegalHold, now: string) {
    const old = this.records.get(accountId) ?? { accountId, status: 'ACTIVE' as const };
    if (old.status !== 'ACTIVE' && old.status !== 'DEACTIVATED') return this.unchanged(accountId);
    return this.put({ ...old, legalHold, updatedAt: now });
  }

  async releaseHold(accountId: string, now: string) {
    const old = this.records.get(accountId);
    if (!old?.legalHold || (old.status !== 'ACTIVE' && old.status !== 'DEACTIVATED'))
      return this.unchanged(accountId);
    const { legalHold: _h, ...rest } = old;
    return this.put({ ...rest, updatedAt: now });
  }
}

export class FakeProfiles implements ProfileReader {
  constructor(readonly profiles: Record<string, Profile> = {}) {}
  async get(accountId: string) {
    return this.profiles[accountId];
  }
}
