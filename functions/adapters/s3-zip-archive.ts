/**
 * A ZIP streamed straight into S3: yazl writes entries one after another,
 * each read from its stream only when its turn comes, into a multipart
 * Upload (lib-storage) that holds at most `queueSize` parts of `partSize` in
 * memory. An account with 1 GB of uploads needs tens of MB, not 1 GB.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ZipFile } from 'yazl';
import type { ArchiveStore, ArchiveWriter } from '../export/ports.ts';

const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;

export class S3ZipArchives implements ArchiveStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  create(objectKey: string): ArchiveWriter {
    const zip = new ZipFile();
    const body = new PassThrough();
    let bytes = 0;
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: objectKey,
        Body: body,
        ContentType: 'application/zip',
      },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    let failure: Error | undefined;
    const fail = (error: Error) => {
      failure ??= error;
      body.destroy(error);
    };
    zip.on('error', fail);
    zip.outputStream.on('error', fail);
    zip.outputStream.pipe(body);
    const done = upload.done();
    // Observed here so an early failure is never an unhandled rejection; finish() reports it.
    done.catch(() => undefined);

    return {
      add: (name, content, options = {}) => {
        zip.addReadStreamLazy(name, { compress: options.compress ?? true }, (cb) => {
          Promise.resolve()
            .then(content)
            .then(
              (stream: Readable) => {
                stream.once('error', fail);
                cb(null, stream);
              },
              (error: Error) => cb(error, undefined as unknown as Readable),
            );
        });
      },
      finish: async () => {
        zip.end();
        await done;
        if (failure) throw failure;
        return bytes;
      },
      abort: async () => {
        body.destroy();
        await upload.abort().catch(() => undefined);
      },
    };
  }
}
