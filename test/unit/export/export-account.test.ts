import { beforeEach, describe, expect, it } from 'vitest';
import type { DataMap } from '../../../functions/core/data-map.ts';
import { entryNameOf, exportAccount } from '../../../functions/export/export-account.ts';
import type { AccountStatuses } from '../../../functions/export/ports.ts';
import { FakeArchives, FakeExportRecords, FakeReader } from '../../support/fake-exports.ts';

const map: DataMap = {
  profile: { store: 'profiles', attributes: { email: 'email' } },
  stores: [
    {
      kind: 'dynamodb-partition',
      name: 'profiles',
      labels: { en: 'your profile' },
      table: 'p',
      key: { partitionKey: 'id' },
      keyTemplate: '{accountId}',
    },
    {
      kind: 'dynamodb-index',
      name: 'sessions',
      labels: { en: 'your sign-in sessions', de: 'Ihre Anmeldesitzungen' },
      table: 's',
      key: { partitionKey: 'sid' },
      index: 'i',
      attribute: 'a',
    },
    { kind: 's3-prefix', name: 'uploads', bucket: 'b', prefix: 'uploads/{accountId}/' },
    { kind: 'processor', name: 'crm', deletionUrl: 'https://crm.example.com/delete', deadline: 'P30D' },
  ],
};

