import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from '../../../local/settings.ts';

const refusal = (env: Record<string, string>): unknown => {
  try {
    readSettings(env);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('local settings', () => {
  it.each([
    ['LETHE_GRACE_PERIOD', 'PT0S'],
    ['LETHE_GRACE_PERIOD', 'P0D'],
    ['LETHE_SWEEP_INTERVAL', 'PT0S'],
    ['LETHE_NOTICE_SCHEDULE', 'P7D,PT0S'],
    ['LETHE_RETENTION_MAX_LAG', 'P0W'],
  ])('refuses %s=%s in the duration parser\'s words: "must be longer than zero"', (name, value) => {
    // Act
    const error = refusal({ [name]: value });

    // Assert: the variable is named, and the zero is called a zero, not "not an ISO-8601 duration"
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toMatch(new RegExp(`^${name}: ".*" must be longer than zero`));
    expect((error as Error).message).not.toContain('not an ISO-8601 duration');
  });

  it('says a value that is no duration at all is not one, naming the variable', () => {
    const error = refusal({ LETHE_GRACE_PERIOD: '30 days' });
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toMatch(/^LETHE_GRACE_PERIOD: "30 days" is not an ISO-8601 duration/);
  });

  it('takes well-formed durations as given', () => {
    const settings = readSettings({ LETHE_GRACE_PERIOD: 'PT3M', LETHE_NOTICE_SCHEDULE: 'PT2M,PT1M' });
    expect([settings.gracePeriod, settings.noticeSchedule]).toEqual(['PT3M', 'PT2M,PT1M']);
  });
});
