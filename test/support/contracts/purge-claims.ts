/**
 * The contract of the purge state (PurgeClaims and DueIndex): one suite, run
 * against the in-memory fake the use-case tests lean on and against the
 * DynamoDB adapter on the stand-in, so the fake cannot drift from the
 * conditions the real writes carry (I1, I2, one run at a time, versioned
 * checkpoints).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dueShardOf } from '../../../functions/core/lifecycle.ts';
import { type Receipt, startPurge } from '../../../functions/core/purge.ts';
import type { DueIndex, PurgeClaims } from '../../../functions/enforcement/ports.ts';

export interface ClaimsHarness {
  readonly state: PurgeClaims & DueIndex;
  /** A DEACTIVATED record as a deactivation writes it: due at `purgeAfter`, in the due index unless held. */
  deactivated(accountId: string, purgeAfter: string, options?: { legalHold?: boolean }): Promise<void>;
  /** The account's audit events as written, in any order. */
  trail(accountId: string): Promise<readonly { readonly kind: string; readonly target?: string }[]>;
}

const NOW = '2027-01-01T00:00:00.000Z';
const LATER = '2027-01-01T00:20:00.000Z';
const LEASE = '2027-01-01T00:15:00.000Z';
const PAST = '2026-12-01T00:00:00.000Z';
const FUTURE = '2027-02-01T00:00:00.000Z';

const receiptFor = (subject: string): Receipt => ({
  subject,
  startedAt: NOW,
  finishedAt: NOW,
  goneFromBackupsBy: FUTURE,
  targets: [{ name: 'content', kind: 'dynamodb-partition', deleted: 3 }],
});

/** Ids of one due shard, so one page of the index sees them all. */
const idsInOneShard = (prefix: string, n: number): string[] => {
  const ids: string[] = [];
  const shard = dueShardOf(`${prefix}-0`);
  for (let i = 0; ids.length < n; i += 1) {
    if (dueShardOf(`${prefix}-${i}`) === shard) ids.push(`${prefix}-${i}`);
  }
  return ids;
};

