/**
 * Retention (P9) as `npm start` runs it: a local app of its own (stand-ins,
 * resources, seeded demo accounts), and one sweep of its enforcement loop,
 * which runs the retention sweeper after the sweeper as AWS runs both on the
 * same schedule (local/enforcement.ts). Counted before and after that one
 * sweep: nothing unheld older than window + max lag, every younger item
 * still there, and the account under legal hold keeps everything.
 *
 * Its own app, because a sweep reads the whole due index: in the shared one
 * it would claim the accounts of the file that sweeps there (enforcement).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDuration } from '../../functions/core/duration.ts';
import { retentionTasks } from '../../functions/core/retention.ts';
import { config } from '../../lethe.config.ts';
import { type LocalApp, startLocalApp } from '../../local/app.ts';
import { distinctFreePorts } from '../../local/free-port.ts';
import { readSettings } from '../../local/settings.ts';
import { runLethe } from '../support/cli.ts';
import { type Held, retentionInventory } from '../support/retention-inventory.ts';

const tasks = retentionTasks(config.dataMap);
let app: LocalApp;
let dir: string;
let ports: number[];
const lines: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lethe-sweep-retention-'));
  ports = await distinctFreePorts(4);
  const [dynamodb, ses, sqsS3, cognito] = ports.map(String);
  const settings = readSettings({
    PORT: '0',
    LETHE_DYNAMODB_PORT: dynamodb,
    LETHE_SES_PORT: ses,
    LETHE_SQS_S3_PORT: sqsS3,
    LETHE_COGNITO_PORT: cognito,
    LETHE_SEED_ACCOUNTS: '3',
  });
  // An hour between sweeps: the test runs the one sweep it counts around.
  app = await startLocalApp(settings, {
    keyDir: dir,
    quiet: true,
    events: false,
    enforcement: { sweepIntervalMs: 3_600_000 },
    onEnforcement: (line) => lines.push(line),
  });
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('npm start: one sweep enforces the retention schedule', () => {
  it('leaves nothing older than window + max lag, keeps every younger item, and keeps what a hold covers', async () => {
    // Arrange: the seeded demo accounts, one of them put under legal hold with the CLI
    const [held, ...others] = app.seeded;
    expect(others.length).toBeGreaterThan(0);
    const [dynamodb, ses, sqsS3, cognito] = ports.map(String);
    const env = {
      LETHE_DYNAMODB_PORT: dynamodb,
      LETHE_SES_PORT: ses,
      LETHE_SQS_S3_PORT: sqsS3,
      LETHE_COGNITO_PORT: cognito,
    };
    const hold = await runLethe(['hold', held!, '--reason', 'Case 2026-9'], env, { keyDir: dir });
    expect(hold.code, hold.stderr).toBe(0);
    const maxLagMs = parseDuration(app.environment.LETHE_RETENTION_MAX_LAG ?? 'P1D');
    const before = await retentionInventory(app.clients, tasks, Date.now());
    const mine = (items: Held[], id: string) => items.filter((i) => i.accountId === id);
    const young = (items: Held[]) => items.filter((i) => i.ageMs < i.windowMs);
    const late = (items: Held[]) => items.filter((i) => i.ageMs > i.windowMs + maxLagMs);
    for (const id of app.seeded) {
      for (const task of tasks) {
        const here = mine(before, id).filter((i) => i.store === task.store.name);
        expect(late(here).length, `${id} ${task.store.name} seeded past its window`).toBeGreaterThan(0);
        expect(young(here).length, `${id} ${task.store.name} seeded inside its window`).toBeGreaterThan(0);
      }
    }

    // Act: one sweep of the local enforcement loop, as its timer runs it
    const result = await app.sweepNow!();
    const after = await retentionInventory(app.clients, tasks, Date.now());

    // Assert: no unheld item older than its window + max lag
    expect(late(after).filter((i) => i.accountId !== held)).toEqual([]);
    // every younger item is still there, counted by key
    for (const id of others) {
      const kept = new Set(mine(after, id).map((i) => i.id));
      expect(young(mine(before, id)).filter((i) => !kept.has(i.id))).toEqual([]);
      expect(mine(after, id)).toHaveLength(young(mine(before, id)).length);
    }
    // the held account keeps everything (P4)
    expect(mine(after, held!).length).toBe(mine(before, held!).length);
    // the sweep ran retention to the end, per category, and said so in one line each
    const deleted = before.length - after.length;
    expect(deleted).toBe(others.reduce((sum, id) => sum + late(mine(before, id)).length, 0));
    expect(result.retention?.every((run) => run.complete)).toBe(true);
    expect(result.retention?.reduce((sum, run) => sum + run.deleted, 0)).toBe(deleted);
    for (const category of new Set(tasks.map((t) => t.rule.category))) {
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^retention ${category}: deleted \\d+ past their window, kept \\d+ under legal hold$`),
        ),
      );
    }
  });
});
