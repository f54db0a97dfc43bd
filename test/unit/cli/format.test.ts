import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fields,
  plural,
  queueName,
  relative,
  renderAudit,
  renderDlqList,
  renderDryRun,
  renderHold,
  renderRedrive,
  renderStatus,
  renderSweep,
  table,
} from '../../../cli/format.ts';
import type { DryRunReport } from '../../../cli/views.ts';

const now = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('table and fields', () => {
  it('pads columns to their widest cell and aligns numbers right', () => {
    const text = table(
      ['NAME', 'COUNT'],
      [
        ['content', '5'],
        ['s', '120'],
      ],
      [1],
    );

    expect(text).toBe(['NAME     COUNT', 'content      5', 's          120'].join('\n'));
  });

  it('leaves no trailing spaces when the last column is empty', () => {
    expect(table(['A', 'B'], [['x', '']]).split('\n')[1]).toBe('x');
  });

  it('aligns labels', () => {
    expect(
      fields([
        ['Status', 'ACTIVE'],
        ['Legal hold', 'none'],
      ]),
    ).toBe('Status      ACTIVE\nLegal hold  none');
  });
});

describe('relative', () => {
  it.each([
    [0, 'now'],
    [400, 'now'],
    [45_000, 'in 45 seconds'],
    [-(MINUTE + 1000), '1 minute 1 second ago'],
    [2 * HOUR + 5 * MINUTE, 'in 2 hours 5 minutes'],
    [-3 * DAY, '3 days ago'],
    [30 * DAY - MINUTE, 'in 30 days'],
    [12 * HOUR + 20 * MINUTE, 'in 12 hours'],
  ])('%d ms is "%s"', (ms, text) => {
    expect(relative(at(ms), now)).toBe(text);
  });
});

describe('renderStatus', () => {
  it('says what happens next to a deactivated account', () => {
    const text = renderStatus(
      {
        accountId: 'a-1',
        status: 'DEACTIVATED',
        recorded: true,
        deactivatedAt: at(-DAY),
        purgeAfter: at(29 * DAY),
        due: false,
        notices: [],
      },
      now,
    );

    expect(text).toBe(
      [
        'Account      a-1',
        'Status       DEACTIVATED',
        `Deactivated  ${at(-DAY)} (1 day ago)`,
        `Purge after  ${at(29 * DAY)} (in 29 days)`,
        'Legal hold   none',
        'Notices      none sent',
        'Next         purged in 29 days unless restored',
      ].join('\n'),
    );
  });

  it('shows the reason, what SES said of each notice, and a suppression', () => {
    const text = renderStatus(
      {
        accountId: 'a-1',
        status: 'DEACTIVATED',
        recorded: true,
        reason: 'taking a break',
        due: false,
        notices: [
          { kind: 'deactivated', sentAt: at(-DAY), bouncedAt: at(-DAY), bounceType: 'Permanent' },
          { kind: 'reminder-P7D', sentAt: at(-HOUR), complainedAt: at(-MINUTE) },
          { kind: 'resumed', sentAt: at(-MINUTE), deliveredAt: at(-MINUTE) },
        ],
        noticeSuppression: { reason: 'bounced', at: at(-DAY) },
      },
      now,
    );

    expect(text).toBe(
      [
        'Account     a-1',
        'Status      DEACTIVATED',
        'Reason      taking a break',
        'Legal hold  none',
        `Notices     deactivated ${at(-DAY)} (bounced, Permanent), reminder-P7D ${at(-HOUR)} (complained), resumed ${at(-MINUTE)}`,
        `Suppressed  no more notices: the address bounced ${at(-DAY)}`,
      ].join('\n'),
    );
  });

  it("shows a purge's targets and a lapsed lease", () => {
    const text = renderStatus(
      {
        accountId: 'a-1',
        status: 'PURGING',
        recorded: true,
        notices: [],
        purge: {
          startedAt: at(-HOUR),
          leaseUntil: at(-MINUTE),
          leaseExpired: true,
          targets: [
            { name: 'content', kind: 'dynamodb-partition', state: 'done', deleted: 1200 },
            { name: 'uploads', kind: 's3-prefix', state: 'in progress', deleted: 7 },
          ],
        },
      },
      now,
    );

    expect(text).toContain(`Lease          expired ${at(-MINUTE)} (1 minute ago)`);
    expect(text).toContain(
      'Next           its worker went quiet: the next sweep hands the purge to a new one',
    );
    expect(text).toContain(
      [
        'TARGET   KIND                STATE        DELETED',
        'content  dynamodb-partition  done            1200',
        'uploads  s3-prefix           in progress        7',
      ].join('\n'),
    );
  });

  it('shows a purged account with the way to its receipt', () => {
    const text = renderStatus(
      { accountId: 'a-1', status: 'PURGED', recorded: true, purgedAt: at(-DAY) },
      now,
    );

    expect(text).toBe(
      [
        'Account  a-1',
        'Status   PURGED',
        `Purged   ${at(-DAY)} (1 day ago)`,
        'Receipt  lethe receipt a-1',
      ].join('\n'),
    );
  });
});

