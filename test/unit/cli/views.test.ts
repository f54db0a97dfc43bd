import { describe, expect, it } from 'vitest';
import { dlqMessage } from '../../../cli/commands/dlq.ts';
import {
  auditReport,
  candidate,
  classify,
  purgeTargets,
  receiptReport,
  statusReport,
  totalsOf,
} from '../../../cli/views.ts';
import { maskId as logId } from '../../../functions/core/account-id.ts';
import type { DataMap } from '../../../functions/core/data-map.ts';
import { config } from '../../../lethe.config.ts';

const map = config.dataMap;
const now = new Date('2026-03-01T12:00:00.000Z');
const past = '2026-02-28T12:00:00.000Z';
const future = '2026-03-02T12:00:00.000Z';

describe('statusReport', () => {
  it('shows a deactivated, unheld account past its purge date as due', () => {
    // Arrange
    const item = {
      accountId: 'a-1',
      status: 'DEACTIVATED',
      deactivatedAt: '2026-01-30T12:00:00.000Z',
      purgeAfter: past,
      notices: [{ kind: 'deactivation', sentAt: '2026-01-30T12:00:01.000Z' }],
    } as const;

    // Act
    const report = statusReport(item, item, map, now);

    // Assert
    expect(report).toEqual({
      accountId: 'a-1',
      status: 'DEACTIVATED',
      recorded: true,
      deactivatedAt: '2026-01-30T12:00:00.000Z',
      purgeAfter: past,
      due: true,
      notices: [{ kind: 'deactivation', sentAt: '2026-01-30T12:00:01.000Z' }],
    });
  });

  it('shows a held account as not due, with its hold', () => {
    const hold = { reason: 'Case 7', placedAt: past };
    const record = { accountId: 'a-1', status: 'DEACTIVATED', purgeAfter: past, legalHold: hold } as const;

    expect(statusReport(record, record, map, now)).toMatchObject({ due: false, legalHold: hold });
  });

  it("shows the deactivation's reason and why notices stopped, never the address", () => {
    const record = {
      accountId: 'a-1',
      status: 'DEACTIVATED',
      purgeAfter: past,
      reason: 'taking a break',
      noticeSuppression: { reason: 'bounced', at: past, address: 'a-1@example.com' },
    } as const;

    const report = statusReport(record, record, map, now);

    expect(report).toMatchObject({
      reason: 'taking a break',
      noticeSuppression: { reason: 'bounced', at: past },
    });
    expect(JSON.stringify(report)).not.toContain('@example.com');
  });

  it('says when an account has no lifecycle record', () => {
    expect(statusReport({ accountId: 'a-1', status: 'ACTIVE' }, undefined, map, now)).toEqual({
      accountId: 'a-1',
      status: 'ACTIVE',
      recorded: false,
      notices: [],
    });
  });

  it('shows a purged account as the API does: status and purgedAt only', () => {
    const record = { accountId: 'a-1', status: 'PURGED', purgedAt: past } as const;

    expect(statusReport(record, undefined, map, now)).toEqual({
      accountId: 'a-1',
      status: 'PURGED',
      recorded: true,
      purgedAt: past,
    });
  });

  it("shows a purge's progress per store and whether its lease ran out", () => {
    // Arrange: the second store of the purge order under way
    const item = {
      accountId: 'a-1',
      status: 'PURGING',
      purgeAfter: past,
      leaseUntil: '2026-03-01T11:59:00.000Z',
      progress: {
        startedAt: past,
        target: 1,
        cursor: 'c',
        counts: { content: 9, sessions: 1 },
        processors: {},
      },
    };

    // Act
    const report = statusReport(item as never, item, map, now);

    // Assert
    expect(report.purge).toEqual({
      startedAt: past,
      leaseUntil: '2026-03-01T11:59:00.000Z',
      leaseExpired: true,
      targets: [
        { name: 'content', kind: 'dynamodb-partition', state: 'done', deleted: 9 },
        { name: 'sessions', kind: 'dynamodb-index', state: 'in progress', deleted: 1 },
        { name: 'usage-events', kind: 'dynamodb-index', state: 'pending', deleted: 0 },
        { name: 'uploads', kind: 's3-prefix', state: 'pending', deleted: 0 },
        { name: 'newsletter', kind: 'processor', state: 'pending', deleted: 0 },
        { name: 'analytics', kind: 'processor', state: 'pending', deleted: 0 },
        { name: 'helpdesk', kind: 'processor', state: 'pending', deleted: 0 },
        { name: 'thumbnails', kind: 's3-prefix', state: 'pending', deleted: 0 },
        { name: 'sign-in', kind: 'cognito-user-pool', state: 'pending', deleted: 0 },
        // Lethe's own export records and archives, which the purge deletes too (I6)
        { name: 'lethe-exports', kind: 'dynamodb-partition', state: 'pending', deleted: 0 },
        { name: 'lethe-export-archives', kind: 's3-prefix', state: 'pending', deleted: 0 },
        { name: 'profiles', kind: 'dynamodb-partition', state: 'pending', deleted: 0 },
      ],
    });
  });
});

