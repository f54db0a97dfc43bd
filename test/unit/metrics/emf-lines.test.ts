/**
 * The EMF lines each use case writes through the real Powertools adapter:
 * metric names and units from the one catalogue, the one namespace, only the
 * allowed dimensions, and never the account id anywhere in a line (I6, I7).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deactivateAccount,
  placeLegalHold,
  releaseLegalHold,
  restoreAccount,
} from '../../../functions/accounts/use-cases.ts';
import { EmfMetrics } from '../../../functions/adapters/emf-metrics.ts';
import type { DataMap } from '../../../functions/core/data-map.ts';
import { METRICS, METRICS_NAMESPACE } from '../../../functions/core/metrics.ts';
import { startPurge } from '../../../functions/core/purge.ts';
import { retentionTasks } from '../../../functions/core/retention.ts';
import { feedbackOf, type NoticeFeedback } from '../../../functions/core/ses-feedback.ts';
import { signatureHeader } from '../../../functions/core/signature.ts';
import { confirmDeletion } from '../../../functions/enforcement/confirm-deletion.ts';
import { purgeAccount } from '../../../functions/enforcement/purge.ts';
import { sweep } from '../../../functions/enforcement/sweep.ts';
import { requestExport } from '../../../functions/export/use-cases.ts';
import type { NoticeRecord } from '../../../functions/notices/ports.ts';
import { recordFeedback } from '../../../functions/notices/record-feedback.ts';
import { sendNotice } from '../../../functions/notices/send-notice.ts';
import { enforceRetention } from '../../../functions/retention/enforce-retention.ts';
import { config } from '../../../lethe.config.ts';
import { FakeAccounts, FakeProfiles } from '../../support/fake-accounts.ts';
import {
  FakeAccountsState,
  FakeConfirmations,
  FakeQueue,
  FakeStores,
} from '../../support/fake-enforcement.ts';
import { FakeExportRecords } from '../../support/fake-exports.ts';
import { captureOutput } from '../../support/log-capture.ts';
import { sesEventFor } from '../../support/ses-events.ts';

/** An id that would be easy to spot in any line. */
const ID = 'acct-7f3e91-who@example.com';
const NOW = new Date('2027-01-02T12:00:00.000Z');
const DAY = 86_400_000;
const ALLOWED_DIMENSIONS = new Set(['service', 'store', 'processor', 'kind', 'actor', 'category']);
const UNITS = new Map<string, string>(Object.values(METRICS).map((m) => [m.name, m.unit]));

interface EmfLine {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

/** The EMF lines captured, checked for shape, with name → { value, dimensions } for each. */
const emitted = (lines: readonly string[]) => {
  const emf = lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as EmfLine);
  for (const line of lines) expect(line).not.toContain(ID);
  return emf.map((line) => {
    const [directive] = line._aws.CloudWatchMetrics;
    expect(line._aws.CloudWatchMetrics).toHaveLength(1);
    expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
    const dimensions = directive?.Dimensions.flat() ?? [];
    for (const d of dimensions) expect(ALLOWED_DIMENSIONS.has(d)).toBe(true);
    const [metric] = directive?.Metrics ?? [];
    expect(UNITS.get(metric?.Name ?? '')).toBe(metric?.Unit);
    return {
      name: metric?.Name ?? '',
      unit: metric?.Unit ?? '',
      value: line[metric?.Name ?? ''],
      dimensions: Object.fromEntries(dimensions.map((d) => [d, line[d]])),
    };
  });
};