describe('renderHold', () => {
  it('tells an operator a released account is due', () => {
    const text = renderHold(
      {
        action: 'release',
        changed: true,
        due: true,
        account: { accountId: 'a-1', status: 'DEACTIVATED', purgeAfter: at(-DAY) },
      },
      now,
    );

    expect(text.split('\n').slice(0, 2)).toEqual([
      'Legal hold released on a-1.',
      'It is due: the next sweep claims it and starts the purge.',
    ]);
  });

  it('says when a release changed nothing', () => {
    const text = renderHold(
      { action: 'release', changed: false, account: { accountId: 'a-1', status: 'ACTIVE' } },
      now,
    );

    expect(text.split('\n')[0]).toBe('a-1 has no legal hold: nothing changed.');
  });

  it('is quoted by the README as it prints, for a second hold that changes nothing', () => {
    // Arrange: what the CLI prints (text, not --json) for demo-0003 already under a hold
    const printed = renderHold(
      { action: 'hold', changed: false, account: { accountId: 'demo-0003', status: 'DEACTIVATED' } },
      now,
    ).split('\n')[0];
    const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');

    // Assert: the README's words are the CLI's
    expect(printed).toBe('demo-0003 was not changed.');
    expect(readme).toContain(`the CLI says \`${printed}\``);
  });
});

describe('renderAudit', () => {
  it('says when there are no events', () => {
    expect(renderAudit({ accountId: 'a-1', subject: 'abc', events: [] })).toBe(
      'Audit trail of a-1 (subject abc)\n\nNo events recorded.',
    );
  });
});

describe('renderDryRun', () => {
  it('lists each claimable account with counts per store, a total row, and what is left out', () => {
    // Arrange
    const report: DryRunReport = {
      dryRun: true,
      at: at(0),
      read: 3,
      stores: [
        { name: 'content', kind: 'dynamodb-partition' },
        { name: 'crm', kind: 'processor' },
      ],
      claimable: [
        { accountId: 'a-1', purgeAfter: at(-DAY), why: 'due', counts: { content: 12, crm: null }, total: 12 },
        {
          accountId: 'b-2',
          purgeAfter: at(-DAY),
          why: 'stalled',
          counts: { content: 3, crm: null },
          total: 3,
        },
      ],
      notClaimable: [{ accountId: 'c-3', purgeAfter: at(-DAY), state: 'ACTIVE' }],
      totals: { content: 15, crm: 0 },
    };

    // Act
    const lines = renderDryRun(report, now).split('\n');

    // Assert
    expect(lines[0]).toBe(`Sweep dry run at ${at(0)}: 3 due-index entries read, 2 would be claimed.`);
    expect(lines.slice(2, 6)).toEqual([
      'ACCOUNT  PURGE AFTER                           WHY            CONTENT    CRM  ITEMS',
      `a-1      ${at(-DAY)} (1 day ago)  due                 12  asked     12`,
      `b-2      ${at(-DAY)} (1 day ago)  stalled purge        3  asked      3`,
      'total                                                              15            15',
    ]);
    expect(lines).toContain(`c-3      ${at(-DAY)}  ACTIVE`);
    expect(lines.at(-1)).toBe('Dry run: nothing was changed.');
  });

  it('says one entry, not one entries', () => {
    const report: DryRunReport = {
      dryRun: true,
      at: at(0),
      read: 1,
      stores: [],
      claimable: [],
      notClaimable: [],
      totals: {},
    };

    expect(renderDryRun(report, now).split('\n')[0]).toContain('1 due-index entry read, 0 would be claimed');
  });
});