export const purgeClaimsContract = (name: string, harness: () => Promise<ClaimsHarness> | ClaimsHarness) => {
  const id = (label: string) => `${label}-${randomUUID()}`;

  describe(`${name}: the purge state contract`, () => {
    it('claims a due, unheld, deactivated account once, until its lease runs out', async () => {
      // Arrange
      const { state, deactivated } = await harness();
      const a = id('due');
      await deactivated(a, PAST);

      // Act
      const first = await state.claim(a, NOW, LEASE, startPurge(NOW));
      const again = await state.claim(a, NOW, LEASE, startPurge(NOW));
      const afterLease = await state.claim(a, LATER, LATER, startPurge(LATER));

      // Assert
      expect([first, again, afterLease]).toEqual([true, false, true]);
    });

    it('refuses an account that is not due yet, is held, or is unknown', async () => {
      const { state, deactivated } = await harness();
      const early = id('early');
      const held = id('held');
      await deactivated(early, FUTURE);
      await deactivated(held, PAST, { legalHold: true });

      expect(await state.claim(early, NOW, LEASE, startPurge(NOW))).toBe(false);
      expect(await state.claim(held, NOW, LEASE, startPurge(NOW))).toBe(false);
      expect(await state.claim(id('unknown'), NOW, LEASE, startPurge(NOW))).toBe(false);
    });

    it('lets one run at a time start, and the next start once the first lets go', async () => {
      // Arrange
      const { state, deactivated } = await harness();
      const a = id('run');
      await deactivated(a, PAST);
      const unclaimed = id('unclaimed');
      await deactivated(unclaimed, PAST);
      await state.claim(a, NOW, LEASE, startPurge(NOW));

      // Act
      const first = await state.start(a, 'run-1', NOW, LEASE);
      const second = await state.start(a, 'run-2', NOW, LEASE);
      await state.release(a, 'run-1');
      const third = await state.start(a, 'run-2', NOW, LEASE);

      // Assert
      expect(first).toEqual({ progress: startPurge(NOW), version: 0 });
      expect(second).toBe('busy');
      expect(third).toEqual({ progress: startPurge(NOW), version: 0 });
      expect(await state.start(unclaimed, 'run-3', NOW, LEASE)).toBeUndefined();
      expect(await state.start(id('unknown'), 'run-4', NOW, LEASE)).toBeUndefined();
    });

    it('lets a run whose time ran out be taken over', async () => {
      const { state, deactivated } = await harness();
      const a = id('stale-run');
      await deactivated(a, PAST);
      await state.claim(a, NOW, LEASE, startPurge(NOW));
      await state.start(a, 'run-1', NOW, NOW);

      expect(await state.start(a, 'run-2', LATER, LEASE)).toEqual({ progress: startPurge(NOW), version: 0 });
    });

    it('saves progress only for the run holding the account, from the version it read', async () => {
      // Arrange
      const { state, deactivated } = await harness();
      const a = id('save');
      await deactivated(a, PAST);
      await state.claim(a, NOW, LEASE, startPurge(NOW));
      const saved = await state.start(a, 'run-1', NOW, LEASE);
      if (typeof saved !== 'object') throw new Error('the run did not start');
      const next = { ...saved.progress, counts: { content: 3 } };

      // Act
      const byOther = await state.saveProgress(a, 'run-2', saved, next, LEASE);
      const first = await state.saveProgress(a, 'run-1', saved, next, LEASE);
      const stale = await state.saveProgress(a, 'run-1', saved, next, LEASE);
      const withEvent = await state.saveProgress(
        a,
        'run-1',
        { progress: next, version: 1 },
        { ...next, target: 1 },
        LEASE,
        [state.event(a, NOW, 'target-done', { target: 'content', count: 3 })],
      );
      await state.release(a, 'run-1');

      // Assert
      expect([byOther, first, stale, withEvent]).toEqual([false, true, false, true]);
      expect(await state.start(a, 'run-3', NOW, LEASE)).toEqual({
        progress: { ...next, target: 1 },
        version: 2,
      });
    });

    it('completes once, from the latest version; the account is then no longer purging', async () => {
      // Arrange
      const { state, deactivated } = await harness();
      const a = id('complete');
      await deactivated(a, PAST);
      await state.claim(a, NOW, LEASE, startPurge(NOW));
      const saved = await state.start(a, 'run-1', NOW, LEASE);
      if (typeof saved !== 'object') throw new Error('the run did not start');
      await state.saveProgress(a, 'run-1', saved, saved.progress, LEASE);
      const receipt = receiptFor(state.event(a, NOW, 'purged').subject);

      // Act
      const stale = await state.complete(a, 'run-1', saved, receipt);
      const byOther = await state.complete(a, 'run-2', { ...saved, version: 1 }, receipt);
      const done = await state.complete(a, 'run-1', { ...saved, version: 1 }, receipt);

      // Assert
      expect([stale, byOther, done]).toEqual([false, false, true]);
      expect(await state.start(a, 'run-3', LATER, LEASE)).toBeUndefined();
      expect(await state.claim(a, LATER, LEASE, startPurge(LATER))).toBe(false);
    });

    it('writes every audit event given with a save or the completion, with it and only if it applies', async () => {
      // Arrange
      const { state, deactivated, trail } = await harness();
      const a = id('events');
      await deactivated(a, PAST);
      await state.claim(a, NOW, LEASE, startPurge(NOW));
      const saved = await state.start(a, 'run-1', NOW, LEASE);
      if (typeof saved !== 'object') throw new Error('the run did not start');
      const done = (target: string) => state.event(a, NOW, 'target-done', { target, count: 0 });

      // Act: two stores done in one save, a refused save, then one more with the completion
      const saveTwo = await state.saveProgress(a, 'run-1', saved, { ...saved.progress, target: 2 }, LEASE, [
        done('content'),
        done('uploads'),
      ]);
      const refused = await state.saveProgress(a, 'run-1', saved, saved.progress, LEASE, [done('refused')]);
      const completed = await state.complete(
        a,
        'run-1',
        { progress: { ...saved.progress, target: 2 }, version: 1 },
        receiptFor(state.event(a, NOW, 'purged').subject),
        [done('exports')],
      );

      // Assert
      expect([saveTwo, refused, completed]).toEqual([true, false, true]);
      const written = await trail(a);
      expect(
        written
          .filter((e) => e.kind === 'target-done')
          .map((e) => e.target)
          .sort(),
      ).toEqual(['content', 'exports', 'uploads']);
      expect(written.filter((e) => e.kind === 'purged')).toHaveLength(1);
    });

    it('lists the due, unheld accounts of a shard, oldest first, a page at a time', async () => {
      // Arrange
      const { state, deactivated } = await harness();
      const [newer, older, held, early] = idsInOneShard(id('shard'), 4) as [string, string, string, string];
      await deactivated(newer, '2026-12-02T00:00:00.000Z');
      await deactivated(older, '2026-12-01T00:00:00.000Z');
      await deactivated(held, PAST, { legalHold: true });
      await deactivated(early, FUTURE);
      const shard = dueShardOf(newer);
      const ours = new Set([newer, older, held, early]);

      // Act: pages of one, through the whole shard (other tests' accounts may share it)
      const listed: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await state.page(shard, NOW, cursor, 1);
        expect(page.items.length).toBeLessThanOrEqual(1);
        listed.push(...page.items.map((item) => item.accountId));
        cursor = page.cursor;
      } while (cursor);

      // Assert
      expect(listed.filter((a) => ours.has(a))).toEqual([older, newer]);
    });
  });
};
