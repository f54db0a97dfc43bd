/**
 * A processor confirms it deleted an account (P5): the way back for the
 * signed deletion request the purge sent. The confirmation is signed with
 * the same per-processor secret; it settles the owed confirmation once, and
 * a repeat answers the first one's time (idempotent).
 */
import { isAccountId } from '../core/account-id.ts';
import { type ConfirmationRecord, SIGNATURE_TOLERANCE_MS } from '../core/confirmations.ts';
import type { DataMap } from '../core/data-map.ts';
import { invalidRequest, notFound, unauthorized } from '../core/errors.ts';
import { type Metrics, noMetrics } from '../core/metrics.ts';
import { verifySignature } from '../core/signature.ts';
import type { ConfirmationSettler } from './ports.ts';

export interface ConfirmDeletionDeps {
  readonly map: DataMap;
  /** The processor's signing secret (derived from the subject key, as for its deletion requests). */
  readonly secretOf: (processor: string) => string;
  /** The account's subject: confirmations are kept by subject, never by id (I6). */
  readonly subjectOf: (accountId: string) => string;
  readonly confirmations: ConfirmationSettler;
  readonly now: () => Date;
  readonly metrics?: Metrics;
}

/**
 * Settles an owed confirmation once, however the processor said so (its
 * signed POST, or "deleted" at its status URL), and counts the first only.
 * Undefined when nothing was owed.
 */
export const settleConfirmation = async (
  deps: { readonly confirmations: ConfirmationSettler; readonly metrics?: Metrics },
  subject: string,
  processor: string,
  at: string,
): Promise<ConfirmationRecord | undefined> => {
  const record = await deps.confirmations.confirm(subject, processor, at);
  if (record?.confirmedAt === at)
    (deps.metrics ?? noMetrics).record('processorConfirmations', 1, { processor });
  return record;
};

export interface ConfirmationRequest {
  readonly processor: string;
  readonly signature: string | undefined;
  /** The body exactly as sent: the signature covers these bytes. */
  readonly rawBody: string;
}

export interface ConfirmationView {
  readonly processor: string;
  readonly requestedAt: string;
  readonly deadline: string;
  readonly confirmedAt: string;
}

export const confirmDeletion = async (
  deps: ConfirmDeletionDeps,
  request: ConfirmationRequest,
): Promise<ConfirmationView> => {
  // 1. Only a processor the data map names; its secret checks the signature before the body is read.
  const processor = deps.map.stores.find((s) => s.kind === 'processor' && s.name === request.processor);
  if (!processor) throw notFound('No such processor.');
  const now = deps.now();
  if (
    !verifySignature(
      request.signature,
      deps.secretOf(processor.name),
      request.rawBody,
      now,
      SIGNATURE_TOLERANCE_MS,
    )
  ) {
    throw unauthorized('A valid x-lethe-signature is required.');
  }
  // 2. The body names the account the deletion request named.
  let accountId: unknown;
  try {
    accountId = (JSON.parse(request.rawBody) as { accountId?: unknown }).accountId;
  } catch {
    throw invalidRequest('The request body is not valid JSON.');
  }
  if (!isAccountId(accountId)) throw invalidRequest('accountId must be the id the deletion request named.');
  // 3. Settle the owed confirmation once; nothing owed is a 404.
  const at = now.toISOString();
  const record = await settleConfirmation(deps, deps.subjectOf(accountId), processor.name, at);
  if (!record?.confirmedAt) throw notFound('No deletion request to this processor is awaiting confirmation.');
  return {
    processor: processor.name,
    requestedAt: record.requestedAt,
    deadline: record.deadline,
    confirmedAt: record.confirmedAt,
  };
};
