/** Renders each command's report for people: aligned fields and tables, times with how far off they are. */

import { parseDuration } from '../functions/core/duration.ts';
import type { NoticeSent } from '../functions/core/lifecycle.ts';
import type { ListReport } from './commands/list.ts';
import type { RetentionReport } from './commands/retention.ts';
import type { VerifyReport } from './commands/verify.ts';
import type {
  AuditReport,
  DlqListReport,
  DryRunReport,
  HoldReport,
  ReceiptReport,
  RedriveReport,
  StatusReport,
  SweepReport,
} from './views.ts';

/** Columns padded to their widest cell; columns listed in `right` (numbers) align right. */
export const table = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
): string => {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (right.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
};

/** Label-value lines, labels padded to one width. */
export const fields = (pairs: readonly (readonly [string, string])[]): string => {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
};

const UNITS = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
] as const;

/** "1 notice", "2 notices": counts in correct English (the CLI's and local mode's lines); an irregular plural is given: plural(n, 'entry', 'entries'). */
export const plural = (n: number, unit: string, units = `${unit}s`) => `${n} ${n === 1 ? unit : units}`;

/** "in 3 days 2 hours", "25 minutes ago": two units while the first is under ten, else the nearest one. */
export const relative = (iso: string, now: Date): string => {
  const diff = Date.parse(iso) - now.getTime();
  if (Number.isNaN(diff)) return 'unknown time';
  const abs = Math.abs(diff);
  const index = UNITS.findIndex(([, ms]) => abs >= ms);
  const unit = UNITS[index];
  if (!unit) return 'now';
  const n = Math.floor(abs / unit[1]);
  // Ten and more of a unit: the nearest whole one (29 days 23 hours reads as 30 days).
  if (n >= 10) {
    const rounded = plural(Math.round(abs / unit[1]), unit[0]);
    return diff > 0 ? `in ${rounded}` : `${rounded} ago`;
  }
  let text = plural(n, unit[0]);
  const smaller = UNITS[index + 1];
  if (smaller) {
    const m = Math.floor((abs - n * unit[1]) / smaller[1]);
    if (m > 0) text += ` ${plural(m, smaller[0])}`;
  }
  return diff > 0 ? `in ${text}` : `${text} ago`;
};

export const when = (iso: string, now: Date) => `${iso} (${relative(iso, now)})`;

const nextStep = (r: StatusReport, now: Date): string | undefined => {
  switch (r.status) {
    case 'ACTIVE':
      return r.legalHold ? 'nothing scheduled; a legal hold is on' : 'nothing scheduled';
    case 'DEACTIVATED':
      if (r.legalHold) return 'not purged while the legal hold is on';
      if (r.due) return 'due: the next sweep claims it and starts the purge';
      return r.purgeAfter ? `purged ${relative(r.purgeAfter, now)} unless restored` : undefined;
    case 'PURGING':
      return r.purge?.leaseExpired
        ? 'its worker went quiet: the next sweep hands the purge to a new one'
        : 'a purge worker holds it until its lease ends';
    case 'PURGED':
      return undefined;
  }
};

/** A sent notice and what SES said of it afterwards: a bounce or complaint matters to an operator. */
const noticeLine = (n: NoticeSent): string => {
  const feedback = n.bouncedAt
    ? ` (bounced${n.bounceType ? `, ${n.bounceType}` : ''})`
    : n.complainedAt
      ? ' (complained)'
      : '';
  return `${n.kind} ${n.sentAt}${feedback}`;
};

export const renderStatus = (r: StatusReport, now: Date): string => {
  const pairs: [string, string][] = [['Account', r.accountId]];
  if (r.status === 'PURGED') {
    pairs.push(['Status', 'PURGED']);
    if (r.purgedAt) pairs.push(['Purged', when(r.purgedAt, now)]);
    pairs.push(['Receipt', `lethe receipt ${r.accountId}`]);
    return fields(pairs);
  }
  pairs.push(['Status', r.recorded ? r.status : `${r.status} (no lifecycle record: never deactivated)`]);
  if (r.deactivatedAt) pairs.push(['Deactivated', when(r.deactivatedAt, now)]);
  if (r.purgeAfter) pairs.push(['Purge after', when(r.purgeAfter, now)]);
  if (r.reason !== undefined) pairs.push(['Reason', r.reason]);
  pairs.push([
    'Legal hold',
    r.legalHold ? `on since ${when(r.legalHold.placedAt, now)}: ${r.legalHold.reason}` : 'none',
  ]);
  const notices = r.notices ?? [];
  pairs.push(['Notices', notices.length === 0 ? 'none sent' : notices.map(noticeLine).join(', ')]);
  if (r.noticeSuppression) {
    pairs.push([
      'Suppressed',
      `no more notices: the address ${r.noticeSuppression.reason} ${r.noticeSuppression.at}`,
    ]);
  }
  if (r.purge) {
    pairs.push(['Purge started', when(r.purge.startedAt, now)]);
    if (r.purge.leaseUntil) {
      pairs.push(['Lease', `${r.purge.leaseExpired ? 'expired' : 'until'} ${when(r.purge.leaseUntil, now)}`]);
    }
  }
  const next = nextStep(r, now);
  if (next) pairs.push(['Next', next]);
  const text = fields(pairs);
  if (!r.purge) return text;
  const processors = r.purge.targets.some((t) => t.requestedAt);
  const targets = table(
    ['TARGET', 'KIND', 'STATE', 'DELETED', ...(processors ? ['REQUESTED', 'DEADLINE'] : [])],
    r.purge.targets.map((t) => [
      t.name,
      t.kind,
      t.state,
      String(t.deleted),
      ...(processors ? [t.requestedAt ?? '', t.deadline ?? ''] : []),
    ]),
    [3],
  );
  return `${text}\n\n${targets}`;
};

