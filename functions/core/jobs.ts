/**
 * The bodies of Lethe's purge and export queue messages, read strictly:
 * undefined for anything that is not one. A body that does not read now never
 * will, so the workers send it to the DLQ at once rather than retry it.
 */
import { isAccountId } from './account-id.ts';
import { isExportId } from './export.ts';

/** Where unreadable messages go: the DLQ of the queue they came from, with the reason beside the body. */
export interface JobDeadLetters {
  send(body: string, reason: string): Promise<void>;
}

const fieldsOf = (body: string): Record<string, unknown> | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
};

/** A purge job: the account to purge (or to purge further). */
export const purgeJobOfBody = (body: string): { accountId: string } | undefined => {
  const accountId = fieldsOf(body)?.accountId;
  return isAccountId(accountId) ? { accountId } : undefined;
};

/** An export job: the account and the export record it fills. */
export const exportJobOfBody = (body: string): { accountId: string; exportId: string } | undefined => {
  const fields = fieldsOf(body);
  const { accountId, exportId } = fields ?? {};
  return isAccountId(accountId) && isExportId(exportId) ? { accountId, exportId } : undefined;
};
