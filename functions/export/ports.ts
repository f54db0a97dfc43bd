/**
 * What the export use cases need from the outside world. The use cases own
 * these interfaces; DynamoDB, SQS and S3 adapters implement them, tests pass
 * plain fakes.
 */
import type { Readable } from 'node:stream';
import type { DynamoStore, S3PrefixStore } from '../core/data-map.ts';
import type { ExportFailure, ExportRecord } from '../core/export.ts';

export interface ExportRecords {
  get(accountId: string, exportId: string): Promise<ExportRecord | undefined>;
  /** The pending export, if any (read through the `#pending` pointer). */
  pending(accountId: string): Promise<ExportRecord | undefined>;
  /** When each export created since `since` was created, oldest first. */
  createdSince(accountId: string, since: Date): Promise<string[]>;
  /**
   * Creates a PENDING export only if the account has none pending: one
   * conditional transaction. When one is pending, answers it instead.
   */
  createPending(record: ExportRecord, ttl: number): Promise<{ record: ExportRecord; created: boolean }>;
  /** PENDING → READY, freeing the pending slot. False if it was not PENDING (a duplicate job). */
  markReady(
    accountId: string,
    exportId: string,
    at: string,
    objectKey: string,
    bytes: number,
  ): Promise<boolean>;
  /** PENDING → FAILED, freeing the pending slot. False if it was not PENDING. */
  markFailed(accountId: string, exportId: string, at: string, failure: ExportFailure): Promise<boolean>;
}

export interface ExportJob {
  readonly accountId: string;
  readonly exportId: string;
}

export interface ExportJobs {
  send(job: ExportJob): Promise<void>;
}

export interface DownloadLinks {
  /** A presigned GET of the archive, valid for `expiresInSeconds`. */
  link(objectKey: string, expiresInSeconds: number): Promise<string>;
}

/** One S3 object the account owns, as listed. */
export interface StoredObject {
  readonly key: string;
  readonly size: number;
}

/** Reads every store of the data map for one account, a page at a time; never buffers a whole store. */
export interface DataMapReader {
  /** Every item of the account in a DynamoDB store, as plain JSON values, page by page. */
  items(store: DynamoStore, accountId: string): AsyncIterable<readonly Record<string, unknown>[]>;
  /** Every object under the account's prefix, page by page. */
  objects(store: S3PrefixStore, accountId: string): AsyncIterable<readonly StoredObject[]>;
  /** One object's body, streamed. */
  open(store: S3PrefixStore, key: string): Promise<Readable>;
}

/** A ZIP archive being streamed to its destination as entries are added. */
export interface ArchiveWriter {
  /** Adds an entry whose content is produced only when the archive reaches it (bounded memory). */
  add(name: string, content: () => Promise<Readable> | Readable, options?: { compress?: boolean }): void;
  /** Ends the archive and waits until it is stored; its size in bytes. */
  finish(): Promise<number>;
  /** Gives up: nothing partial is left behind. */
  abort(): Promise<void>;
}

export interface ArchiveStore {
  create(objectKey: string): ArchiveWriter;
}

/** Whether an account may still be exported: its lifecycle status, if Lethe keeps one. */
export interface AccountStatuses {
  status(accountId: string): Promise<string | undefined>;
}