export const renderHold = (r: HoldReport, now: Date): string => {
  const { account } = r;
  const lines: string[] = [];
  if (r.action === 'hold') {
    lines.push(
      r.changed
        ? `Legal hold placed on ${account.accountId}: it is not purged until the hold is released.`
        : `${account.accountId} was not changed.`,
    );
  } else if (!r.changed) {
    lines.push(`${account.accountId} has no legal hold: nothing changed.`);
  } else {
    lines.push(`Legal hold released on ${account.accountId}.`);
    if (r.due) lines.push('It is due: the next sweep claims it and starts the purge.');
  }
  const pairs: [string, string][] = [['Status', account.status]];
  if (account.purgeAfter) pairs.push(['Purge after', when(account.purgeAfter, now)]);
  pairs.push([
    'Legal hold',
    account.legalHold
      ? `on since ${when(account.legalHold.placedAt, now)}: ${account.legalHold.reason}`
      : 'none',
  ]);
  return `${lines.join('\n')}\n\n${fields(pairs)}`;
};

export const renderAudit = (r: AuditReport): string => {
  const head = `Audit trail of ${r.accountId} (subject ${r.subject})`;
  if (r.events.length === 0) return `${head}\n\nNo events recorded.`;
  const rows = r.events.map((e) => [
    e.at,
    e.kind,
    e.actorId === undefined ? e.actor : `${e.actor} ${e.actorId}`,
    e.target ?? '',
    e.count === undefined ? '' : String(e.count),
    e.reason ?? '',
  ]);
  return `${head}\n\n${table(['AT', 'EVENT', 'ACTOR', 'TARGET', 'COUNT', 'REASON'], rows, [4])}\n\n${plural(r.events.length, 'event')}.`;
};

export const renderReceipt = (r: ReceiptReport, now: Date): string => {
  const { receipt } = r;
  const head = fields([
    ['Account', r.accountId],
    ['Subject', receipt.subject],
    ['Purge started', receipt.startedAt],
    ['Finished', when(receipt.finishedAt, now)],
    ['Gone from backups by', when(receipt.goneFromBackupsBy, now)],
    ['Items deleted', String(r.totalDeleted)],
  ]);
  const processors = receipt.targets.some((t) => t.requestedAt);
  const targets = table(
    ['TARGET', 'KIND', 'DELETED', ...(processors ? ['REQUESTED', 'DEADLINE', 'CONFIRMED'] : [])],
    receipt.targets.map((t) => [
      t.name,
      t.kind,
      t.kind === 'processor' ? 'asked' : String(t.deleted),
      ...(processors
        ? [
            t.requestedAt ?? '',
            t.deadline ?? '',
            t.confirmation === 'confirmed' ? (t.confirmedAt ?? 'confirmed') : (t.confirmation ?? ''),
          ]
        : []),
    ]),
    [2],
  );
  const { sla } = receipt;
  const slaLine = sla
    ? `\n\nDeletion SLA: ${sla.met ? 'met' : 'MISSED'} (due by ${sla.dueBy}, purgeAfter ${sla.purgeAfter}; ` +
      `outer bound ${sla.outerBound}${sla.withinOuterBound ? '' : ', MISSED'})`
    : '';
  return `Deletion receipt\n\n${head}\n\n${targets}${slaLine}`;
};

const WHY = { due: 'due', stalled: 'stalled purge' } as const;

