/**
 * The dead-letter queues of the purge, notice and export queues: peek at one,
 * and move its messages back to its queue. The redrive is receive → send →
 * delete, ten at a time, rather than SQS's StartMessageMoveTask, which the
 * local stand-in does not speak.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { REASON_ATTRIBUTE } from '../../functions/adapters/sqs-dead-letters.ts';
import { maskId as logId } from '../../functions/core/account-id.ts';
import { exportJobOfBody, purgeJobOfBody } from '../../functions/core/jobs.ts';
import { noticeKeyOfBody } from '../../functions/core/notices.ts';
import type { DlqQueue } from '../args.ts';
import { CliError } from '../errors.ts';
import { plural, queueName } from '../format.ts';
import { createProgress, type ErrorStream } from '../progress.ts';
import type { Services } from '../services.ts';
import type { ResourceName } from '../target.ts';
import type { DlqListReport, DlqMessage, RedriveReport } from '../views.ts';

/** How long a peeked message stays hidden if the CLI dies before making it visible again. */
const PEEK_VISIBILITY_SECONDS = 30;
/**
 * What a message's visibility is cut to once the CLI is done with it: visible again a second later.
 * Not 0: the local SQS stand-in (fauxqs 2.4.x, with a data directory) handles a change to 0 by writing
 * NULL into a NOT NULL column after it has already taken the message out of flight, so the message is
 * lost until a restart and the SDK's retry gets ReceiptHandleIsInvalid. Any other value takes a path that
 * keeps it; on SQS one second and zero differ only by that second.
 */
export const RELEASE_VISIBILITY_SECONDS = 1;
/** How long a message being moved stays hidden: ample for one send and one delete. */
const MOVE_VISIBILITY_SECONDS = 60;
/** Long polling asks every SQS server, so an empty answer means an empty queue; short polling samples. */
const WAIT_SECONDS = 1;
const BATCH = 10;

const epochToIso = (value: string | undefined) =>
  value !== undefined && /^\d+$/.test(value) ? new Date(Number(value)).toISOString() : undefined;

/** Each DLQ, the queue a redrive moves its messages back to, and what an error calls them. */
const DLQS: Record<
  DlqQueue,
  { readonly dlq: ResourceName; readonly queue: ResourceName; readonly what: string }
> = {
  purge: { dlq: 'purgeDlqUrl', queue: 'purgeQueueUrl', what: 'purge' },
  notices: { dlq: 'noticeDlqUrl', queue: 'noticeQueueUrl', what: 'notice' },
  export: { dlq: 'exportDlqUrl', queue: 'exportQueueUrl', what: 'export' },
};

/** What a job was for, read as its worker reads it: the account (and export), or the notice's kind. */
const jobOf = (
  queue: DlqQueue,
  body: string,
): Pick<DlqMessage, 'accountId' | 'logId' | 'exportId' | 'notice'> | undefined => {
  switch (queue) {
    case 'purge': {
      const job = purgeJobOfBody(body);
      return job && { accountId: job.accountId, logId: logId(job.accountId) };
    }
    case 'export': {
      const job = exportJobOfBody(body);
      return job && { accountId: job.accountId, logId: logId(job.accountId), exportId: job.exportId };
    }
    case 'notices': {
      // A notice's key names the subject (an HMAC of the id), never the account: the kind is what helps.
      const key = noticeKeyOfBody(body);
      return key === undefined ? undefined : { notice: key.slice(key.lastIndexOf('#') + 1) };
    }
  }
};

/** A DLQ message as an operator reads it: what the job was for, when and how often it failed, and why. */
export const dlqMessage = (message: Message, queue: DlqQueue = 'purge'): DlqMessage => {
  const job = jobOf(queue, message.Body ?? '');
  const attributes = message.Attributes ?? {};
  const sentAt = epochToIso(attributes.SentTimestamp);
  const firstReceivedAt = epochToIso(attributes.ApproximateFirstReceiveTimestamp);
  const receives = attributes.ApproximateReceiveCount;
  const reason = message.MessageAttributes?.[REASON_ATTRIBUTE]?.StringValue;
  return {
    messageId: message.MessageId ?? '',
    ...(job ?? { body: message.Body ?? '' }),
    ...(sentAt && { sentAt }),
    ...(firstReceivedAt && { firstReceivedAt }),
    ...(receives !== undefined && { receiveCount: Number(receives) }),
    ...(reason && { reason }),
  };
};

const missingQueue = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'QueueDoesNotExist' || /NonExistentQueue|does not exist/.test(error.message));

/** The queue's approximate visible count; a clear error when it does not exist. */
export const queueMustExist = async (services: Services, url: string, what: string): Promise<number> => {
  try {
    const { Attributes } = await services.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  } catch (error) {
    if (!missingQueue(error)) throw error;
    throw new CliError(
      services.target.kind === 'local'
        ? `the ${what} ${queueName(url)} does not exist in the local SQS stand-in (${url}): is this Lethe version's \`npm start\` running?`
        : `the ${what} ${url} does not exist: is the stack deployed in this region?`,
    );
  }
};

const inFlightCount = async (services: Services, url: string): Promise<number> => {
  const { Attributes } = await services.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
};

const receive = (services: Services, url: string, max: number, visibility: number) =>
  services.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: Math.min(BATCH, max),
      VisibilityTimeout: visibility,
      WaitTimeSeconds: WAIT_SECONDS,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );

const handlesOf = (messages: readonly Message[]) =>
  messages.flatMap((m) => (m.ReceiptHandle ? [m.ReceiptHandle] : []));

