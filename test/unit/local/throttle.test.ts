import { describe, expect, it } from 'vitest';
import { tokenBucket } from '../../../local/throttle.ts';

describe('tokenBucket (the stage throttle, locally)', () => {
  it('lets a burst through, then refuses until the rate refills it', () => {
    // Arrange: 2 per second, burst 3, on a clock the test moves
    let now = 0;
    const admit = tokenBucket({ rateLimit: 2, burstLimit: 3 }, () => now);

    // Act and assert: the burst, then nothing
    expect([admit(), admit(), admit(), admit()]).toEqual([true, true, true, false]);
    // Half a second refills one token (2 per second)
    now = 500;
    expect([admit(), admit()]).toEqual([true, false]);
  });

  it('never holds more than the burst, however long it idles', () => {
    let now = 0;
    const admit = tokenBucket({ rateLimit: 10, burstLimit: 2 }, () => now);
    now = 60_000;
    expect([admit(), admit(), admit()]).toEqual([true, true, false]);
  });

  it('sustains the rate: 50 per second for 10 seconds, once the burst is spent', () => {
    let now = 0;
    const admit = tokenBucket({ rateLimit: 50, burstLimit: 100 }, () => now);
    for (let i = 0; i < 100; i += 1) admit();
    let admitted = 0;
    for (let ms = 0; ms < 10_000; ms += 5) {
      now = ms + 5;
      if (admit()) admitted += 1;
    }
    expect(admitted).toBe(500);
  });
});