describe('exportAccount', () => {
  let exports: FakeExportRecords;
  let archives: FakeArchives;
  let status: string | undefined;
  let profile: { email: string; locale?: string; timeZone?: string } | undefined;
  const statuses: AccountStatuses = { status: async () => status };
  const clock = new Date('2026-11-27T10:00:00.000Z');
  const reader = new FakeReader(
    {
      profiles: [[{ id: 'u1', email: 'u1@example.com' }]],
      sessions: [[{ sid: 's1' }, { sid: 's2' }], [], [{ sid: 's3' }]],
    },
    { uploads: { 'a.txt': 'hello', 'b.txt': 'world' } },
  );
  const deps = () => ({
    map,
    productName: 'Demo',
    profiles: { get: async () => profile },
    exports,
    accounts: statuses,
    reader,
    archives,
    now: () => clock,
  });

  beforeEach(async () => {
    // Arrange: one PENDING export of an active account
    exports = new FakeExportRecords();
    archives = new FakeArchives();
    status = undefined;
    profile = { email: 'u1@example.com', locale: 'en-GB', timeZone: 'Europe/London' };
    await exports.createPending({
      accountId: 'u1',
      exportId: 'e1',
      status: 'PENDING',
      createdAt: clock.toISOString(),
    });
  });

  it('writes one NDJSON file per DynamoDB store, the files, a README and a manifest with counts', async () => {
    // Act
    const result = await exportAccount(deps(), { accountId: 'u1', exportId: 'e1' });
    // Assert
    expect(result.outcome).toBe('ready');
    const archive = archives.archives.get('exports/u1/e1.zip')!;
    expect([...archive.keys()]).toEqual([
      'data/profiles.ndjson',
      'data/sessions.ndjson',
      'files/uploads/a.txt',
      'files/uploads/b.txt',
      'README.txt',
      'manifest.json',
    ]);
    expect(archive.get('data/sessions.ndjson')).toBe('{"sid":"s1"}\n{"sid":"s2"}\n{"sid":"s3"}\n');
    expect(archive.get('files/uploads/b.txt')).toBe('world');
    const manifest = JSON.parse(archive.get('manifest.json')!);
    expect(manifest).toMatchObject({
      schemaVersion: 1,
      accountId: 'u1',
      exportId: 'e1',
      exportedAt: clock.toISOString(),
    });
    expect(manifest.stores.map((s: { name: string; items: number }) => [s.name, s.items])).toEqual([
      ['profiles', 1],
      ['sessions', 3],
      ['uploads', 2],
    ]);
    expect(archive.get('README.txt')).toContain(
      'data/sessions.ndjson  your sign-in sessions: 3 records, one JSON object per line',
    );
    expect(archive.get('README.txt')).toContain('files/uploads/  uploads: 2 files');
    expect(archive.get('README.txt')).toContain('Exported: 27 November 2026 at 10:00 GMT');
    expect(await exports.get('u1', 'e1')).toMatchObject({ status: 'READY', objectKey: 'exports/u1/e1.zip' });
    expect(await exports.pending('u1')).toBeUndefined();
  });

  it("writes the README in the profile's language and time zone, each store in its words", async () => {
    // Arrange
    profile = { email: 'u1@example.com', locale: 'de-DE', timeZone: 'Europe/Berlin' };
    // Act
    await exportAccount(deps(), { accountId: 'u1', exportId: 'e1' });
    // Assert
    const readme = archives.archives.get('exports/u1/e1.zip')?.get('README.txt');
    expect(readme).toContain('Ihre Daten bei Demo');
    expect(readme).toContain('Exportiert: 27. November 2026 um 11:00 MEZ');
    expect(readme).toContain('data/sessions.ndjson  Ihre Anmeldesitzungen: 3 Datensätze');
    // A store with no German label reads its English one, one with no labels its name.
    expect(readme).toContain('data/profiles.ndjson  your profile: 1 Datensatz');
    expect(readme).toContain('files/uploads/  uploads: 2 Dateien');
  });

  it("describes a user pool's file as the one JSON object it is, not one per line", async () => {
    // Arrange: the map with a user pool, whose user is written as one pretty-printed object
    const withPool: DataMap = {
      ...map,
      stores: [
        ...map.stores,
        {
          kind: 'cognito-user-pool',
          name: 'sign-in',
          labels: { en: 'your sign-in account', de: 'Ihr Anmeldekonto' },
          userPoolId: 'us-east-1_Pool',
          accountIdIs: 'username',
        },
      ],
    };
    const identities = { read: async () => ({ username: 'u1', enabled: true }) };

    // Act: in English, then in German
    await exportAccount({ ...deps(), map: withPool, identities }, { accountId: 'u1', exportId: 'e1' });
    const english = archives.archives.get('exports/u1/e1.zip');
    profile = { email: 'u1@example.com', locale: 'de-DE', timeZone: 'Europe/Berlin' };
    await exports.createPending({
      accountId: 'u1',
      exportId: 'e2',
      status: 'PENDING',
      createdAt: clock.toISOString(),
    });
    await exportAccount({ ...deps(), map: withPool, identities }, { accountId: 'u1', exportId: 'e2' });
    const german = archives.archives.get('exports/u1/e2.zip')?.get('README.txt');

    // Assert: the file is one object over several lines, and the README says so
    expect(english?.get('data/sign-in.json')?.split('\n').length).toBeGreaterThan(2);
    expect(english?.get('README.txt')).toContain(
      'data/sign-in.json  your sign-in account: one JSON object, the whole file',
    );
    expect(german).toContain('data/sign-in.json  Ihr Anmeldekonto: ein JSON-Objekt, die ganze Datei');
    expect(german).not.toMatch(/sign-in\.json.*pro Zeile/);
  });

  it('does nothing for an export that is no longer PENDING (a redelivered job)', async () => {
    await exports.markReady('u1', 'e1', clock.toISOString(), 'k', 1);
    expect((await exportAccount(deps(), { accountId: 'u1', exportId: 'e1' })).outcome).toBe('duplicate');
    expect(archives.archives.size).toBe(0);
  });

  it('refuses an account being purged and marks the export FAILED', async () => {
    status = 'PURGING';
    expect((await exportAccount(deps(), { accountId: 'u1', exportId: 'e1' })).outcome).toBe('refused');
    expect(await exports.get('u1', 'e1')).toMatchObject({ status: 'FAILED', failure: 'account_purging' });
    expect(archives.archives.size).toBe(0);
  });

  it('aborts the upload and rethrows when a store cannot be read, leaving the export PENDING for a retry', async () => {
    const broken = { ...deps(), reader: new FakeReader({}, {}) };
    broken.reader.open = async () => {
      throw new Error('S3 is down');
    };
    broken.reader.objects = async function* () {
      yield [{ key: 'uploads/u1/x', size: 1 }];
    };
    await expect(exportAccount(broken, { accountId: 'u1', exportId: 'e1' })).rejects.toThrow('S3 is down');
    expect(archives.aborted).toEqual(['exports/u1/e1.zip']);
    expect((await exports.get('u1', 'e1'))?.status).toBe('PENDING');
  });

  it('deletes its archive when a purge removed the export record while it ran (I6)', async () => {
    // Arrange: the purge deletes the record while the archive is being written
    const racing = {
      ...deps(),
      archives: {
        create: (key: string) => {
          const writer = archives.create(key);
          return {
            ...writer,
            finish: async () => {
              exports.records.clear();
              exports.pendingOf.clear();
              return writer.finish();
            },
          };
        },
        delete: (key: string) => archives.delete(key),
      },
    };
    // Act
    const result = await exportAccount(racing, { accountId: 'u1', exportId: 'e1' });
    // Assert
    expect(result.outcome).toBe('refused');
    expect(archives.archives.size).toBe(0);
    expect(exports.records.size).toBe(0);
  });

  it('turns object keys into safe paths inside the archive', () => {
    const store = {
      kind: 's3-prefix',
      name: 'uploads',
      bucket: 'b',
      prefix: 'uploads/{accountId}/',
    } as const;
    expect(entryNameOf(store, 'uploads/u1/', 'uploads/u1/../../etc/passwd')).toBe(
      'files/uploads/_/_/etc/passwd',
    );
    expect(entryNameOf(store, 'uploads/u1/', 'uploads/u1/a//b')).toBe('files/uploads/a/_/b');
  });
});
