/**
 * The account use cases behind the HTTP API. Each is a short primary course:
 * find the account, apply one conditional transition, answer the view.
 */

import type { ProfileReader } from '../core/data-map.ts';
import { notFound } from '../core/errors.ts';
import {
  type AccountRecord,
  type AccountView,
  type Actor,
  activeRecord,
  purgeAfterFor,
  refuseIfFinal,
  toView,
} from '../core/lifecycle.ts';
import { type MetricKey, type Metrics, noMetrics } from '../core/metrics.ts';
import { planNotices } from '../core/notices.ts';
import type { AccountRepository } from './ports.ts';

export interface AccountDeps {
  readonly accounts: AccountRepository;
  readonly profiles: ProfileReader;
  readonly gracePeriodMs: number;
  /** Reminder offsets before purgeAfter (LETHE_NOTICE_SCHEDULE); undefined plans no notices. */
  readonly noticeSchedule?: readonly string[];
  readonly now: () => Date;
  /** Counts each transition that changed the state; absent: nothing is counted. */
  readonly metrics?: Metrics;
}

export interface Result {
  readonly view: AccountView;
  /** True when this call changed the state (202 for a first deactivation). */
  readonly changed: boolean;
}

/** An account is known if Lethe has a record or the host app has a profile. */
/** Counts a transition that happened, by actor kind (never the account). */
const count = (deps: AccountDeps, metric: MetricKey, changed: boolean, actor: Actor) => {
  if (changed) (deps.metrics ?? noMetrics).record(metric, 1, { actor: actor.kind });
};

const findAccount = async (deps: AccountDeps, accountId: string): Promise<AccountRecord> => {
  const record = await deps.accounts.get(accountId);
  if (record) return record;
  if (await deps.profiles.get(accountId)) return activeRecord(accountId);
  throw notFound();
};

export const getAccount = async (
  deps: AccountDeps,
  accountId: string,
  operator: boolean,
): Promise<AccountView> => toView(await findAccount(deps, accountId), { operator });

export const deactivateAccount = async (
  deps: AccountDeps,
  input: { accountId: string; reason?: string; actor: Actor },
): Promise<Result> => {
  // 1. The account must exist; a final state is refused before any write.
  const found = await findAccount(deps, input.accountId);
  refuseIfFinal(found, 'deactivate');
  // 2. One conditional write decides; a concurrent restore or purge cannot interleave.
  //    The notices it plans are recorded in the same write, so none is lost or orphaned.
  const now = deps.now();
  const deactivatedAt = now.toISOString();
  const purgeAfter = purgeAfterFor(now, deps.gracePeriodMs);
  const { record, changed } = await deps.accounts.deactivate(
    input.accountId,
    {
      deactivatedAt,
      purgeAfter,
      ...(input.reason !== undefined && { reason: input.reason }),
      ...(deps.noticeSchedule && { notices: planNotices(deactivatedAt, purgeAfter, deps.noticeSchedule) }),
    },
    now.toISOString(),
    input.actor,
    found,
  );
  // 3. The write's own answer says whether the state was final after all.
  refuseIfFinal(record, 'deactivate');
  count(deps, 'accountsDeactivated', changed, input.actor);
  return { view: toView(record, { operator: input.actor.kind === 'operator' }), changed };
};

export const restoreAccount = async (
  deps: AccountDeps,
  input: { accountId: string; actor: Actor; deactivatedAt?: string },
): Promise<Result> => {
  const found = await findAccount(deps, input.accountId);
  refuseIfFinal(found, 'restore');
  const { record, changed } = await deps.accounts.restore(
    input.accountId,
    deps.now().toISOString(),
    input.actor,
    input.deactivatedAt !== undefined ? { deactivatedAt: input.deactivatedAt } : undefined,
    found,
  );
  refuseIfFinal(record, 'restore');
  count(deps, 'accountsRestored', changed, input.actor);
  return { view: toView(record, { operator: input.actor.kind === 'operator' }), changed };
};

export const placeLegalHold = async (
  deps: AccountDeps,
  input: { accountId: string; reason: string; actor: Actor },
): Promise<Result> => {
  const found = await findAccount(deps, input.accountId);
  refuseIfFinal(found, 'place a legal hold');
  const now = deps.now().toISOString();
  const { record, changed } = await deps.accounts.placeHold(
    input.accountId,
    { reason: input.reason, placedAt: now },
    now,
    input.actor,
    found,
  );
  refuseIfFinal(record, 'place a legal hold');
  count(deps, 'legalHoldsPlaced', changed, input.actor);
  return { view: toView(record, { operator: true }), changed };
};

export const releaseLegalHold = async (
  deps: AccountDeps,
  input: { accountId: string; actor: Actor },
): Promise<Result> => {
  const found = await findAccount(deps, input.accountId);
  refuseIfFinal(found, 'release a legal hold');
  const { record, changed } = await deps.accounts.releaseHold(
    input.accountId,
    deps.now().toISOString(),
    input.actor,
    found,
  );
  refuseIfFinal(record, 'release a legal hold');
  count(deps, 'legalHoldsReleased', changed, input.actor);
  return { view: toView(record, { operator: true }), changed };
};
