import { describe, expect, it } from 'vitest';
import { type DataMap, type RetentionRule, validateDataMap } from '../../../functions/core/data-map.ts';
import { config } from '../../../lethe.config.ts';

const sessions: RetentionRule = {
  category: 'sessions',
  labels: { en: 'Sessions' },
  window: 'P30D',
  stores: [{ store: 'sessions', timeAttribute: 'lastSeenAt' }],
};
const withRules = (...retention: RetentionRule[]): DataMap => ({ ...config.dataMap, retention });
/** The one line validation fails with. */
const failure = (map: DataMap): string => {
  try {
    validateDataMap(map);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('validation passed');
};

describe('retention rules in the data map', () => {
  it('accepts the demo schedule, and a map without rules', () => {
    expect(config.dataMap.retention?.length).toBeGreaterThan(0);
    expect(validateDataMap(config.dataMap)).toBe(config.dataMap);
    expect(validateDataMap(withRules())).toBeDefined();
  });

  it('refuses a DynamoDB store without a time attribute, in one line naming it', () => {
    const message = failure(withRules({ ...sessions, stores: [{ store: 'sessions' }] }));
    expect(message).toBe(
      'data map: retention category "sessions": DynamoDB store "sessions" needs a timeAttribute (the item\'s time)',
    );
  });

  it.each(['30 days', 'P1M', 'P0D', ''])('refuses the window %j in one line naming it', (window) => {
    const message = failure(withRules({ ...sessions, window }));
    expect(message).toMatch(
      /^data map: retention category "sessions": window ".*" is not a positive ISO-8601/,
    );
    expect(message).not.toContain('\n');
  });

  it('refuses a time attribute on S3, whose time is LastModified', () => {
    expect(failure(withRules({ ...sessions, stores: [{ store: 'uploads', timeAttribute: 'x' }] }))).toMatch(
      /LastModified/,
    );
  });

  it('refuses an unknown store, a category declared twice, a missing English label', () => {
    expect(failure(withRules({ ...sessions, stores: [{ store: 'nope', timeAttribute: 'x' }] }))).toMatch(
      /store "nope" is not in the data map/,
    );
    expect(failure(withRules(sessions, sessions))).toMatch(/declared twice/);
    expect(failure(withRules({ ...sessions, labels: { de: 'Sitzungen' } }))).toMatch(
      /labels must include "en"/,
    );
  });

  it('refuses ttl on an S3 store no lifecycle rule can cover alone, naming why in one line', () => {
    const thumbs = { category: 'thumbs', labels: { en: 'Thumbs' }, window: 'P7D', ttl: true };
    const rooted = {
      ...config.dataMap,
      stores: [
        ...config.dataMap.stores,
        { kind: 's3-prefix' as const, name: 'rooted', bucket: 'demo-thumbnails', prefix: '{accountId}/x/' },
      ],
    };
    expect(failure({ ...rooted, retention: [{ ...thumbs, stores: [{ store: 'rooted' }] }] })).toBe(
      'data map: retention category "thumbs": store "rooted" prefix starts with {accountId}, so no lifecycle rule can cover only it: drop ttl',
    );
    const neighbours = {
      ...config.dataMap,
      stores: [
        ...config.dataMap.stores,
        {
          kind: 's3-prefix' as const,
          name: 'large',
          bucket: 'demo-thumbnails',
          prefix: 'thumbnails/large/{accountId}/',
        },
      ],
    };
    expect(failure({ ...neighbours, retention: [{ ...thumbs, stores: [{ store: 'thumbnails' }] }] })).toBe(
      'data map: retention category "thumbs": a lifecycle rule on "thumbnails/" would also expire store "large" (thumbnails/large/{accountId}/) in the same bucket: drop ttl or move one prefix',
    );
    // Without ttl, Lethe's own sweeper tells the stores apart by their templates.
    expect(
      validateDataMap({
        ...neighbours,
        retention: [{ ...thumbs, ttl: false, stores: [{ store: 'thumbnails' }] }],
      }),
    ).toBeDefined();
  });

  it('refuses a log group window shorter than a day, and a rule naming nothing', () => {
    const logs = { category: 'logs', labels: { en: 'Logs' }, window: 'PT12H', logGroups: ['/app/access'] };
    expect(failure(withRules(logs))).toMatch(/at least P1D/);
    expect(failure(withRules({ ...sessions, stores: [] }))).toMatch(/names no store and no log group/);
  });
});
