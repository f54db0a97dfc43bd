import { describe, expect, it } from 'vitest';
import { parseDuration, parseDurationList } from '../../../functions/core/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['P30D', 30 * 86_400_000],
    ['PT20S', 20_000],
    ['P1DT12H', 36 * 3_600_000],
    ['PT1M', 60_000],
    ['P2W', 14 * 86_400_000],
    ['PT0.5S', 500],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '30D', 'P1M', 'P1Y', 'soon', 'P-1D'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/ISO-8601/);
  });

  it.each(['PT0S', 'P0D', 'PT0.0001S', 'P0W'])(
    'refuses the zero %j as zero, not as a bad duration',
    (text) => {
      expect(() => parseDuration(text)).toThrow(/must be longer than zero/);
    },
  );

  it('reads a comma-separated schedule', () => {
    expect(parseDurationList('P7D, P1D')).toEqual([7 * 86_400_000, 86_400_000]);
  });
});
