/** The outbox every function that changes an account writes its lifecycle events to, wired at cold start. */
import { Outbox } from '../adapters/dynamo-outbox.ts';
import { outboxTable } from '../core/resources.ts';
import { requireEnv } from './env.ts';

export const outbox = new Outbox(requireEnv(outboxTable.env));
