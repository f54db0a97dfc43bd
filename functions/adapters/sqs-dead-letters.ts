/**
 * Dead-letter queues Lethe writes to itself: events EventBridge refused for
 * good, and queue messages whose body can never be read. Either is kept whole
 * for an operator to inspect and redrive (each DLQ has a depth alarm).
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { JobDeadLetters } from '../core/jobs.ts';
import type { DeadLetters } from '../events/ports.ts';

/** The message attribute that says why a message was dead-lettered without its retries. */
export const REASON_ATTRIBUTE = 'reason';

export class SqsJobDeadLetters implements JobDeadLetters {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(body: string, reason: string): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        MessageAttributes: { [REASON_ATTRIBUTE]: { DataType: 'String', StringValue: reason } },
      }),
    );
  }
}

export class SqsDeadLetters implements DeadLetters {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(refused: Parameters<DeadLetters['send']>[0]): Promise<void> {
    for (let i = 0; i < refused.length; i += 10) {
      const chunk = refused.slice(i, i + 10);
      const { Failed = [] } = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map(({ entry, code }, j) => ({
            Id: String(j),
            MessageBody: JSON.stringify({ entry, code }),
          })),
        }),
      );
      if (Failed.length > 0) throw new Error(`${Failed.length} refused events could not be dead-lettered`);
    }
  }
}
