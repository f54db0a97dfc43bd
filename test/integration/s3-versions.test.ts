/**
 * The dry run's count of a versioned prefix: the real S3 client and S3Purger
 * against a ListObjectVersions stand-in (the S3 stand-in local mode runs keeps
 * no versions). It answers as S3 does: at most MaxKeys versions per page,
 * ordered by key, with NextKeyMarker / NextVersionIdMarker to go on from.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Purger } from '../../functions/adapters/s3-purger.ts';
import type { S3PrefixStore } from '../../functions/core/data-map.ts';

const store: S3PrefixStore = {
  kind: 's3-prefix',
  name: 'uploads',
  bucket: 'versioned-uploads',
  prefix: 'uploads/{accountId}/',
  versioned: true,
};

/** 1,250 objects with two versions each, and 50 delete markers: 2,550 entries for u1, some for u2. */
const versionsOf = (accountId: string, objects: number) =>
  Array.from({ length: objects }, (_, i) => `uploads/${accountId}/file-${String(i).padStart(5, '0')}`)
    .flatMap((key) => [
      { key, version: 'v2', marker: false },
      { key, version: 'v1', marker: false },
    ])
    .concat(
      Array.from({ length: 50 }, (_, i) => ({
        key: `uploads/${accountId}/gone-${String(i).padStart(3, '0')}`,
        version: 'dm1',
        marker: true,
      })),
    )
    .sort((a, b) => (a.key === b.key ? 0 : a.key < b.key ? -1 : 1));

const entries = [...versionsOf('u1', 1250), ...versionsOf('u2', 3)];
const requests: URLSearchParams[] = [];

const listVersions = (query: URLSearchParams): string => {
  const prefix = query.get('prefix') ?? '';
  const max = Number(query.get('max-keys') ?? 1000);
  const keyMarker = query.get('key-marker');
  const versionMarker = query.get('version-id-marker');
  const matching = entries.filter((e) => e.key.startsWith(prefix));
  const start =
    keyMarker === null
      ? 0
      : matching.findIndex((e) => e.key === keyMarker && e.version === versionMarker) + 1 ||
        matching.findIndex((e) => e.key > keyMarker);
  const page = matching.slice(start, start + max);
  const last = page.at(-1);
  const truncated = start + max < matching.length;
  const body = page
    .map((e) =>
      e.marker
        ? `<DeleteMarker><Key>${e.key}</Key><VersionId>${e.version}</VersionId><IsLatest>true</IsLatest></DeleteMarker>`
        : `<Version><Key>${e.key}</Key><VersionId>${e.version}</VersionId><IsLatest>${e.version === 'v2'}</IsLatest><Size>1</Size></Version>`,
    )
    .join('');
  const next =
    truncated && last
      ? `<NextKeyMarker>${last.key}</NextKeyMarker><NextVersionIdMarker>${last.version}</NextVersionIdMarker>`
      : '';
  return `<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${store.bucket}</Name><Prefix>${prefix}</Prefix><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${next}${body}</ListVersionsResult>`;
};

let server: Server;
let client: S3Client;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method !== 'GET' || !url.searchParams.has('versions')) {
      response.writeHead(501).end();
      return;
    }
    requests.push(url.searchParams);
    response.writeHead(200, { 'content-type': 'application/xml' }).end(listVersions(url.searchParams));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});

afterAll(async () => {
  client?.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

describe('S3Purger.count on a versioned prefix', () => {
  it('pages through every version and delete marker, not only the first 1,000', async () => {
    // Arrange
    const purger = new S3Purger(client);
    requests.length = 0;
    // Act
    const count = await purger.count(store, 'u1');
    // Assert: 2,500 versions and 50 delete markers, in three pages, each going on from the last
    expect(count).toBe(2550);
    expect(requests).toHaveLength(3);
    expect(requests[0]?.get('key-marker')).toBeNull();
    expect(requests[1]?.get('key-marker')).toMatch(/^uploads\/u1\//);
    expect(requests[1]?.get('version-id-marker')).toBeTruthy();
  });

  it("counts another account's prefix apart", async () => {
    // Arrange / Act / Assert
    expect(await new S3Purger(client).count(store, 'u2')).toBe(56);
  });
});
