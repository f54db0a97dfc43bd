/** The per-account commands: status, hold, release, receipt, audit. */
import { placeLegalHold, releaseLegalHold } from '../../functions/accounts/use-cases.ts';
import { toRecord } from '../../functions/adapters/dynamo-accounts.ts';
import { profileStore } from '../../functions/core/data-map.ts';
import { LetheError } from '../../functions/core/errors.ts';
import { type AccountRecord, type Actor, activeRecord, isDue } from '../../functions/core/lifecycle.ts';
import { CliError } from '../errors.ts';
import type { Services } from '../services.ts';
import {
  type AuditReport,
  auditReport,
  type HoldReport,
  type ReceiptReport,
  receiptReport,
  type StatusReport,
  statusReport,
} from '../views.ts';

const noSuchAccount = (services: Services, accountId: string) =>
  new CliError(
    `no such account: ${accountId} has no lifecycle record, no purge tombstone and no profile in store "${profileStore(services.map).name}"`,
  );

export const status = async (services: Services, accountId: string, now: Date): Promise<StatusReport> => {
  const accounts = await services.accounts();
  // The raw item: only it carries a purge's progress and lease.
  const item = await accounts.getItem(accountId);
  let record: AccountRecord | undefined = item ? toRecord(item) : await accounts.get(accountId);
  if (!record && (await services.profiles.get(accountId))) record = activeRecord(accountId);
  if (!record) throw noSuchAccount(services, accountId);
  return statusReport(record, item, services.map, now);
};

/** The use cases' domain errors, as the one line the operator reads. */
const explain = (services: Services, accountId: string, error: unknown): unknown => {
  if (!(error instanceof LetheError)) return error;
  if (error.code === 'not_found') return noSuchAccount(services, accountId);
  return new CliError(`${accountId}: ${error.message}`);
};

export const hold = async (
  services: Services,
  input: { accountId: string; reason: string; actor: Actor },
  now: Date,
): Promise<HoldReport> => {
  const deps = await services.accountDeps(() => now);
  try {
    const { view, changed } = await placeLegalHold(deps, input);
    return { action: 'hold', changed, account: view };
  } catch (error) {
    throw explain(services, input.accountId, error);
  }
};

export const release = async (
  services: Services,
  input: { accountId: string; actor: Actor },
  now: Date,
): Promise<HoldReport> => {
  const deps = await services.accountDeps(() => now);
  try {
    const { view, changed } = await releaseLegalHold(deps, input);
    return {
      action: 'release',
      changed,
      account: view,
      ...(view.status === 'DEACTIVATED' && { due: isDue(view, now) }),
    };
  } catch (error) {
    throw explain(services, input.accountId, error);
  }
};

export const receipt = async (
  services: Services,
  accountId: string,
  now: Date = new Date(),
): Promise<ReceiptReport> => {
  const found = await (await services.auditLog()).receipt(accountId);
  if (!found) {
    // An id Lethe has never seen is not "not purged yet": say there is no such account.
    const known =
      (await (await services.accounts()).get(accountId)) ?? (await services.profiles.get(accountId));
    if (!known) throw noSuchAccount(services, accountId);
    throw new CliError(
      `no deletion receipt for ${accountId}: it has not been purged (lethe status ${accountId} shows its state)`,
    );
  }
  // Each processor's line: confirmed, still within its deadline, or overdue (P5).
  const confirmations = await services.confirmations();
  const lines = await Promise.all(
    found.targets
      .filter((t) => t.kind === 'processor')
      .map(async (t) => [t.name, await confirmations.get(found.subject, t.name)] as const),
  );
  return receiptReport(accountId, found, new Map(lines), now);
};

export const audit = async (services: Services, accountId: string): Promise<AuditReport> => {
  const log = await services.auditLog();
  return auditReport(accountId, log.subjectOf(accountId), await log.trail(accountId));
};
