/**
 * Retention (P9) end to end, with the real retention sweeper against the
 * stand-ins and the demo data map: accounts seeded with items of mixed ages
 * (some far past their window), one of them under legal hold. After one run:
 * no item is older than its window + max lag, every younger item is still
 * there, and the held account keeps everything (P4). Counted before and after.
 */
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import type { RetentionReport } from '../../cli/commands/retention.ts';
import { retentionSubject } from '../../functions/core/audit.ts';
import { parseDuration } from '../../functions/core/duration.ts';
import { auditTable } from '../../functions/core/resources.ts';
import { retentionTasks } from '../../functions/core/retention.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { batchWrite, demoItems, demoUploads, putUploads } from '../../local/seed.ts';
import { runLethe } from '../support/cli.ts';
import { type Held, retentionInventory } from '../support/retention-inventory.ts';
import { handlerLogs, map, s3 } from './enforcement-support.ts';
import { call, doc, tokenFor } from './support.ts';

const portOf = (url: string | undefined) => new URL(url ?? '').port;
/** `npx lethe retention --json` against these stand-ins. */
const schedule = async (): Promise<RetentionReport> => {
  const env = {
    LETHE_DYNAMODB_PORT: portOf(inject('dynamodbEndpoint')),
    LETHE_SQS_S3_PORT: portOf(inject('s3Endpoint')),
    LETHE_SES_PORT: portOf(inject('handlerEnvironment').AWS_ENDPOINT_URL_SESV2),
  };
  const { code, json } = await runLethe(['retention', '--json'], env, { keyDir: dirname(inject('keyFile')) });
  expect(code).toBe(0);
  return json<RetentionReport>();
};

const tasks = retentionTasks(map);
const maxLagMs = parseDuration(process.env.LETHE_RETENTION_MAX_LAG ?? 'P1D');
const { handler } = await import('../../functions/workers/retention-sweeper.ts');

const inventory = (now: number) => retentionInventory({ doc, s3 }, tasks, now);

const seed = async (accountId: string) => {
  for (const [table, items] of demoItems(map, accountId, 0)) await batchWrite(doc, table, items);
  await putUploads(s3, demoUploads(map, accountId));
};

describe('retention: one run of the retention sweeper', () => {
  it('leaves nothing older than window + max lag, keeps every younger item, and keeps what a hold covers', async () => {
    // Arrange: two accounts and a held one, each with items of mixed ages in every category's stores
    const run = randomUUID().slice(0, 8);
    const [first, second, held] = [`ret-a-${run}`, `ret-b-${run}`, `ret-held-${run}`];
    for (const id of [first, second, held]) await seed(id);
    const operator = await tokenFor('ops', { admin: true });
    const hold = await call(`/v1/accounts/${held}/legal-hold`, {
      method: 'PUT',
      token: operator,
      body: JSON.stringify({ reason: 'Case 2026-7' }),
    });
    expect(hold.status).toBe(200);
    const before = await inventory(Date.now());
    const mine = (items: Held[], id: string) => items.filter((i) => i.accountId === id);
    const young = (items: Held[]) => items.filter((i) => i.ageMs < i.windowMs);
    const late = (items: Held[]) => items.filter((i) => i.ageMs > i.windowMs + maxLagMs);
    for (const id of [first, second, held]) {
      for (const task of tasks) {
        const here = mine(before, id).filter((i) => i.store === task.store.name);
        expect(late(here).length, `${task.store.name} seeded past its window`).toBeGreaterThan(0);
        expect(young(here).length, `${task.store.name} seeded inside its window`).toBeGreaterThan(0);
      }
    }

    const shownBefore = await schedule();

    // Act: one run, as the schedule invokes it
    const result = await handler({} as never, lambdaContext('retention', 5 * 60_000));
    const after = await inventory(Date.now());
    const shownAfter = await schedule();

    // Assert: no unheld item is older than its window + max lag, anywhere in the demo stores
    expect(late(after).filter((i) => i.accountId !== held)).toEqual([]);
    // every younger item is still there
    for (const id of [first, second]) {
      const kept = new Set(mine(after, id).map((i) => i.id));
      expect(young(mine(before, id)).filter((i) => !kept.has(i.id))).toEqual([]);
      expect(mine(after, id)).toHaveLength(young(mine(before, id)).length);
    }
    // the held account keeps all of its items, past their window or not (P4)
    expect(
      mine(after, held)
        .map((i) => i.id)
        .sort(),
    ).toEqual(
      mine(before, held)
        .map((i) => i.id)
        .sort(),
    );
    // `lethe retention` showed items past the deadline before, none after, and the held ones apart
    const stored = (r: RetentionReport) => r.categories.filter((c) => c.oldestAgeSeconds !== undefined);
    expect(stored(shownBefore).length).toBe(new Set(tasks.map((t) => t.rule.category)).size);
    for (const c of stored(shownBefore)) expect(c.withinDeadline, c.category).toBe(false);
    for (const c of stored(shownAfter)) {
      expect(c.withinDeadline, c.category).toBe(true);
      expect(c.heldPastWindow, c.category).toBeGreaterThan(0);
    }
    // every category ran to the end and counted the hold
    expect(result.runs.map((r) => r.category).sort()).toEqual(
      [...new Set(tasks.map((t) => t.rule.category))].sort(),
    );
    for (const r of result.runs) {
      expect(r.complete).toBe(true);
      expect(r.held).toBeGreaterThanOrEqual(
        late(mine(before, held)).filter((i) => i.category === r.category).length,
      );
    }
  });

  it('records each run per category in the audit trail and logs, with counts and no account id', async () => {
    // Arrange
    const at = Date.now();
    const accountId = `ret-audit-${randomUUID().slice(0, 8)}`;
    await seed(accountId);

    // Act
    await handler({} as never, lambdaContext('retention', 5 * 60_000));

    // Assert
    for (const category of new Set(tasks.map((t) => t.rule.category))) {
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: auditTable.localName,
          KeyConditionExpression: 'subject = :s AND sk > :since',
          ExpressionAttributeValues: {
            ':s': retentionSubject(category),
            ':since': `EVENT#${new Date(at).toISOString()}`,
          },
        }),
      );
      expect(Items.length, category).toBeGreaterThan(0);
      expect(Items[0]).toMatchObject({ kind: 'retention-run', actor: 'system', target: category });
      expect(typeof Items[0]?.count).toBe('number');
      expect(JSON.stringify(Items)).not.toContain(accountId);
    }
    expect(handlerLogs.some((line) => line.includes('Retention run finished'))).toBe(true);
    expect(handlerLogs.filter((line) => line.includes(accountId))).toEqual([]);
  });
});
