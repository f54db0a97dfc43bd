import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CONFIG_SOURCES,
  LetheConfigError,
  parseConfig,
  resolveEnvReferences,
} from '../../../functions/core/config-schema.ts';
import { config as example } from '../../../lethe.config.ts';

/** functions/commons/config.ts as a cold start loads it, with `env` set. */
const coldStart = async (env: Record<string, string>) => {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return (await import('../../../functions/commons/config.ts')).config;
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the configuration at cold start', () => {
  it('reads the file the config layer ships, with deploy-time names from env', async () => {
    // Arrange: the example's data map with one table named by CloudFormation.
    const dir = mkdtempSync(join(tmpdir(), 'lethe-config-test-'));
    const file = join(dir, 'config.json');
    const [first, ...rest] = example.dataMap.stores;
    const document = {
      ...example,
      dataMap: { ...example.dataMap, stores: [{ ...first, table: { $env: 'LETHE_CONFIG_REF_0' } }, ...rest] },
    };
    writeFileSync(file, JSON.stringify(document));
    // Act
    const config = await coldStart({
      [CONFIG_SOURCES.env]: '',
      [CONFIG_SOURCES.fileEnv]: file,
      LETHE_CONFIG_REF_0: 'Shop-ProfilesTable-1A2B3C',
    });
    // Assert
    expect(config.dataMap.stores[0]).toMatchObject({ table: 'Shop-ProfilesTable-1A2B3C' });
    expect(config.productName).toBe(example.productName);
  });

  it('fails in one line when neither the file nor LETHE_CONFIG is there', async () => {
    await expect(
      coldStart({ [CONFIG_SOURCES.env]: '', [CONFIG_SOURCES.fileEnv]: '/nonexistent/lethe/config.json' }),
    ).rejects.toThrow(/^no configuration: \/nonexistent\/lethe\/config.json is missing/);
  });

  it('fails naming the variable when a deploy-time name is missing from env', () => {
    expect(() => resolveEnvReferences({ table: { $env: 'LETHE_CONFIG_REF_7' } }, {})).toThrow(
      'config refers to environment variable LETHE_CONFIG_REF_7, which is not set',
    );
  });
});

describe('parseConfig', () => {
  const minimal = {
    productName: 'Shop',
    notices: {
      sender: 'no-reply@shop.example',
      configurationSet: 'shop',
      supportUrl: 'https://shop.example',
    },
    dataMap: example.dataMap,
  };

  it('fills in every default', () => {
    expect(parseConfig(minimal)).toMatchObject({
      gracePeriod: 'P30D',
      noticeSchedule: ['P7D', 'P1D'],
      sweepInterval: 'PT15M',
      purgeConcurrency: 5,
      auditRetention: 'P1095D',
      logRetentionDays: 30,
      exports: { perDay: 3, linkExpiry: 'PT24H' },
      notices: { backupRetention: 'P35D' },
    });
  });

  it.each([
    [{ gracePeriod: '30 days' }, /^gracePeriod: must be an ISO-8601 duration/],
    [{ noticeSchedule: ['P7D', 'soon'] }, /^noticeSchedule\[1\]: must be an ISO-8601 duration/],
    [{ exports: { linkExpiry: 'P8D' } }, /^exports.linkExpiry: must be at most P7D/],
    [{ productName: ' ' }, /^productName: must not be empty/],
    [{ dataMap: { ...example.dataMap, stores: [] } }, /^dataMap.stores: must name at least one store/],
  ])('refuses %j in one line naming the field', (change, message) => {
    // Act / Assert
    expect(() => parseConfig({ ...minimal, ...change })).toThrow(LetheConfigError);
    expect(() => parseConfig({ ...minimal, ...change })).toThrow(message);
  });

  it('accepts the example configuration as it is', () => {
    expect(parseConfig(example).dataMap.stores.length).toBe(example.dataMap.stores.length);
  });
});

describe('the configuration at cold start, after the schema', () => {
  it('checks the data map again once deploy-time names are in', async () => {
    // Arrange: a processor whose URL CloudFormation (here: env) decides, and decides wrong.
    const dir = mkdtempSync(join(tmpdir(), 'lethe-config-test-'));
    const file = join(dir, 'config.json');
    const processor = {
      kind: 'processor',
      name: 'crm',
      deletionUrl: { $env: 'LETHE_CONFIG_REF_0' },
      deadline: 'P7D',
    };
    const document = {
      ...parseConfig(example),
      dataMap: { ...example.dataMap, stores: [...example.dataMap.stores, processor] },
    };
    writeFileSync(file, JSON.stringify(document));
    // Act / Assert
    await expect(
      coldStart({
        [CONFIG_SOURCES.env]: '',
        [CONFIG_SOURCES.fileEnv]: file,
        LETHE_CONFIG_REF_0: 'http://crm.example/delete',
      }),
    ).rejects.toThrow(new LetheConfigError('data map: processor "crm" deletionUrl must be https'));
  });

  it("reads the schema's result as it is: every default already filled in", async () => {
    const config = await coldStart({ [CONFIG_SOURCES.env]: JSON.stringify(parseConfig(example)) });
    expect(config).toEqual(parseConfig(example));
  });
});