describe('EMF lines per use case', () => {
  let output: ReturnType<typeof captureOutput>;
  const metrics = new EmfMetrics('lethe-test');

  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.stop());

  it('account transitions: one Count each, by actor kind, only when the state changed', async () => {
    // Arrange
    const deps = {
      accounts: new FakeAccounts(),
      profiles: new FakeProfiles({ [ID]: { email: 'who@example.com' } }),
      gracePeriodMs: 30 * DAY,
      now: () => NOW,
      metrics,
    };
    const user = { kind: 'user', id: ID } as const;
    const operator = { kind: 'operator', id: 'ops' } as const;

    // Act
    await deactivateAccount(deps, { accountId: ID, actor: user });
    await deactivateAccount(deps, { accountId: ID, actor: user }); // no change: not counted
    await restoreAccount(deps, { accountId: ID, actor: user });
    await placeLegalHold(deps, { accountId: ID, reason: 'Case 1', actor: operator });
    await releaseLegalHold(deps, { accountId: ID, actor: operator });
    output.stop();

    // Assert
    expect(emitted(output.lines)).toEqual([
      {
        name: 'AccountsDeactivated',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lethe-test', actor: 'user' },
      },
      {
        name: 'AccountsRestored',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lethe-test', actor: 'user' },
      },
      {
        name: 'LegalHoldsPlaced',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lethe-test', actor: 'operator' },
      },
      {
        name: 'LegalHoldsReleased',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lethe-test', actor: 'operator' },
      },
    ]);
  });

  it('sweep: the gauges, what it found and claimed, then the heartbeat', async () => {
    // Arrange: one account due long ago (overdue), one due just now, one overdue processor confirmation.
    const state = new FakeAccountsState();
    state.records.set(ID, { accountId: ID, status: 'DEACTIVATED', purgeAfter: '2026-12-01T00:00:00.000Z' });
    state.records.set('b', { accountId: 'b', status: 'DEACTIVATED', purgeAfter: '2027-01-02T11:00:00.000Z' });
    const confirmations = new FakeConfirmations();
    await confirmations.expect({
      subject: 's1',
      processor: 'crm',
      requestedAt: '2026-11-01T00:00:00.000Z',
      deadline: '2026-12-01T00:00:00.000Z',
    });

    // Act
    const result = await sweep(
      {
        due: state,
        claims: state,
        queue: new FakeQueue(),
        now: () => NOW,
        remainingMs: () => 60_000,
        metrics,
        confirmations,
      },
      {
        reserveMs: 1000,
        leaseMs: 900_000,
        pageSize: 10,
        sla: { afterPurgeAfterMs: DAY, outerBoundMs: 30 * DAY },
      },
    );
    output.stop();

    // Assert
    expect(result).toMatchObject({ read: 2, claimed: 2, overdue: 1, overdueConfirmations: 1 });
    const service = { service: 'lethe-test' };
    expect(emitted(output.lines)).toEqual([
      { name: 'OverdueAccounts', unit: 'Count', value: 1, dimensions: service },
      { name: 'OverdueProcessorConfirmations', unit: 'Count', value: 1, dimensions: service },
      { name: 'DueAccountsFound', unit: 'Count', value: 2, dimensions: service },
      { name: 'PurgesClaimed', unit: 'Count', value: 2, dimensions: service },
      { name: 'SweepRuns', unit: 'Count', value: 1, dimensions: service },
    ]);
  });

  it('purge: started, items per store, the processor request, completed with duration, latency and a missed SLA', async () => {
    // Arrange: due two days ago with a one-day SLA, so the SLA is missed; a map with a processor.
    const map: DataMap = config.dataMap;
    const state = new FakeAccountsState();
    state.records.set(ID, {
      accountId: ID,
      status: 'PURGING',
      progress: startPurge('2027-01-02T11:00:00.000Z', '2026-12-31T12:00:00.000Z'),
      version: 0,
    });
    const stores = new FakeStores(10);
    stores.seed(map, ID, 12);

    // Act
    const { outcome } = await purgeAccount(
      {
        map,
        claims: state,
        purger: stores,
        processors: { requestDeletion: async () => undefined },
        queue: new FakeQueue(),
        now: () => NOW,
        remainingMs: () => 60_000,
        metrics,
        confirmations: new FakeConfirmations(),
      },
      ID,
      {
        reserveMs: 1000,
        leaseMs: 900_000,
        backupWindowMs: 35 * DAY,
        sla: { afterPurgeAfterMs: DAY, outerBoundMs: 30 * DAY },
      },
    );
    output.stop();

    // Assert
    expect(outcome).toBe('purged');
    const lines = emitted(output.lines);
    expect(lines[0]).toMatchObject({ name: 'PurgesStarted', value: 1 });
    const deleted = lines.filter((l) => l.name === 'ItemsDeleted');
    const stored = map.stores.filter((s) => s.kind !== 'processor');
    expect(new Set(deleted.map((l) => l.dimensions.store))).toEqual(new Set(stored.map((s) => s.name)));
    expect(deleted.reduce((sum, l) => sum + Number(l.value), 0)).toBe(12 * stored.length);
    expect(lines.filter((l) => l.name === 'ProcessorDeletionRequests').map((l) => l.dimensions)).toEqual([
      { service: 'lethe-test', processor: 'newsletter' },
      { service: 'lethe-test', processor: 'analytics' },
      { service: 'lethe-test', processor: 'helpdesk' },
    ]);
    expect(lines.slice(-4)).toEqual([
      { name: 'PurgesCompleted', unit: 'Count', value: 1, dimensions: { service: 'lethe-test' } },
      {
        name: 'PurgeDuration',
        unit: 'Milliseconds',
        value: 3_600_000,
        dimensions: { service: 'lethe-test' },
      },
      { name: 'PurgeLatency', unit: 'Milliseconds', value: 2 * DAY, dimensions: { service: 'lethe-test' } },
      { name: 'DeletionSlaMissed', unit: 'Count', value: 1, dimensions: { service: 'lethe-test' } },
    ]);
    expect(state.receipts.get(ID)?.sla).toEqual({
      purgeAfter: '2026-12-31T12:00:00.000Z',
      dueBy: '2027-01-01T12:00:00.000Z',
      outerBound: '2027-01-30T12:00:00.000Z',
      finishedAt: NOW.toISOString(),
      met: false,
      withinOuterBound: true,
    });
  });

  it('purge that fails: PurgesFailed, and the error still reaches the queue', async () => {
    const state = new FakeAccountsState();
    state.records.set(ID, {
      accountId: ID,
      status: 'PURGING',
      progress: startPurge(NOW.toISOString()),
      version: 0,
    });
    const failing = {
      purgePage: async () => Promise.reject(new Error('throttled')),
      deleteAnnounced: async () => undefined,
    };

    await expect(
      purgeAccount(
        {
          map: config.dataMap,
          claims: state,
          purger: failing,
          processors: { requestDeletion: async () => undefined },
          queue: new FakeQueue(),
          now: () => NOW,
          remainingMs: () => 60_000,
          metrics,
        },
        ID,
        { reserveMs: 1000, leaseMs: 900_000, backupWindowMs: DAY },
      ),
    ).rejects.toThrow('throttled');
    output.stop();

    expect(emitted(output.lines).map((l) => l.name)).toEqual(['PurgesStarted', 'PurgesFailed']);
  });

  it('notice: NoticesSent or NoticesFailed by template kind, never by account', async () => {
    // Arrange: a pending reminder for a deactivated account, and a mailer that takes it.
    const key = 'notice#subj#2027-01-01T00:00:00.000Z#reminder-P7D';
    const records = new Map<string, NoticeRecord>([
      [
        key,
        {
          key,
          kind: 'reminder-P7D',
          state: 'PENDING',
          deactivatedAt: '2027-01-01T00:00:00.000Z',
          target: ID,
        },
      ],
    ]);
    const notices = {
      get: async (k: string) => records.get(k),
      claim: async () => true,
      unclaim: async () => undefined,
      settle: async () => undefined,
      markSent: async () => undefined,
      recordSent: async () => undefined,
      hold: async () => undefined,
    };
    const deps = {
      notices,
      accounts: {
        get: async () => ({
          accountId: ID,
          status: 'DEACTIVATED' as const,
          deactivatedAt: '2027-01-01T00:00:00.000Z',
          purgeAfter: '2027-01-31T00:00:00.000Z',
        }),
      },
      profiles: { get: async () => ({ email: 'who@example.com', locale: 'en' }) },
      mailer: { send: async () => ({ messageId: 'm1' }) },
      restoreKey: Buffer.from('k'),
      addressKey: Buffer.from('a'),
      branding: { productName: 'Lethe', supportUrl: 'https://example.com' },
      publicUrl: 'https://api.example.com',
      sweepIntervalMs: 60_000,
      now: () => NOW,
      metrics,
    };

    // Act
    expect(await sendNotice(deps, key)).toBe('sent');
    output.stop();

    // Assert
    expect(emitted(output.lines)).toEqual([
      {
        name: 'NoticesSent',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lethe-test', kind: 'reminder' },
      },
    ]);
  });

  it('export request: ExportsRequested once for a new export, not for the pending one asked again', async () => {
    const exports = new FakeExportRecords();
    const deps = {
      accounts: new FakeAccounts(),
      profiles: new FakeProfiles({ [ID]: { email: 'who@example.com' } }),
      exports,
      jobs: { send: async () => undefined },
      settings: { perDay: 3, linkExpiryMs: DAY },
      now: () => NOW,
      metrics,
    };

    await requestExport(deps, ID);
    await requestExport(deps, ID);
    output.stop();

    expect(emitted(output.lines)).toEqual([
      { name: 'ExportsRequested', unit: 'Count', value: 1, dimensions: { service: 'lethe-test' } },
    ]);
  });

  it('processor confirmation: ProcessorConfirmations by processor, once however often it is repeated', async () => {
    // Arrange: a deletion request owed to "newsletter", and a correctly signed confirmation.
    const map: DataMap = config.dataMap;
    const confirmations = new FakeConfirmations();
    await confirmations.expect({
      subject: 'subj-of-id',
      processor: 'newsletter',
      requestedAt: '2027-01-01T00:00:00.000Z',
      deadline: '2027-01-31T00:00:00.000Z',
    });
    const body = JSON.stringify({ accountId: ID });
    const signature = signatureHeader('newsletter-secret', Math.floor(NOW.getTime() / 1000), body);
    const deps = {
      map,
      secretOf: () => 'newsletter-secret',
      subjectOf: () => 'subj-of-id',
      confirmations,
      now: () => NOW,
      metrics,
    };

    // Act
    await confirmDeletion(deps, { processor: 'newsletter', signature, rawBody: body });
    await confirmDeletion(
      { ...deps, now: () => new Date(NOW.getTime() + 1000) },
      { processor: 'newsletter', signature, rawBody: body },
    );
    output.stop();

    // Assert
    expect(emitted(output.lines)).toEqual([
      {
        name: 'ProcessorConfirmations',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lethe-test', processor: 'newsletter' },
      },
    ]);
  });

  it('retention: deleted, held, read and incomplete per category, through the port', async () => {
    // Arrange: one page of sessions past their window, one of them under a legal hold
    const sessions = retentionTasks(config.dataMap).filter((t) => t.rule.category === 'sessions');
    const candidates = [`${ID}-1`, `${ID}-2`, ID].map((accountId) => ({ accountId, timeMs: 0, ref: {} }));
    const source = {
      parts: () => 1,
      page: async () => ({ candidates, read: candidates.length }),
      remove: async (_task: unknown, doomed: readonly unknown[]) => doomed.length,
    };

    // Act
    await enforceRetention(
      sessions,
      {
        dynamo: source,
        s3: source,
        holds: { held: async () => new Set([ID]) },
        evidence: { record: async () => undefined },
        metrics,
        now: () => NOW,
        remainingMs: () => 60_000,
      },
      { maxLagMs: DAY, intervalMs: 15 * 60_000, reserveMs: 1000, pageSize: 100 },
    );
    output.stop();

    // Assert: the category is the only dimension beside the instance's service; no account id anywhere
    const category = { service: 'lethe-test', category: 'sessions' };
    expect(emitted(output.lines)).toEqual([
      { name: 'RetentionDeleted', unit: 'Count', value: 2, dimensions: category },
      { name: 'RetentionHeld', unit: 'Count', value: 1, dimensions: category },
      { name: 'RetentionRead', unit: 'Count', value: 3, dimensions: category },
      { name: 'RetentionIncomplete', unit: 'Count', value: 0, dimensions: category },
    ]);
  });

  it('SES feedback: NoticesBounced, NoticesComplained, NoticesDelivered by template kind, once each', async () => {
    // Arrange: a reminder SES accepted, whose record still names the account
    const key = `notice#subject#2027-01-01T00:00:00.000Z#reminder-P7D`;
    const record: NoticeRecord = {
      key,
      kind: 'reminder-P7D',
      state: 'SENT',
      deactivatedAt: '2027-01-01T00:00:00.000Z',
      target: ID,
      messageId: 'ses-1',
      address: 'digest',
    };
    const seen = new Set<string>();
    const deps = {
      notices: {
        get: async () => record,
        recordFeedback: async (_r: NoticeRecord, feedback: NoticeFeedback) =>
          !seen.has(feedback.kind) && Boolean(seen.add(feedback.kind)),
      },
      metrics,
    };
    const sent = { messageId: 'ses-1', noticeKey: key };
    // Act: each event twice, as at-least-once delivery may
    for (const name of ['delivery.eventbridge', 'bounce.eventbridge', 'complaint.eventbridge'] as const) {
      for (const _ of [1, 2])
        await recordFeedback(deps, feedbackOf(sesEventFor(name, sent)) as NoticeFeedback);
    }
    output.stop();
    // Assert
    expect(emitted(output.lines)).toEqual(
      ['NoticesDelivered', 'NoticesBounced', 'NoticesComplained'].map((name) => ({
        name,
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lethe-test', kind: 'reminder' },
      })),
    );
  });
});