/** Makes messages visible again within a second. Returns how many SQS did not take back. */
const release = async (services: Services, url: string, handles: readonly string[]): Promise<number> => {
  let failed = 0;
  for (let i = 0; i < handles.length; i += BATCH) {
    const { Failed } = await services.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: handles.slice(i, i + BATCH).map((ReceiptHandle, n) => ({
          Id: String(n),
          ReceiptHandle,
          VisibilityTimeout: RELEASE_VISIBILITY_SECONDS,
        })),
      }),
    );
    failed += Failed?.length ?? 0;
  }
  return failed;
};

export const listDlq = async (
  services: Services,
  queue: DlqQueue,
  max: number,
  stderr: ErrorStream,
): Promise<DlqListReport> => {
  const url = await services.target.resource(DLQS[queue].dlq);
  const approximateCount = await queueMustExist(services, url, `${DLQS[queue].what} DLQ`);
  // Receiving hides each message for a while, so the next receive returns others; then all are shown again.
  const seen = new Map<string, Message>();
  const handles = new Map<string, string>();
  const progress = createProgress(stderr, 'Reading the DLQ', Math.min(max, approximateCount));
  try {
    while (seen.size < max) {
      const { Messages = [] } = await receive(services, url, max - seen.size, PEEK_VISIBILITY_SECONDS);
      let fresh = 0;
      for (const message of Messages) {
        const id = message.MessageId ?? '';
        // The latest receipt handle is the one SQS honours.
        if (message.ReceiptHandle) handles.set(id, message.ReceiptHandle);
        if (!seen.has(id)) {
          seen.set(id, message);
          fresh += 1;
        }
      }
      progress.tick(fresh);
      // Empty, or only messages already seen (their peek ran out): the whole queue has been read.
      if (fresh === 0) break;
    }
  } finally {
    progress.done();
    const stuck = await release(services, url, [...handles.values()]);
    if (stuck > 0) {
      stderr.write(
        `lethe: ${plural(stuck, 'message')} could not be made visible again; they reappear within ${PEEK_VISIBILITY_SECONDS} s\n`,
      );
    }
  }
  const messages = [...seen.values()]
    .map((message) => dlqMessage(message, queue))
    .sort((a, b) => (a.sentAt ?? '').localeCompare(b.sentAt ?? ''));
  // Nothing visible, yet the DLQ holds messages: another reader (a listing, a redrive) has them out of sight.
  const inFlight = messages.length === 0 ? await inFlightCount(services, url) : 0;
  return { queue, queueUrl: url, approximateCount, messages, ...(inFlight > 0 && { inFlight }) };
};

export const redriveDlq = async (
  services: Services,
  queue: DlqQueue,
  max: number | undefined,
  stderr: ErrorStream,
): Promise<RedriveReport> => {
  const { dlq, queue: back, what } = DLQS[queue];
  const [from, to] = await Promise.all([services.target.resource(dlq), services.target.resource(back)]);
  const approximate = await queueMustExist(services, from, `${what} DLQ`);
  await queueMustExist(services, to, `${what} queue`);
  const limit = max ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  let failed = 0;
  let notDeleted = 0;
  // A message whose send failed is shown again at once; it is not tried twice in one run.
  const refused = new Set<string>();
  // A body its worker cannot read would be sent straight back to the DLQ (a loop): it stays, and is reported.
  const unreadable = new Set<string>();
  const readable = (m: Message) => jobOf(queue, m.Body ?? '') !== undefined;
  const progress = createProgress(stderr, 'Moving messages', Math.min(limit, approximate));
  try {
    while (moved + failed < limit) {
      const { Messages = [] } = await receive(
        services,
        from,
        limit - moved - failed,
        MOVE_VISIBILITY_SECONDS,
      );
      for (const m of Messages) if (!readable(m)) unreadable.add(m.MessageId ?? '');
      const left = (m: Message) => refused.has(m.MessageId ?? '') || unreadable.has(m.MessageId ?? '');
      const batch = Messages.filter((m) => !left(m));
      await release(services, from, handlesOf(Messages.filter(left)));
      if (batch.length === 0) break;
      // 1. Send the batch to its queue, as it was: the same body and message attributes.
      const { Failed = [] } = await services.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: to,
          Entries: batch.map((m, n) => ({
            Id: String(n),
            MessageBody: m.Body ?? '',
            ...(m.MessageAttributes && { MessageAttributes: m.MessageAttributes }),
          })),
        }),
      );
      const failedIds = new Set(Failed.map((f) => f.Id));
      const sent = batch.filter((_, n) => !failedIds.has(String(n)));
      const unsent = batch.filter((_, n) => failedIds.has(String(n)));
      // 2. Delete from the DLQ only what the queue now holds.
      if (sent.length > 0) {
        const deleted = await services.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: from,
            Entries: sent.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
        notDeleted += deleted.Failed?.length ?? 0;
      }
      // 3. What could not be sent stays in the DLQ, visible again a second later.
      for (const m of unsent) refused.add(m.MessageId ?? '');
      await release(services, from, handlesOf(unsent));
      moved += sent.length;
      failed += unsent.length;
      progress.tick(batch.length);
    }
  } finally {
    progress.done();
  }
  if (notDeleted > 0) {
    stderr.write(
      `lethe: ${plural(notDeleted, 'moved message')} could not be deleted from the DLQ and will be delivered twice (purge jobs are idempotent, notices go at most once)\n`,
    );
  }
  // Nothing visible to move, yet the DLQ holds messages: a listing or another redrive has them in flight.
  const inFlight = moved + failed + unreadable.size === 0 ? await inFlightCount(services, from) : 0;
  return {
    queue,
    from,
    to,
    moved,
    failed,
    ...(unreadable.size > 0 && { unreadable: unreadable.size }),
    ...(inFlight > 0 && { inFlight }),
  };
};