describe('counts in English', () => {
  it('says one of a thing and two things, with irregular plurals given', () => {
    expect([plural(1, 'message'), plural(2, 'message'), plural(0, 'message')]).toEqual([
      '1 message',
      '2 messages',
      '0 messages',
    ]);
    expect([plural(1, 'entry', 'entries'), plural(3, 'entry', 'entries')]).toEqual(['1 entry', '3 entries']);
  });

  it('says "1 due-index entry read, 1 account claimed, its purge queued" after a sweep by hand', () => {
    const line = renderSweep({
      dryRun: false,
      at: at(0),
      read: 1,
      claimed: 1,
      complete: true,
      noticesEnqueued: 1,
    });
    expect(line.split('\n').slice(0, 2)).toEqual([
      `Sweep at ${at(0)}: 1 due-index entry read, 1 account claimed, its purge queued.`,
      '1 due notice queued for the notice sender, which sends each that still applies (a reminder past its date does not go; the deletion receipt goes as each purge ends).',
    ]);
  });

  it('does not promise purges or mail a sweep did not start', () => {
    const text = renderSweep({
      dryRun: false,
      at: at(0),
      read: 0,
      claimed: 0,
      complete: true,
      noticesEnqueued: 0,
    });
    expect(text.split('\n')[0]).toBe(`Sweep at ${at(0)}: 0 due-index entries read, 0 accounts claimed.`);
    expect(text).toContain('0 due notices queued');
    expect(
      renderSweep({
        dryRun: false,
        at: at(0),
        read: 3,
        claimed: 2,
        complete: true,
        noticesEnqueued: 0,
      }).split('\n')[0],
    ).toBe(`Sweep at ${at(0)}: 3 due-index entries read, 2 accounts claimed, their purges queued.`);
  });
});

describe('the DLQ', () => {
  const url = 'http://127.0.0.1:4566/000000000000/lethe-purge-dlq';

  it('names a queue by the last part of its URL', () => {
    expect(queueName(url)).toBe('lethe-purge-dlq');
    expect(queueName('https://sqs.eu-west-1.amazonaws.com/123456789012/LetheStateless-PurgeDlq1A2B')).toBe(
      'LetheStateless-PurgeDlq1A2B',
    );
  });

  it('says an empty DLQ is empty', () => {
    expect(renderDlqList({ queue: 'purge', queueUrl: url, approximateCount: 0, messages: [] })).toBe(
      'lethe-purge-dlq is empty.',
    );
  });

  it('says when it shows only part of the queue, and shows a body that is not a job', () => {
    const text = renderDlqList({
      queue: 'purge',
      queueUrl: url,
      approximateCount: 40,
      messages: [{ messageId: 'm-1', body: 'garbage', receiveCount: 6, reason: 'not a purge job' }],
    });

    expect(text.split('\n')[0]).toBe('lethe-purge-dlq: showing 1 of about 40');
    expect(text).toContain('m-1         (not a purge job: "garbage")');
    expect(text).toMatch(/6 +not a purge job/);
    // Only an unreadable body: no redrive offered for it, but how to be rid of it
    expect(text).not.toContain('lethe dlq redrive');
    expect(text).toContain('1 message no worker can read stays in the DLQ on a redrive');
    expect(text.split('\n').at(-1)).toBe(
      'RECEIVES counts every receive, listings included: each lethe dlq list adds one.',
    );
  });

  it('names a notice job by its kind, and how to redrive the notice DLQ', () => {
    const text = renderDlqList({
      queue: 'notices',
      queueUrl: url.replace('purge', 'notices'),
      approximateCount: 1,
      messages: [{ messageId: 'm-2', notice: 'reminder-P7D', receiveCount: 5 }],
    });

    expect(text).toContain('m-2         notice reminder-P7D');
    expect(text.split('\n').at(-2)).toBe(
      'Move the job back to the notice queue with: lethe dlq redrive --queue notices',
    );
    expect(text).not.toContain('no worker can read');
  });

  it('reports an unreadable message that a redrive left in the DLQ, and how to be rid of it', () => {
    const to = url.replace('-dlq', '');
    expect(renderRedrive({ queue: 'purge', from: url, to, moved: 2, failed: 0, unreadable: 1 })).toBe(
      [
        'Moved 2 messages from lethe-purge-dlq to lethe-purge.',
        "1 message stays in lethe-purge-dlq: not a purge job its worker can read, it would come straight back. 'lethe dlq list' shows its body; once you know where it came from, delete it with SQS DeleteMessage (the console, in AWS).",
      ].join('\n'),
    );
  });

  it('reports a redrive, and what it left behind', () => {
    const to = url.replace('-dlq', '');

    expect(renderRedrive({ queue: 'purge', from: url, to, moved: 0, failed: 0 })).toBe(
      'lethe-purge-dlq is empty: nothing to move.',
    );
    expect(renderRedrive({ queue: 'purge', from: url, to, moved: 0, failed: 0, inFlight: 1 })).toBe(
      'Nothing moved: lethe-purge-dlq holds 1 message that another reader (a listing or a redrive) has out of sight for now; run this again in a minute.',
    );
    expect(renderRedrive({ queue: 'purge', from: url, to, moved: 12, failed: 1 })).toBe(
      'Moved 12 messages from lethe-purge-dlq to lethe-purge.\n1 message could not be sent and stays in lethe-purge-dlq.',
    );
  });
});
