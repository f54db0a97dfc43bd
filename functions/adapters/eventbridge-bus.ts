/** The EventBridge bus: PutEvents, one result per entry (EventBridge answers each entry on its own). */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { BusEntry, BusResult, EventBus } from '../events/ports.ts';

/** Per-entry codes that mean "try again": everything else is a refusal of the entry itself. */
const RETRYABLE = new Set([
  'ThrottlingException',
  'InternalFailure',
  'InternalException',
  'ServiceUnavailable',
]);

export class EventBridgeBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async put(entries: readonly BusEntry[]): Promise<BusResult[]> {
    const { Entries = [] } = await this.client.send(
      new PutEventsCommand({
        Entries: entries.map((entry) => ({
          EventBusName: this.busName,
          Source: entry.source,
          DetailType: entry.detailType,
          Detail: entry.detail,
          Time: new Date(entry.time),
        })),
      }),
    );
    return entries.map((_, i) => {
      const result = Entries[i];
      if (result?.EventId && !result.ErrorCode) return { ok: true };
      const code = result?.ErrorCode ?? 'NoResult';
      return { ok: false, code, retryable: RETRYABLE.has(code) || code === 'NoResult' };
    });
  }
}
