import { describe, expect, it } from 'vitest';
import { isAccountId } from '../../../functions/core/account-id.ts';
import {
  type DataMap,
  fillTemplate,
  profileStore,
  storeLabel,
  validateDataMap,
} from '../../../functions/core/data-map.ts';
import { config } from '../../../lethe.config.ts';

const withStores = (stores: DataMap['stores']): DataMap => ({ ...config.dataMap, stores });

describe('the data map', () => {
  it('accepts the demo map', () => {
    expect(validateDataMap(config.dataMap)).toBe(config.dataMap);
    expect(profileStore(config.dataMap).table).toBe('demo-profiles');
  });

  it('fills every occurrence of the placeholder', () => {
    expect(fillTemplate('USER#{accountId}#{accountId}', 'a1')).toBe('USER#a1#a1');
  });

  it('refuses a key template without the account id', () => {
    const stores = config.dataMap.stores.map((s) =>
      s.name === 'content' ? { ...s, keyTemplate: 'USER#' } : s,
    );
    expect(() => validateDataMap(withStores(stores))).toThrow(/keyTemplate/);
  });

  it('refuses a prefix that could match another account (no trailing slash)', () => {
    const stores = config.dataMap.stores.map((s) =>
      s.kind === 's3-prefix' ? { ...s, prefix: 'uploads/{accountId}' } : s,
    );
    expect(() => validateDataMap(withStores(stores))).toThrow(/prefix/);
  });

  it('refuses a store name used twice', () => {
    const first = config.dataMap.stores[0];
    if (!first) throw new Error('demo map has stores');
    expect(() => validateDataMap(withStores([...config.dataMap.stores, first]))).toThrow(/used twice/);
  });

  it('refuses a processor that is not https', () => {
    const processor = {
      kind: 'processor',
      name: 'crm',
      deletionUrl: 'http://crm.example',
      deadline: 'P30D',
    } as const;
    expect(() => validateDataMap(withStores([...config.dataMap.stores, processor]))).toThrow(/https/);
  });

  it('refuses a processor status URL that is not https, and takes one that is', () => {
    const processor = {
      kind: 'processor',
      name: 'crm',
      deletionUrl: 'https://crm.example/deletions',
      deadline: 'P30D',
    } as const;
    const plain = { ...processor, statusUrl: 'http://crm.example/status' };
    const secure = { ...processor, statusUrl: 'https://crm.example/status' };
    expect(() => validateDataMap(withStores([...config.dataMap.stores, plain]))).toThrow(
      /statusUrl must be https/,
    );
    expect(() => validateDataMap(withStores([...config.dataMap.stores, secure]))).not.toThrow();
  });

  it("reads a store in the reader's language, else English, else its name", () => {
    const store = { name: 'content', labels: { en: 'your posts', de: 'Ihre Beiträge' } };
    expect(storeLabel(store, 'de')).toBe('Ihre Beiträge');
    expect(storeLabel(store, 'fr')).toBe('your posts');
    expect(storeLabel({ name: 'content' }, 'de')).toBe('content');
  });

  it('refuses labels without English, or with an empty label or a bad language', () => {
    const relabel = (labels: unknown) =>
      withStores(
        config.dataMap.stores.map((s) => (s.name === 'content' ? { ...s, labels } : s)) as DataMap['stores'],
      );
    expect(() => validateDataMap(relabel({ de: 'Ihre Beiträge' }))).toThrow(/English/);
    expect(() => validateDataMap(relabel({ en: 'posts', de: ' ' }))).toThrow(/empty/);
    expect(() => validateDataMap(relabel({ en: 'posts', 'de-DE': 'Beiträge' }))).toThrow(/subtag/);
  });

  it('refuses a profile store that is not a partition store', () => {
    expect(() =>
      validateDataMap({ ...config.dataMap, profile: { ...config.dataMap.profile, store: 'uploads' } }),
    ).toThrow(/profile.store/);
  });
});

describe('account ids', () => {
  it.each([
    'demo-0001',
    'auth0|abc123',
    '12345',
    'a.b_c:d@e+f',
    'x'.repeat(128),
    '6f1c2d3e-aaaa-4bbb-8ccc-1234567890ab',
  ])('accepts %s', (id) => {
    expect(isAccountId(id)).toBe(true);
  });

  it.each(['', 'x'.repeat(129), 'a b', 'a/b', 'a%2Fb', '<script>', 'é'])('refuses %j', (id) => {
    expect(isAccountId(id)).toBe(false);
  });
});
