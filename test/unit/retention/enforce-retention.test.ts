import { describe, expect, it } from 'vitest';
import type { CategoryRun, RetentionTask } from '../../../functions/core/retention.ts';
import { retentionTasks } from '../../../functions/core/retention.ts';
import { enforceRetention } from '../../../functions/retention/enforce-retention.ts';
import type { Candidate, ExpirySource } from '../../../functions/retention/ports.ts';
import { config } from '../../../lethe.config.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-01T00:00:00Z');

/** A store as a list of items with owner and time; pages of `limit`, cursor = offset. */
class FakeSource implements ExpirySource {
  deleted: Candidate[] = [];
  reads = 0;
  constructor(private readonly items: Candidate[]) {}
  parts() {
    return 1;
  }
  async page(_t: RetentionTask, _p: number, cutoffMs: number, cursor: string | undefined, limit: number) {
    // Like ExclusiveStartKey: carries on after the last entry read, whatever was deleted since.
    const from = cursor === undefined ? 0 : Number(cursor) + 1;
    const candidates: Candidate[] = [];
    let last = from - 1;
    for (let i = from; i < this.items.length && candidates.length < limit; i += 1) {
      const c = this.items[i] as Candidate;
      last = i;
      if ((c.timeMs ?? 0) < cutoffMs && !this.deleted.includes(c)) candidates.push(c);
    }
    this.reads += candidates.length;
    const more = last + 1 < this.items.length;
    return { candidates, read: candidates.length, ...(more && { cursor: String(last) }) };
  }
  async remove(_t: RetentionTask, candidates: readonly Candidate[]) {
    this.deleted.push(...candidates);
    return candidates.length;
  }
}

const sessionsOnly = retentionTasks(config.dataMap).filter((t) => t.rule.category === 'sessions');
const item = (accountId: string, ageDays: number): Candidate => ({
  accountId,
  timeMs: NOW - ageDays * DAY,
  ref: {},
});

const run = async (source: FakeSource, held: string[] = [], remainingMs = () => 60_000) => {
  const recorded: CategoryRun[] = [];
  const runs = await enforceRetention(
    sessionsOnly,
    {
      dynamo: source,
      s3: new FakeSource([]),
      holds: { held: async (ids) => new Set(ids.filter((id) => held.includes(id))) },
      evidence: { record: async (r) => void recorded.push(...r) },
      now: () => new Date(NOW),
      remainingMs,
    },
    { maxLagMs: DAY, intervalMs: 15 * 60_000, reserveMs: 1000, pageSize: 2 },
  );
  return { runs, recorded };
};

describe('enforceRetention', () => {
  it('deletes what is past window + max lag (less one interval), keeps the younger, records counts', async () => {
    // Arrange: sessions keep 30 days
    const old = [item('a', 45), item('b', 400), item('c', 31)];
    const young = [item('a', 3), item('b', 29), item('c', 30.9)];
    const source = new FakeSource([...old, ...young]);

    // Act
    const { runs, recorded } = await run(source);

    // Assert
    expect(source.deleted).toEqual(old);
    expect(runs).toEqual([{ category: 'sessions', read: 3, deleted: 3, held: 0, complete: true }]);
    expect(recorded).toEqual(runs);
  });

  it('keeps the items of a held account past their window (P4)', async () => {
    const source = new FakeSource([item('held', 90), item('free', 90)]);

    const { runs } = await run(source, ['held']);

    expect(source.deleted.map((c) => c.accountId)).toEqual(['free']);
    expect(runs[0]).toMatchObject({ deleted: 1, held: 1 });
  });

  it('does not delete an entry whose item time says it is younger (index not yet updated)', async () => {
    const stale: Candidate = { accountId: 'a', timeMs: NOW - DAY, ref: {} };
    const source: FakeSource = new FakeSource([]);
    source.page = async () => ({ candidates: [stale], read: 1 });

    const { runs } = await run(source);

    expect(source.deleted).toEqual([]);
    expect(runs[0]).toMatchObject({ read: 1, deleted: 0 });
  });

  it('stops when its time budget runs low and says the category is incomplete', async () => {
    const source = new FakeSource([item('a', 90), item('b', 90), item('c', 90)]);
    let calls = 0;

    const { runs } = await run(source, [], () => (calls++ < 1 ? 60_000 : 0));

    expect(runs[0]).toMatchObject({ deleted: 2, complete: false });
  });
});
