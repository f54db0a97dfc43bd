/**
 * In-memory export ports with the same conditional semantics as the DynamoDB
 * adapter (one pending export per account), for use-case tests without mocks.
 */
import { Readable } from 'node:stream';
import { type DynamoStore, fillTemplate, type S3PrefixStore } from '../../functions/core/data-map.ts';
import type { ExportFailure, ExportRecord } from '../../functions/core/export.ts';
import type {
  ArchiveStore,
  ArchiveWriter,
  DataMapReader,
  DownloadLinks,
  ExportJob,
  ExportJobs,
  ExportRecords,
  StoredObject,
} from '../../functions/export/ports.ts';

export class FakeExportRecords implements ExportRecords {
  readonly records = new Map<string, ExportRecord>();
  readonly pendingOf = new Map<string, string>();

  private key = (accountId: string, exportId: string) => `${accountId}/${exportId}`;

  async get(accountId: string, exportId: string) {
    return this.records.get(this.key(accountId, exportId));
  }

  async pending(accountId: string) {
    const id = this.pendingOf.get(accountId);
    return id === undefined ? undefined : this.get(accountId, id);
  }

  async createdSince(accountId: string, since: Date) {
    return [...this.records.values()]
      .filter((r) => r.accountId === accountId && r.createdAt >= since.toISOString())
      .map((r) => r.createdAt)
      .sort();
  }

  async createPending(record: ExportRecord) {
    const existing = await this.pending(record.accountId);
    if (existing) return { record: existing, created: false };
    this.records.set(this.key(record.accountId, record.exportId), record);
    this.pendingOf.set(record.accountId, record.exportId);
    return { record, created: true };
  }

  private finish(accountId: string, exportId: string, change: Partial<ExportRecord>) {
    const record = this.records.get(this.key(accountId, exportId));
    if (record?.status !== 'PENDING') return false;
    this.records.set(this.key(accountId, exportId), { ...record, ...change });
    if (this.pendingOf.get(accountId) === exportId) this.pendingOf.delete(accountId);
    return true;
  }

  async markReady(accountId: string, exportId: string, at: string, objectKey: string, bytes: number) {
    return this.finish(accountId, exportId, { status: 'READY', completedAt: at, objectKey, bytes });
  }

  async markFailed(accountId: string, exportId: string, at: string, failure: ExportFailure) {
    return this.finish(accountId, exportId, { status: 'FAILED', completedAt: at, failure });
  }
}

export class FakeJobs implements ExportJobs {
  readonly sent: ExportJob[] = [];
  failing = false;
  async send(job: ExportJob) {
    if (this.failing) throw new Error('SQS is down');
    this.sent.push(job);
  }
}

export class FakeLinks implements DownloadLinks {
  async link(objectKey: string, expiresInSeconds: number) {
    return `https://exports.example.com/${objectKey}?expires=${expiresInSeconds}`;
  }
}

/** Pages of items and objects, given per store name. */
export class FakeReader implements DataMapReader {
  readonly opened: string[] = [];
  constructor(
    private readonly pages: Record<string, readonly Record<string, unknown>[][]>,
    private readonly files: Record<string, Record<string, string>> = {},
  ) {}

  async *items(store: DynamoStore) {
    for (const page of this.pages[store.name] ?? []) yield page;
  }

  async *objects(store: S3PrefixStore, accountId: string): AsyncIterable<readonly StoredObject[]> {
    const prefix = fillTemplate(store.prefix, accountId);
    yield Object.entries(this.files[store.name] ?? {}).map(([name, body]) => ({
      key: `${prefix}${name}`,
      size: body.length,
    }));
  }

  async open(store: S3PrefixStore, key: string) {
    this.opened.push(key);
    const name = key.split('/').pop() ?? '';
    const body = this.files[store.name]?.[name];
    if (body === undefined) throw new Error('no such object');
    return Readable.from([Buffer.from(body)]);
  }
}

/** Collects entries in order, reading each stream only when `finish` runs, as a ZIP writer does. */
export class FakeArchives implements ArchiveStore {
  readonly archives = new Map<string, Map<string, string>>();
  aborted: string[] = [];

  async delete(objectKey: string) {
    this.archives.delete(objectKey);
  }

  create(objectKey: string): ArchiveWriter {
    const queued: [string, () => Promise<Readable> | Readable][] = [];
    const entries = new Map<string, string>();
    return {
      add: (name, content) => {
        queued.push([name, content]);
      },
      finish: async () => {
        let bytes = 0;
        for (const [name, content] of queued) {
          const chunks: Buffer[] = [];
          for await (const chunk of await content()) chunks.push(Buffer.from(chunk));
          const text = Buffer.concat(chunks).toString('utf8');
          bytes += text.length;
          entries.set(name, text);
        }
        this.archives.set(objectKey, entries);
        return bytes;
      },
      abort: async () => {
        this.aborted.push(objectKey);
      },
    };
  }
}
