/** Events EventBridge refused for good, kept whole on an SQS queue (its depth alarms) for an operator to redrive. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetters } from '../events/ports.ts';

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
