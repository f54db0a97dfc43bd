import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3ZipArchives } from '../../../functions/adapters/s3-zip-archive.ts';

const s3 = mockClient(S3Client);
const MB = 1024 * 1024;

/** A file of `size` bytes, made only as it is read; counts what it has produced. */
const lazyFile = (size: number, produced: { bytes: number }) =>
  Readable.from(
    (function* () {
      for (let sent = 0; sent < size; sent += MB) {
        produced.bytes += MB;
        yield Buffer.alloc(MB, 7);
      }
    })(),
  );

describe('S3ZipArchives', () => {
  let uploaded: number;

  beforeEach(() => {
    s3.reset();
    uploaded = 0;
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u' });
    // A slow S3: each part takes a while, so a reader that ignored backpressure would race ahead.
    s3.on(UploadPartCommand).callsFake(async (input) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      uploaded += (input.Body as Buffer).length;
      return { ETag: `"${uploaded}"` };
    });
    s3.on(CompleteMultipartUploadCommand).resolves({});
    s3.on(PutObjectCommand).resolves({});
  });

  it('reads entries only as fast as the upload takes them (bounded memory), one after another', async () => {
    // Arrange: three 40 MB files behind a slow multipart upload
    const produced = { bytes: 0 };
    let maxAhead = 0;
    const watch = setInterval(() => {
      maxAhead = Math.max(maxAhead, produced.bytes - uploaded);
    }, 2);
    const archive = new S3ZipArchives(new S3Client({ region: 'us-east-1' }), 'bucket').create(
      'exports/u1/e1.zip',
    );
    const opened: string[] = [];
    for (const name of ['a.bin', 'b.bin', 'c.bin']) {
      archive.add(
        name,
        () => {
          opened.push(name);
          return lazyFile(40 * MB, produced);
        },
        { compress: false },
      );
    }

    // Act
    const bytes = await archive.finish();
    clearInterval(watch);

    // Assert: everything arrived, and the reader was never more than a few parts ahead of S3
    expect(bytes).toBeGreaterThan(120 * MB);
    expect(uploaded).toBe(bytes);
    expect(opened).toEqual(['a.bin', 'b.bin', 'c.bin']);
    expect(maxAhead).toBeLessThan(64 * MB);
  }, 30_000); // 120 MB through the zip: seconds alone, longer on a loaded machine

  it('fails finish() and aborts nothing silently when an entry cannot be read', async () => {
    const archive = new S3ZipArchives(new S3Client({ region: 'us-east-1' }), 'bucket').create(
      'exports/u1/e2.zip',
    );
    archive.add('broken.bin', () => Promise.reject(new Error('S3 GetObject failed')));
    await expect(archive.finish()).rejects.toThrow('S3 GetObject failed');
  });
});
