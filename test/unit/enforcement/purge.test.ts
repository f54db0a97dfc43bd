import { beforeEach, describe, expect, it } from 'vitest';
import { purgeOrder, startPurge } from '../../../functions/core/purge.ts';
import { purgeAccount } from '../../../functions/enforcement/purge.ts';
import { config } from '../../../lethe.config.ts';
import { FakeAccountsState, FakeQueue, FakeStores } from '../../support/fake-enforcement.ts';

const NOW = new Date('2027-01-01T00:00:00.000Z');
const options = { reserveMs: 1000, leaseMs: 900_000, backupWindowMs: 35 * 86_400_000 };
const map = config.dataMap;

describe('purgeAccount', () => {
  let state: FakeAccountsState;
  let stores: FakeStores;
  let queue: FakeQueue;
  let remaining: () => number;
  const deps = () => ({
    map,
    claims: state,
    purger: stores,
    processors: { requestDeletion: async () => undefined },
    queue,
    now: () => NOW,
    remainingMs: () => remaining(),
  });
  const claimed = (id: string) =>
    state.records.set(id, {
      accountId: id,
      status: 'PURGING',
      progress: startPurge(NOW.toISOString()),
      version: 0,
    });

  beforeEach(() => {
    state = new FakeAccountsState();
    stores = new FakeStores(10);
    queue = new FakeQueue();
    remaining = () => 60_000;
  });

  it('empties every store, profile last, and ends with a receipt of exact counts', async () => {
    // Arrange
    claimed('a');
    stores.seed(map, 'a', 25);

    // Act
    const { outcome } = await purgeAccount(deps(), 'a', options);

    // Assert
    expect(outcome).toBe('purged');
    expect([...stores.items.values()].every((items) => items.length === 0)).toBe(true);
    const receipt = state.receipts.get('a');
    expect(receipt?.targets.map((t) => [t.name, t.deleted])).toEqual(
      // Processors are asked, not emptied: their line counts nothing (P5).
      purgeOrder(map).map((s) => [s.name, s.kind === 'processor' ? 0 : 25]),
    );
    expect(receipt?.targets.at(-1)?.name).toBe(map.profile.store);
    expect(receipt?.goneFromBackupsBy).toBe('2027-02-05T00:00:00.000Z');
    expect(state.events.filter((e) => e.kind === 'target-done')).toHaveLength(map.stores.length);
  });

  it('does nothing for an account that is not being purged (duplicate after completion)', async () => {
    state.records.set('a', { accountId: 'a', status: 'PURGED' });
    expect(await purgeAccount(deps(), 'a', options)).toEqual({ outcome: 'not-purging', pages: 0 });
  });

  it('continues in a new message when the budget runs low, and finishes from the checkpoint', async () => {
    claimed('a');
    stores.seed(map, 'a', 100);
    let calls = 0;
    remaining = () => (calls++ % 6 < 5 ? 60_000 : 10);
    let continuations = 0;
    for (;;) {
      const { outcome } = await purgeAccount(deps(), 'a', options);
      if (outcome === 'purged') break;
      expect(outcome).toBe('continued');
      continuations += 1;
    }
    expect(continuations).toBeGreaterThan(3);
    expect(queue.sent).toHaveLength(continuations);
    const stored = state.receipts.get('a')?.targets.filter((t) => t.kind !== 'processor');
    expect(stored?.every((t) => t.deleted === 100)).toBe(true);
  });

  it('lets go of the account once per run: never after the purge, once before a continuation', async () => {
    // Arrange
    claimed('a');
    claimed('b');
    stores.seed(map, 'b', 100);
    let calls = 0;

    // Act
    const purged = await purgeAccount(deps(), 'a', options);
    const afterPurge = state.releases;
    remaining = () => (calls++ < 2 ? 60_000 : 10);
    const continued = await purgeAccount(deps(), 'b', options);

    // Assert
    expect([purged.outcome, afterPurge]).toEqual(['purged', 0]);
    expect([continued.outcome, state.releases]).toEqual(['continued', 1]);
    expect(state.records.get('b')?.runId).toBeUndefined();
  });

  it('resumes after a crash between pages with exact counts', async () => {
    claimed('a');
    stores.seed(map, 'a', 35);
    stores.crashOnPage = 3;
    await expect(purgeAccount(deps(), 'a', options)).rejects.toThrow('worker crashed');
    const { outcome } = await purgeAccount(deps(), 'a', options);
    expect(outcome).toBe('purged');
    const stored = state.receipts.get('a')?.targets.filter((t) => t.kind !== 'processor');
    expect(stored?.every((t) => t.deleted === 35)).toBe(true);
  });

  it("counts exactly after a crash between a page's delete and its checkpoint (the pending page settles)", async () => {
    // Arrange: the third page's items are deleted, then the worker dies before counting them
    claimed('a');
    stores.seed(map, 'a', 35);
    stores.crashAfterDeleteOnPage = 3;
    await expect(purgeAccount(deps(), 'a', options)).rejects.toThrow('worker crashed after its delete');
    const first = purgeOrder(map)[0]?.name ?? '';
    expect(state.records.get('a')?.progress?.pending).toEqual({
      store: first,
      keys: Array.from({ length: 10 }, (_, i) => `${first}-${20 + i}`),
    });

    // Act
    const { outcome } = await purgeAccount(deps(), 'a', options);

    // Assert: 35 in every store, not 25 in the one that crashed
    expect(outcome).toBe('purged');
    const stored = state.receipts.get('a')?.targets.filter((t) => t.kind !== 'processor');
    expect(stored?.map((t) => t.deleted)).toEqual(stored?.map(() => 35));
  });

  describe("a store's finishing checkpoint", () => {
    /** Every save's audit events (by store) and whether it also saved a page's keys as pending. */
    const recordWrites = () => {
      const writes: { events: string[]; pending: boolean }[] = [];
      const save = state.saveProgress.bind(state);
      state.saveProgress = async (accountId, runId, saved, next, leaseUntil, events = []) => {
        writes.push({ events: events.map((e) => e.target ?? ''), pending: next.pending !== undefined });
        return save(accountId, runId, saved, next, leaseUntil, events);
      };
      return writes;
    };
    const doneEvents = (target: string) =>
      state.events.filter((e) => e.kind === 'target-done' && e.target === target);
    const processors = new Set(map.stores.filter((s) => s.kind === 'processor').map((s) => s.name));

    it('is never a write of its own: each event rides on the next write, and every store has exactly one', async () => {
      // Arrange: this account has nothing in sessions, thumbnails or profiles (the last store)
      claimed('a');
      stores.seed(map, 'a', 5);
      for (const name of ['sessions', 'thumbnails', 'profiles']) stores.items.delete(`${name}/a`);
      const writes = recordWrites();

      // Act
      const { outcome } = await purgeAccount(deps(), 'a', options);

      // Assert: one event per store, counts of 0 for the empty ones
      expect(outcome).toBe('purged');
      for (const store of map.stores) expect(doneEvents(store.name)).toHaveLength(1);
      expect(['sessions', 'thumbnails', 'profiles'].map((name) => doneEvents(name)[0]?.count)).toEqual([
        0, 0, 0,
      ]);
      expect(doneEvents('content')[0]?.count).toBe(5);
      // ... each written with a page's pending keys or a processor's request, the last with the completion
      for (const write of writes.filter((w) => w.events.length > 0)) {
        expect(write.pending || write.events.some((name) => processors.has(name))).toBe(true);
      }
      expect(writes.filter((w) => w.events.includes('sessions'))).toEqual([
        { events: ['content', 'sessions'], pending: true },
      ]);
      expect(writes.some((w) => w.events.includes('profiles'))).toBe(false);
      expect(state.receipts.get('a')?.targets.find((t) => t.name === 'profiles')?.deleted).toBe(0);
    });

    it("counts exactly when the worker dies after a store's last delete, before the next write", async () => {
      // Arrange: each store done in one call (its last page says so); the worker dies on the second store's
      // page, before it saves anything: the first store's keys are still pending, its count never saved
      claimed('a');
      stores.seed(map, 'a', 5);
      stores.lastPageFinishes = true;
      stores.crashOnPage = 2;
      const [first] = purgeOrder(map);
      await expect(purgeAccount(deps(), 'a', options)).rejects.toThrow('worker crashed');
      expect(state.records.get('a')?.progress).toMatchObject({ target: 0, counts: {} });
      expect(state.records.get('a')?.progress?.pending?.keys).toHaveLength(5);

      // Act
      stores.crashOnPage = undefined;
      const { outcome } = await purgeAccount(deps(), 'a', options);

      // Assert: 5 in every store, the first counted once (settled from its pending keys), one event each
      expect(outcome).toBe('purged');
      const stored = state.receipts.get('a')?.targets.filter((t) => t.kind !== 'processor');
      expect(stored?.map((t) => t.deleted)).toEqual(stored?.map(() => 5));
      expect(doneEvents(first?.name ?? '')).toEqual([expect.objectContaining({ count: 5 })]);
    });

    it('is read again after a crash before the next write, and its event written once', async () => {
      // Arrange: sessions empty; the worker dies on the page after it (usage-events' first), before any write
      claimed('a');
      stores.seed(map, 'a', 5);
      stores.items.delete('sessions/a');
      stores.crashOnPage = 4; // content: 2 pages (5 items, then the empty read), sessions: 1, usage-events: the 4th
      await expect(purgeAccount(deps(), 'a', options)).rejects.toThrow('worker crashed');
      expect(doneEvents('sessions')).toEqual([]);

      // Act
      const { outcome } = await purgeAccount(deps(), 'a', options);

      // Assert
      expect(outcome).toBe('purged');
      expect(doneEvents('sessions')).toHaveLength(1);
      const stored = state.receipts.get('a')?.targets.filter((t) => t.kind !== 'processor');
      expect(stored?.map((t) => [t.name, t.deleted])).toEqual(
        stored?.map((t) => [t.name, t.name === 'sessions' ? 0 : 5]),
      );
    });
  });

  it('lets only one of two concurrent deliveries carry on (versioned checkpoints)', async () => {
    claimed('a');
    stores.seed(map, 'a', 30);
    const [one, two] = await Promise.all([
      purgeAccount(deps(), 'a', options),
      purgeAccount(deps(), 'a', options),
    ]);
    expect([one.outcome, two.outcome].sort()).toEqual(['purged', 'superseded']);
    expect(state.records.get('a')?.status).toBe('PURGED');
  });
});
