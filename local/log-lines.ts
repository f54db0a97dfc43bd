/**
 * The handlers' Powertools JSON log lines, read in `npm start`'s terminal as
 * the rest of its log is: one friendly line each ("warning: Unreadable message
 * moved to the DLQ at once (reason not a purge job, …)"), not raw JSON. The
 * lines carry no personal data to begin with (I7); this only changes their look.
 */
import { maskId } from '../functions/core/account-id.ts';
import { isDemoAccountId } from './demo-ids.ts';

/**
 * How local mode's own lines name an account: a demo account by its demo id, so the log can be followed
 * ("purge demo-0004: purged"), any other by its masked id, never the id itself (I7).
 */
export const accountName = (accountId: string): string =>
  isDemoAccountId(accountId) ? accountId : maskId(accountId);

/** Fields every Powertools line has: the terminal already knows them, or they are noise there. */
const STANDARD = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
]);

const LEVELS: Readonly<Record<string, string>> = {
  WARN: 'warning',
  ERROR: 'error',
  CRITICAL: 'error',
  INFO: 'info',
  DEBUG: 'debug',
  TRACE: 'trace',
};

const fieldText = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const error = value as { name?: unknown; message?: unknown } | null;
  if (error && typeof error.name === 'string' && typeof error.message === 'string') {
    return `${error.name}: ${error.message}`;
  }
  return JSON.stringify(value);
};

/** One Powertools JSON line as "warning: <message> (<field> <value>, …)"; undefined for anything else. */
export const friendlyLogLine = (line: string): string | undefined => {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  const { level, message } = (entry ?? {}) as { level?: unknown; message?: unknown };
  if (typeof level !== 'string' || typeof message !== 'string') return undefined;
  const fields = Object.entries(entry as Record<string, unknown>)
    .filter(([key]) => !STANDARD.has(key))
    .map(([key, value]) => `${key} ${fieldText(value)}`);
  return `${LEVELS[level] ?? level.toLowerCase()}: ${message}${fields.length > 0 ? ` (${fields.join(', ')})` : ''}`;
};

/** From now on, Powertools lines written to `stream` come out friendly and indented like the log around them. */
export const friendlyHandlerLogs = (stream: NodeJS.WritableStream, indent = '  '): void => {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString() : undefined;
    if (text === undefined || !text.startsWith('{"level"')) return write(chunk, ...rest);
    const lines = text
      .split('\n')
      .filter(Boolean)
      .map((line) => `${indent}${friendlyLogLine(line) ?? line}\n`);
    return write(lines.join(''), ...rest);
  }) as typeof stream.write;
};
