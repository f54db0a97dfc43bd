import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../cli/args.ts';
import type { RetentionReport } from '../../../cli/commands/retention.ts';
import { renderRetention } from '../../../cli/format.ts';

const report: RetentionReport = {
  maxLag: 'P1D',
  measured: true,
  categories: [
    {
      category: 'sessions',
      labels: { en: 'Sign-in sessions' },
      stores: ['sessions (table demo-sessions, lastSeenAt)'],
      window: 'P30D',
      basis: 'Legitimate interest | security',
      oldestAgeSeconds: 15 * 86_400,
      heldPastWindow: 2,
      withinDeadline: true,
    },
    {
      category: 'thumbnails',
      labels: { en: 'Thumbnails' },
      stores: ['thumbnails (s3://b/t/{accountId}/, LastModified)'],
      window: 'PT36H',
      oldestAgeSeconds: 3 * 86_400,
      heldPastWindow: 0,
      withinDeadline: false,
    },
    { category: 'logs', labels: { en: 'Logs' }, stores: ['log group /app'], window: 'P14D' },
  ],
};

describe('lethe retention', () => {
  it('parses, with --schedule reading nothing', () => {
    expect(parseArgs(['retention'])).toMatchObject({
      kind: 'command',
      command: { name: 'retention', measure: true },
    });
    expect(parseArgs(['retention', '--schedule', '--json'])).toMatchObject({
      command: { name: 'retention', measure: false },
      global: { json: true },
    });
  });

  it('renders a Markdown table with the oldest remaining item next to its window', () => {
    const lines = renderRetention(report).split('\n');

    expect(lines[0]).toBe('| Category | What | Stores | Kept for | Legal basis | Oldest remaining |');
    expect(lines[2]).toBe(
      '| sessions | Sign-in sessions | sessions (table demo-sessions, lastSeenAt) | 30 days (P30D) | ' +
        'Legitimate interest \\| security | 15.0 days (within P30D + P1D); 2 past window under legal hold |',
    );
    expect(lines[3]).toContain('| PT36H |');
    expect(lines[3]).toContain('3.0 days (PAST PT36H + P1D)');
    expect(lines[4]).toContain('not measured');
  });

  it('leaves the age column out when nothing was measured', () => {
    const header = renderRetention({ ...report, measured: false }).split('\n')[0];
    expect(header).toBe('| Category | What | Stores | Kept for | Legal basis |');
  });
});