describe('purgeTargets', () => {
  it("carries a processor's request time and deadline", () => {
    // Arrange
    const withProcessor: DataMap = {
      ...map,
      stores: [
        ...map.stores,
        { kind: 'processor', name: 'crm', deletionUrl: 'https://crm.test/d', deadline: 'P30D' },
      ],
    };
    const progress = {
      startedAt: past,
      // Past every data store (the processor is requested after them)
      target: map.stores.length,
      counts: {},
      processors: { crm: { requestedAt: past, deadline: future } },
    };

    // Act
    const crm = purgeTargets(withProcessor, progress).find((t) => t.name === 'crm');

    // Assert
    expect(crm).toEqual({
      name: 'crm',
      kind: 'processor',
      state: 'done',
      deleted: 0,
      requestedAt: past,
      deadline: future,
    });
  });
});

describe('classify: what the claim would decide', () => {
  it.each([
    ['due', { status: 'DEACTIVATED', purgeAfter: past }, { claimable: true, why: 'due' }],
    [
      'a purge whose lease ran out',
      { status: 'PURGING', purgeAfter: past, leaseUntil: past },
      { claimable: true, why: 'stalled' },
    ],
    [
      'a purge a worker holds',
      { status: 'PURGING', purgeAfter: past, leaseUntil: future },
      { claimable: false, state: `PURGING, a worker holds it until ${future}` },
    ],
    [
      'held since the index was read',
      { status: 'DEACTIVATED', purgeAfter: past, legalHold: { reason: 'r', placedAt: past } },
      { claimable: false, state: 'DEACTIVATED, legal hold on' },
    ],
    ['restored since', { status: 'ACTIVE' }, { claimable: false, state: 'ACTIVE' }],
    [
      'not due yet',
      { status: 'DEACTIVATED', purgeAfter: future },
      { claimable: false, state: 'DEACTIVATED, not due yet' },
    ],
  ])('%s', (_label, item, expected) => {
    expect(classify({ accountId: 'a-1', ...item }, now)).toEqual(expected);
  });

  it('a record gone since the index was read is not claimable', () => {
    expect(classify(undefined, now)).toMatchObject({ claimable: false });
  });
});

describe('candidates and totals', () => {
  it('adds counts per account and per store; a processor counts as nothing', () => {
    // Arrange
    const stores = [
      { name: 'content', kind: 'dynamodb-partition' as const },
      { name: 'crm', kind: 'processor' as const },
    ];
    const a = candidate('a', past, 'due', { content: 3, crm: null });
    const b = candidate('b', past, 'stalled', { content: 4, crm: null });

    // Act
    const totals = totalsOf(stores, [a, b]);

    // Assert
    expect([a.total, b.total]).toEqual([3, 4]);
    expect(totals).toEqual({ content: 7, crm: 0 });
  });
});

describe('auditReport and receiptReport', () => {
  it('orders events oldest first and drops the subject from each', () => {
    const events = [
      { subject: 's', at: future, kind: 'hold-released', actor: 'operator' },
      { subject: 's', at: past, kind: 'target-done', actor: 'system', target: 'content', count: 2 },
    ] as const;

    expect(auditReport('a-1', 's', events)).toEqual({
      accountId: 'a-1',
      subject: 's',
      events: [
        { at: past, kind: 'target-done', actor: 'system', target: 'content', count: 2 },
        { at: future, kind: 'hold-released', actor: 'operator' },
      ],
    });
  });

  it('sums what a receipt deleted', () => {
    const receipt = {
      subject: 's',
      startedAt: past,
      finishedAt: past,
      goneFromBackupsBy: future,
      targets: [
        { name: 'content', kind: 'dynamodb-partition', deleted: 5 },
        { name: 'uploads', kind: 's3-prefix', deleted: 2 },
      ],
    } as const;

    expect(receiptReport('a-1', receipt)).toEqual({ accountId: 'a-1', receipt, totalDeleted: 7 });
  });
});

describe('dlqMessage', () => {
  it("reads the job's account id, its log id and SQS's times", () => {
    // Act
    const message = dlqMessage({
      MessageId: 'm-1',
      Body: '{"accountId":"auth0|abc"}',
      Attributes: {
        SentTimestamp: '1772366400000',
        ApproximateFirstReceiveTimestamp: '1772366401000',
        ApproximateReceiveCount: '6',
      },
    });

    // Assert
    expect(message).toEqual({
      messageId: 'm-1',
      accountId: 'auth0|abc',
      logId: logId('auth0|abc'),
      sentAt: '2026-03-01T12:00:00.000Z',
      firstReceivedAt: '2026-03-01T12:00:01.000Z',
      receiveCount: 6,
    });
  });

  it.each([['not json'], ['{"accountId":"has space"}'], ['null'], ['{}']])(
    'shows a body that is not a purge job as it is: %s',
    (body) => {
      expect(dlqMessage({ MessageId: 'm-1', Body: body })).toEqual({ messageId: 'm-1', body });
    },
  );
});
