import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { maskId } from '../../../functions/core/account-id.ts';
import { accountName, friendlyHandlerLogs, friendlyLogLine } from '../../../local/log-lines.ts';

/** A line as the purge worker's Powertools logger writes it for an unreadable job (the walk saw it raw). */
const unreadable = JSON.stringify({
  level: 'WARN',
  message: 'Unreadable message moved to the DLQ at once',
  timestamp: '2026-11-30T23:50:01.123Z',
  service: 'lethe',
  sampling_rate: 0,
  xray_trace_id: '1-abc',
  cold_start: false,
  function_name: 'purge-worker',
  function_request_id: 'r-1',
  messageId: 'm-1',
  reason: 'not a purge job',
});

describe("handler log lines in npm start's terminal", () => {
  it('reads a Powertools warning as one friendly line: level, message and its own fields only', () => {
    expect(friendlyLogLine(unreadable)).toBe(
      'warning: Unreadable message moved to the DLQ at once (messageId m-1, reason not a purge job)',
    );
  });

  it('names an error by its name and message', () => {
    const line = JSON.stringify({
      level: 'ERROR',
      message: 'Send failed',
      error: { name: 'Throttling', message: 'slow down', stack: '…' },
    });
    expect(friendlyLogLine(line)).toBe('error: Send failed (error Throttling: slow down)');
  });

  it('leaves what is not a log line alone', () => {
    expect(friendlyLogLine('Lethe is running')).toBeUndefined();
    expect(friendlyLogLine('{"not":"a log line"}')).toBeUndefined();
  });

  it('turns every JSON line written to the stream friendly, and passes the rest through as written', async () => {
    // Arrange
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    friendlyHandlerLogs(stream);

    // Act: the app's own line, then two handler lines in one write
    stream.write('  purge acct_1: purged\n');
    stream.write(`${unreadable}\n${unreadable}\n`);
    await new Promise((resolve) => setImmediate(resolve));

    // Assert
    expect(chunks.join('').split('\n')).toEqual([
      '  purge acct_1: purged',
      '  warning: Unreadable message moved to the DLQ at once (messageId m-1, reason not a purge job)',
      '  warning: Unreadable message moved to the DLQ at once (messageId m-1, reason not a purge job)',
      '',
    ]);
  });
});

describe("how local mode's lines name an account", () => {
  it('names a demo account by its made-up id, so purge, event and notice lines can be followed', () => {
    expect(accountName('demo-0004')).toBe('demo-0004');
  });

  it('masks any other id, even one that starts like a demo id (I7)', () => {
    for (const id of ['user-42', 'demo-0004x', 'ademo-0004', 'demo-12']) {
      expect(accountName(id)).toBe(maskId(id));
      expect(accountName(id)).not.toContain(id);
    }
  });
});
