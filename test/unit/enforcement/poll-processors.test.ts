import { beforeEach, describe, expect, it } from 'vitest';
import {
  isPollDue,
  MAX_POLL_INTERVAL_MS,
  nextPollAt,
  requestIdOf,
} from '../../../functions/core/confirmations.ts';
import type { DataMap, ProcessorStore } from '../../../functions/core/data-map.ts';
import type { Dimensions, MetricKey } from '../../../functions/core/metrics.ts';
import { pollProcessors } from '../../../functions/enforcement/poll-processors.ts';
import { FakeConfirmations } from '../../support/fake-enforcement.ts';

const MINUTE = 60_000;
const INTERVAL = 15 * MINUTE;
const REQUESTED = '2027-01-01T00:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(REQUESTED) + ms);

describe('the status URL poll schedule', () => {
  it('polls one sweep interval after the request, then 2, 4, 8 … intervals apart, at most a day', () => {
    // Act: the wait after each poll that found the request not done, polled when due
    const waits: number[] = [];
    let now = Date.parse(nextPollAt(REQUESTED, 0, INTERVAL, at(0)));
    for (let polls = 1; polls <= 10; polls += 1) {
      const next = Date.parse(nextPollAt(REQUESTED, polls, INTERVAL, new Date(now)));
      waits.push((next - now) / INTERVAL);
      now = next;
    }
    // Assert
    expect(Date.parse(nextPollAt(REQUESTED, 0, INTERVAL, at(5 * INTERVAL)))).toBe(
      Date.parse(REQUESTED) + INTERVAL,
    );
    expect(waits).toEqual([2, 4, 8, 16, 32, 64, 96, 96, 96, 96]);
    expect(96 * INTERVAL).toBe(MAX_POLL_INTERVAL_MS);
  });

  it('is due when its time has come, never once confirmed', () => {
    const pending = { requestedAt: REQUESTED, state: 'PENDING' as const };
    expect(isPollDue(pending, INTERVAL, at(INTERVAL - 1))).toBe(false);
    expect(isPollDue(pending, INTERVAL, at(INTERVAL))).toBe(true);
    expect(
      isPollDue(
        { ...pending, polls: 1, nextPollAt: at(3 * INTERVAL).toISOString() },
        INTERVAL,
        at(2 * INTERVAL),
      ),
    ).toBe(false);
    expect(isPollDue({ ...pending, state: 'CONFIRMED' }, INTERVAL, at(INTERVAL))).toBe(false);
  });

  it('names a request the same way every time, without the account id', () => {
    expect(requestIdOf('subject-1', 'helpdesk')).toBe(requestIdOf('subject-1', 'helpdesk'));
    expect(requestIdOf('subject-1', 'helpdesk')).not.toBe(requestIdOf('subject-1', 'newsletter'));
    expect(requestIdOf('subject-1', 'helpdesk')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('pollProcessors', () => {
  const helpdesk: ProcessorStore = {
    kind: 'processor',
    name: 'helpdesk',
    deletionUrl: 'https://helpdesk.example.com/deletions',
    statusUrl: 'https://helpdesk.example.com/status',
    deadline: 'P30D',
  };
  const newsletter: ProcessorStore = {
    kind: 'processor',
    name: 'newsletter',
    deletionUrl: 'https://newsletter.example.com/deletions',
    deadline: 'P30D',
  };
  const map = { profile: { store: 'profiles' }, stores: [newsletter, helpdesk] } as unknown as DataMap;
  let confirmations: FakeConfirmations;
  let answers: Map<string, 'deleted' | 'pending' | Error>;
  let asked: string[];
  let counted: { metric: MetricKey; dimensions?: Dimensions }[];
  const deps = (now: Date, remainingMs = 60_000) => ({
    map,
    polls: confirmations,
    status: {
      status: async (store: ProcessorStore, requestId: string) => {
        asked.push(`${store.name}:${requestId}`);
        const answer = answers.get(requestId) ?? 'pending';
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
    intervalMs: INTERVAL,
    now: () => now,
    remainingMs: () => remainingMs,
    reserveMs: 1000,
    metrics: {
      record: (metric: MetricKey, _v?: number, dimensions?: Dimensions) =>
        counted.push({ metric, dimensions }),
    },
  });

  beforeEach(async () => {
    // Arrange: two accounts' deletions owed by helpdesk (status URL) and one by newsletter (calls back)
    confirmations = new FakeConfirmations();
    answers = new Map();
    asked = [];
    counted = [];
    for (const [subject, processor] of [
      ['s1', 'helpdesk'],
      ['s2', 'helpdesk'],
      ['s1', 'newsletter'],
    ] as const) {
      await confirmations.expect({
        subject,
        processor,
        requestedAt: REQUESTED,
        deadline: at(30 * 86_400_000).toISOString(),
      });
    }
  });

  it('confirms what answers "deleted" as the signed confirmation does, and backs off the rest', async () => {
    // Arrange
    answers.set(requestIdOf('s1', 'helpdesk'), 'deleted');
    const now = at(INTERVAL);
    // Act
    const result = await pollProcessors(deps(now));
    // Assert: only helpdesk is asked, by request id
    expect(result).toEqual({ polled: 2, confirmed: 1, failed: 0 });
    expect(asked.sort()).toEqual(
      [`helpdesk:${requestIdOf('s1', 'helpdesk')}`, `helpdesk:${requestIdOf('s2', 'helpdesk')}`].sort(),
    );
    expect(confirmations.records.get('s1#helpdesk')).toMatchObject({
      state: 'CONFIRMED',
      confirmedAt: now.toISOString(),
    });
    expect(confirmations.records.get('s2#helpdesk')).toMatchObject({
      state: 'PENDING',
      polls: 1,
      nextPollAt: new Date(now.getTime() + 2 * INTERVAL).toISOString(),
    });
    expect(confirmations.records.get('s1#newsletter')?.state).toBe('PENDING');
    expect(counted.filter((c) => c.metric === 'processorConfirmations')).toEqual([
      { metric: 'processorConfirmations', dimensions: { processor: 'helpdesk' } },
    ]);
    expect(counted.filter((c) => c.metric === 'processorStatusPolls')).toHaveLength(2);
  });

  it('asks nothing before a poll is due, and counts an error as "not yet"', async () => {
    // Act: too early, then due with the processor failing
    const early = await pollProcessors(deps(at(INTERVAL - 1)));
    answers.set(requestIdOf('s1', 'helpdesk'), new Error('HTTP 503'));
    const due = await pollProcessors(deps(at(INTERVAL)));
    // Assert
    expect(early).toEqual({ polled: 0, confirmed: 0, failed: 0 });
    expect(due).toEqual({ polled: 2, confirmed: 0, failed: 1 });
    expect(confirmations.records.get('s1#helpdesk')).toMatchObject({ state: 'PENDING', polls: 1 });
  });

  it('starts no poll when the invocation is almost out of time', async () => {
    // Act
    const result = await pollProcessors(deps(at(INTERVAL), 500));
    // Assert
    expect(result).toEqual({ polled: 0, confirmed: 0, failed: 0 });
    expect(asked).toEqual([]);
  });
});