export const renderDryRun = (r: DryRunReport, now: Date): string => {
  const out: string[] = [
    `Sweep dry run at ${r.at}: ${plural(r.read, 'due-index entry', 'due-index entries')} read, ` +
      `${r.claimable.length} would be claimed.`,
  ];
  if (r.claimable.length > 0) {
    const storeCell = (n: number | null | undefined) => (n === null ? 'asked' : String(n ?? 0));
    const rows = r.claimable.map((c) => [
      c.accountId,
      `${c.purgeAfter} (${relative(c.purgeAfter, now)})`,
      WHY[c.why],
      ...r.stores.map((s) => storeCell(c.counts[s.name])),
      String(c.total),
    ]);
    const totals = [
      'total',
      '',
      '',
      ...r.stores.map((s) => (s.kind === 'processor' ? '' : String(r.totals[s.name] ?? 0))),
      String(r.claimable.reduce((sum, c) => sum + c.total, 0)),
    ];
    const numeric = [...r.stores.map((_, i) => i + 3), r.stores.length + 3];
    out.push(
      '',
      table(
        ['ACCOUNT', 'PURGE AFTER', 'WHY', ...r.stores.map((s) => s.name.toUpperCase()), 'ITEMS'],
        [...rows, totals],
        numeric,
      ),
    );
  }
  if (r.notClaimable.length > 0) {
    out.push(
      '',
      'In the due index but not claimable now:',
      table(
        ['ACCOUNT', 'PURGE AFTER', 'STATE'],
        r.notClaimable.map((s) => [s.accountId, s.purgeAfter, s.state]),
      ),
    );
  }
  out.push('', 'Dry run: nothing was changed.');
  return out.join('\n');
};

export const renderSweep = (r: SweepReport): string =>
  [
    `Sweep at ${r.at}: ${plural(r.read, 'due-index entry', 'due-index entries')} read, ${plural(r.claimed, 'account')} claimed${r.claimed === 0 ? '.' : `, ${r.claimed === 1 ? 'its purge' : 'their purges'} queued.`}`,
    `${plural(r.noticesEnqueued, 'due notice')} queued for the notice sender, which sends each that still applies (a reminder past its date does not go; the deletion receipt goes as each purge ends).`,
    ...(r.complete ? [] : ['It stopped before the end of the index; the next sweep continues.']),
  ].join('\n');

export const queueName = (url: string) => url.split('/').filter(Boolean).at(-1) ?? url;

/** How the DLQ lines name a queue's jobs ("notice", "purge", "export") and the option that picks its DLQ. */
const jobWord = (queue: string) => (queue === 'notices' ? 'notice' : queue);
const queueOption = (queue: string) => (queue === 'purge' ? '' : ` --queue ${queue}`);

/** The words for one message or several: "it stays", "they stay". */
const messageWords = (n: number) =>
  n === 1
    ? { they: 'it', them: 'it', stay: 'stays', bodies: 'its body' }
    : { they: 'they', them: 'them', stay: 'stay', bodies: 'their bodies' };

export const renderDlqList = (r: DlqListReport): string => {
  const name = queueName(r.queueUrl);
  if (r.messages.length === 0) {
    return r.inFlight
      ? `${name} shows nothing now, but holds ${plural(r.inFlight, 'message')} that another reader (a listing or a redrive) has out of sight; run this again in a minute.`
      : `${name} is empty.`;
  }
  const rows = r.messages.map((m) => [
    m.messageId,
    m.accountId ??
      (m.notice
        ? `notice ${m.notice}`
        : `(not a ${r.queue} job: ${JSON.stringify((m.body ?? '').slice(0, 40))})`),
    m.logId ?? '',
    m.sentAt ?? '',
    m.firstReceivedAt ?? '',
    m.receiveCount === undefined ? '' : String(m.receiveCount),
    m.reason ?? '',
  ]);
  const shown =
    r.messages.length < r.approximateCount
      ? `showing ${r.messages.length} of about ${r.approximateCount}`
      : plural(r.messages.length, 'message');
  const jobs = r.messages.filter((m) => m.body === undefined).length;
  const unreadable = r.messages.length - jobs;
  const w = messageWords(unreadable);
  return [
    `${name}: ${shown}`,
    '',
    table(['MESSAGE ID', 'JOB', 'LOG ID', 'SENT', 'FIRST RECEIVED', 'RECEIVES', 'REASON'], rows, [5]),
    '',
    ...(jobs > 0
      ? [
          `Move ${jobs === 1 ? 'the job' : 'the jobs'} back to the ${jobWord(r.queue)} queue with: lethe dlq redrive${queueOption(r.queue)}`,
        ]
      : []),
    ...(unreadable > 0
      ? [
          `${plural(unreadable, 'message')} no worker can read ${w.stay} in the DLQ on a redrive (moved back, ${w.they} would return at once): find who sent ${w.them}, then delete ${w.them} with SQS DeleteMessage (the console, in AWS).`,
        ]
      : []),
    'RECEIVES counts every receive, listings included: each lethe dlq list adds one.',
  ].join('\n');
};

