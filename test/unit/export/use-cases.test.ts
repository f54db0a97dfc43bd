import { beforeEach, describe, expect, it } from 'vitest';
import { readExport, requestExport } from '../../../functions/export/use-cases.ts';
import { FakeAccounts, FakeProfiles } from '../../support/fake-accounts.ts';
import { FakeExportRecords, FakeJobs, FakeLinks } from '../../support/fake-exports.ts';

const HOUR = 3_600_000;

describe('export use cases', () => {
  let accounts: FakeAccounts;
  let exports: FakeExportRecords;
  let jobs: FakeJobs;
  let clock: Date;
  const settings = { perDay: 3, linkExpiryMs: 24 * HOUR };
  const deps = () => ({
    accounts,
    profiles: new FakeProfiles({ u1: { email: 'u1@example.com' } }),
    exports,
    jobs,
    settings,
    now: () => clock,
  });

  beforeEach(() => {
    // Arrange: one known profile, no exports, a settable clock.
    accounts = new FakeAccounts();
    exports = new FakeExportRecords();
    jobs = new FakeJobs();
    clock = new Date('2026-11-27T10:00:00.000Z');
  });

  it('creates a PENDING export and queues its job', async () => {
    // Act
    const { view, created } = await requestExport(deps(), 'u1');
    // Assert
    expect(created).toBe(true);
    expect(view).toEqual({ exportId: expect.any(String), status: 'PENDING', createdAt: clock.toISOString() });
    expect(jobs.sent).toEqual([{ accountId: 'u1', exportId: view.exportId }]);
  });

  it('answers the pending export when asked again, and queues nothing more', async () => {
    const first = await requestExport(deps(), 'u1');
    const again = await requestExport(deps(), 'u1');
    expect(again).toEqual({ view: first.view, created: false });
    expect(jobs.sent).toHaveLength(1);
  });

  it('refuses an unknown account (404) and a purging one (409), writing nothing', async () => {
    await expect(requestExport(deps(), 'ghost')).rejects.toMatchObject({ code: 'not_found' });
    accounts.records.set('u1', { accountId: 'u1', status: 'PURGING' });
    await expect(requestExport(deps(), 'u1')).rejects.toMatchObject({ code: 'conflict' });
    expect(exports.records.size).toBe(0);
  });

  it('exports a DEACTIVATED account', async () => {
    accounts.records.set('u1', { accountId: 'u1', status: 'DEACTIVATED' });
    expect((await requestExport(deps(), 'u1')).created).toBe(true);
  });

  it('allows perDay exports in 24 hours, then a 429 with Retry-After until the oldest leaves the window', async () => {
    // Arrange: three finished exports, one hour apart
    for (let i = 0; i < 3; i += 1) {
      const { view } = await requestExport(deps(), 'u1');
      await exports.markReady('u1', view.exportId, clock.toISOString(), 'k', 1);
      clock = new Date(clock.getTime() + HOUR);
    }
    // Act / Assert: refused, told to come back when the first is 24 hours old (21 hours from now)
    await expect(requestExport(deps(), 'u1')).rejects.toMatchObject({
      code: 'too_many_requests',
      headers: { 'retry-after': String(21 * 3600) },
    });
    // Act / Assert: just over a day after the first, one slot is free again
    clock = new Date('2026-11-28T10:00:01.000Z');
    expect((await requestExport(deps(), 'u1')).created).toBe(true);
  });

  it('frees the pending slot when the job cannot be queued, so asking again works', async () => {
    jobs.failing = true;
    await expect(requestExport(deps(), 'u1')).rejects.toThrow('SQS is down');
    const [failed] = [...exports.records.values()];
    expect(failed).toMatchObject({ status: 'FAILED', failure: 'queue_unavailable' });
    jobs.failing = false;
    expect((await requestExport(deps(), 'u1')).created).toBe(true);
  });

  it('reads a READY export with a link and its expiry, a FAILED one with its reason', async () => {
    // Arrange
    const readDeps = { exports, links: new FakeLinks(), settings, now: () => clock };
    const { view } = await requestExport(deps(), 'u1');
    await exports.markReady('u1', view.exportId, clock.toISOString(), 'exports/u1/x.zip', 10);
    // Act
    const ready = await readExport(readDeps, 'u1', view.exportId);
    // Assert
    expect(ready).toMatchObject({
      status: 'READY',
      downloadUrl: 'https://exports.example.com/exports/u1/x.zip?expires=86400',
      expiresAt: '2026-11-28T10:00:00.000Z',
    });
    clock = new Date(clock.getTime() + 24 * HOUR);
    const second = await requestExport(deps(), 'u1');
    await exports.markFailed('u1', second.view.exportId, clock.toISOString(), 'export_failed');
    expect(await readExport(readDeps, 'u1', second.view.exportId)).toMatchObject({
      status: 'FAILED',
      failure: 'export_failed',
    });
    expect(await readExport(readDeps, 'u1', second.view.exportId)).not.toHaveProperty('downloadUrl');
  });

  it('answers not_found for an export of another account', async () => {
    const { view } = await requestExport(deps(), 'u1');
    const readDeps = { exports, links: new FakeLinks(), settings, now: () => clock };
    await expect(readExport(readDeps, 'u2', view.exportId)).rejects.toMatchObject({ code: 'not_found' });
  });
});
