/** The shared contracts, against the in-memory fakes the use-case tests use. */
import { exportRecordsContract } from '../../support/contracts/export-records.ts';
import { purgeClaimsContract } from '../../support/contracts/purge-claims.ts';
import { FakeAccountsState } from '../../support/fake-enforcement.ts';
import { FakeExportRecords } from '../../support/fake-exports.ts';

purgeClaimsContract('FakeAccountsState', () => {
  const state = new FakeAccountsState();
  return {
    state,
    trail: async (accountId) =>
      state.events.filter((e) => e.subject === state.event(accountId, '', 'purged').subject),
    deactivated: async (accountId, purgeAfter, options = {}) => {
      state.records.set(accountId, {
        accountId,
        status: 'DEACTIVATED',
        purgeAfter,
        ...(options.legalHold && { legalHold: true }),
      });
    },
  };
});

exportRecordsContract('FakeExportRecords', () => new FakeExportRecords());