export const renderRedrive = (r: RedriveReport): string => {
  const from = queueName(r.from);
  const to = queueName(r.to);
  const w = messageWords(r.unreadable ?? 0);
  const unreadable = r.unreadable
    ? [
        `${plural(r.unreadable, 'message')} ${w.stay} in ${from}: not a ${jobWord(r.queue)} job its worker can read, ${w.they} would come straight back. 'lethe dlq list${queueOption(r.queue)}' shows ${w.bodies}; once you know where ${w.they} came from, delete ${w.them} with SQS DeleteMessage (the console, in AWS).`,
      ]
    : [];
  if (r.moved === 0 && r.failed === 0) {
    if (unreadable.length > 0) return [`Nothing moved.`, ...unreadable].join('\n');
    return r.inFlight
      ? `Nothing moved: ${from} holds ${plural(r.inFlight, 'message')} that another reader (a listing or a redrive) has out of sight for now; run this again in a minute.`
      : `${from} is empty: nothing to move.`;
  }
  const lines = [`Moved ${plural(r.moved, 'message')} from ${from} to ${to}.`, ...unreadable];
  if (r.failed > 0) {
    lines.push(
      `${plural(r.failed, 'message')} could not be sent and ${messageWords(r.failed).stay} in ${from}.`,
    );
  }
  return lines.join('\n');
};

export const renderList = (r: ListReport, now: Date): string => {
  const rows = r.accounts.map((a) => [
    a.accountId,
    a.status,
    a.purgeAfter ? when(a.purgeAfter, now) : '',
    a.legalHold ? `held: ${a.legalHold.reason}` : a.overdue ? `OVERDUE (SLA ${r.sla})` : '',
  ]);
  const body = rows.length === 0 ? 'No accounts.' : table(['ACCOUNT', 'STATE', 'PURGE AFTER', 'NOTE'], rows);
  const more = r.next ? `\n\nMore: lethe list … --cursor ${r.next}` : '';
  return `${body}\n\n${plural(r.accounts.length, 'account')} on this page.${more}`;
};

/** One line per check, then the verdict: what passed, what failed and what could not be checked here. */
export const renderVerify = (r: VerifyReport): string => {
  const rows = r.checks.map((c) => [c.status.toUpperCase(), c.check, c.subject, c.detail]);
  const where = r.target === 'local' ? 'local mode' : 'the deployed stacks';
  const verdict = r.passed ? 'OK' : 'FAILED';
  return [
    table(['RESULT', 'CHECK', 'WHAT', 'DETAIL'], rows),
    '',
    `${verdict}: ${r.counts.pass} passed, ${r.counts.fail} failed, ${r.counts.skip} skipped (${where}, config ${r.config})`,
  ].join('\n');
};

/** A duration for people: `31.2 days`, `5.0 hours`, `42 seconds`. */
const ageText = (seconds: number): string => {
  if (seconds >= 86_400) return `${(seconds / 86_400).toFixed(1)} days`;
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} hours`;
  if (seconds >= 60) return `${(seconds / 60).toFixed(1)} minutes`;
  return `${seconds} seconds`;
};

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** `30 days (P30D)`; a window that is not whole days stays as written. */
const windowText = (window: string): string => {
  const days = parseDuration(window) / 86_400_000;
  return Number.isInteger(days) ? `${days} day${days === 1 ? '' : 's'} (${window})` : window;
};

/** The retention schedule as a Markdown table: paste it into a privacy policy's retention section. */
export const renderRetention = (r: RetentionReport): string => {
  const headers = ['Category', 'What', 'Stores', 'Kept for', 'Legal basis'];
  if (r.measured) headers.push('Oldest remaining');
  const rows = r.categories.map((c) => {
    const row = [c.category, c.labels.en ?? '', c.stores.join('; '), windowText(c.window), c.basis ?? ''];
    if (r.measured) {
      const held = c.heldPastWindow ? `; ${c.heldPastWindow} past window under legal hold` : '';
      const age =
        c.oldestAgeSeconds === undefined
          ? 'not measured (log groups: CloudWatch expires them)'
          : c.oldestAgeSeconds === null
            ? 'none'
            : `${ageText(c.oldestAgeSeconds)} (${c.withinDeadline ? 'within' : 'PAST'} ${c.window} + ${r.maxLag})`;
      row.push(`${age}${held}`);
    }
    return row;
  });
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
};
