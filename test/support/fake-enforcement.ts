/**
 * In-memory fakes with the semantics of the enforcement adapters: a due index
 * that only lists unheld, due, deactivated (or lease-expired purging) records,
 * conditional claims, versioned progress, and stores that delete for real.
 */
import type { AuditEvent } from '../../functions/core/audit.ts';
import type { ConfirmationRecord } from '../../functions/core/confirmations.ts';
import type { DataMap, Store } from '../../functions/core/data-map.ts';
import { dueShardOf } from '../../functions/core/lifecycle.ts';
import type { PurgeProgress, Receipt } from '../../functions/core/purge.ts';
import type {
  AnnounceKeys,
  Confirmations,
  DueIndex,
  PageResult,
  PendingConfirmation,
  PurgeClaims,
  PurgeJob,
  PurgeQueue,
  SavedProgress,
  StatusPolls,
  StorePurger,
} from '../../functions/enforcement/ports.ts';

export interface FakeRecord {
  accountId: string;
  status: 'ACTIVE' | 'DEACTIVATED' | 'PURGING' | 'PURGED';
  purgeAfter?: string;
  legalHold?: boolean;
  leaseUntil?: string;
  progress?: PurgeProgress;
  version?: number;
  runId?: string;
  runUntil?: string;
}

export class FakeAccountsState implements DueIndex, PurgeClaims {
  readonly records = new Map<string, FakeRecord>();
  readonly events: AuditEvent[] = [];
  readonly receipts = new Map<string, Receipt>();
  reads = 0;
  /** Calls to release: each is a request in the real adapter. */
  releases = 0;

  private indexed(shard: string, now: string) {
    return [...this.records.values()]
      .filter((r) => (r.status === 'DEACTIVATED' && !r.legalHold) || r.status === 'PURGING')
      .filter((r) => dueShardOf(r.accountId) === shard && (r.purgeAfter ?? '') <= now)
      .sort((a, b) => (a.purgeAfter ?? '').localeCompare(b.purgeAfter ?? ''));
  }

  async countDue(shard: string, before: string) {
    return this.indexed(shard, before).length;
  }

  async page(shard: string, now: string, cursor: string | undefined, limit: number) {
    const all = this.indexed(shard, now);
    const start = cursor ? Number(cursor) : 0;
    const items = all
      .slice(start, start + limit)
      .map((r) => ({ accountId: r.accountId, purgeAfter: r.purgeAfter ?? '' }));
    this.reads += items.length;
    return { items, ...(start + limit < all.length && { cursor: String(start + limit) }) };
  }

  async claim(accountId: string, now: string, leaseUntil: string, progress: PurgeProgress) {
    const r = this.records.get(accountId);
    const due = r?.status === 'DEACTIVATED' && (r.purgeAfter ?? '') <= now && !r.legalHold;
    const stale = r?.status === 'PURGING' && (r.leaseUntil ?? '') < now;
    if (!r || !(due || stale)) return false;
    Object.assign(r, {
      status: 'PURGING',
      leaseUntil,
      progress: r.progress ?? progress,
      version: r.version ?? 0,
    });
    this.events.push(this.event(accountId, now, 'purge-claimed'));
    return true;
  }

  async start(accountId: string, runId: string, now: string, runUntil: string) {
    const r = this.records.get(accountId);
    if (r?.status !== 'PURGING' || !r.progress) return undefined;
    if (r.runId && (r.runUntil ?? '') >= now) return 'busy' as const;
    Object.assign(r, { runId, runUntil });
    return { progress: r.progress, version: r.version ?? 0 };
  }

  async release(accountId: string, runId: string) {
    this.releases += 1;
    const r = this.records.get(accountId);
    if (r?.runId === runId) {
      delete r.runId;
      delete r.runUntil;
    }
  }

  async saveProgress(
    accountId: string,
    runId: string,
    saved: SavedProgress,
    next: PurgeProgress,
    leaseUntil: string,
    events: readonly AuditEvent[] = [],
  ) {
    const r = this.records.get(accountId);
    if (r?.status !== 'PURGING' || r.version !== saved.version || r.runId !== runId) return false;
    Object.assign(r, { progress: next, version: saved.version + 1, leaseUntil });
    this.events.push(...events);
    return true;
  }

  async complete(
    accountId: string,
    runId: string,
    saved: SavedProgress,
    receipt: Receipt,
    events: readonly AuditEvent[] = [],
  ) {
    const r = this.records.get(accountId);
    if (r?.status !== 'PURGING' || r.version !== saved.version || r.runId !== runId) return false;
    this.records.set(accountId, { accountId, status: 'PURGED' });
    this.receipts.set(accountId, receipt);
    this.events.push(...events);
    this.events.push(this.event(accountId, receipt.finishedAt, 'purged'));
    return true;
  }

  event(
    accountId: string,
    at: string,
    kind: AuditEvent['kind'],
    extra: Partial<AuditEvent> = {},
  ): AuditEvent {
    return { subject: `subject-of-${accountId}`, at, kind, actor: 'system', ...extra };
  }
}

export class FakeQueue implements PurgeQueue {
  readonly sent: PurgeJob[] = [];
  failNext = false;
  async send(jobs: readonly PurgeJob[]) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SQS is down');
    }
    this.sent.push(...jobs);
  }
}

/** Stores holding item ids per account, deleted a page at a time like the real purgers. */
export class FakeStores implements StorePurger {
  readonly items = new Map<string, string[]>();
  pages = 0;
  /** Throw on this page number (1-based), to simulate a crash mid-purge. */
  crashOnPage?: number;
  /** Throw on this page number once its items are deleted: a crash between the delete and the checkpoint. */
  crashAfterDeleteOnPage?: number;
  /**
   * The last page with items also says the store is done, as DynamoPurger does (its proof-of-empty read in
   * the same call); otherwise a store is done only on a page that finds nothing.
   */
  lastPageFinishes = false;

  constructor(private readonly pageSize = 10) {}

  key(store: Store, accountId: string) {
    return `${store.name}/${accountId}`;
  }

  seed(map: DataMap, accountId: string, perStore: number) {
    for (const store of map.stores) {
      if (store.kind !== 'processor') {
        this.items.set(
          this.key(store, accountId),
          Array.from({ length: perStore }, (_, i) => `${store.name}-${i}`),
        );
      }
    }
  }

  async purgePage(
    store: Store,
    accountId: string,
    _cursor: string | undefined,
    announce?: AnnounceKeys,
  ): Promise<PageResult> {
    this.pages += 1;
    if (this.crashOnPage === this.pages) throw new Error('worker crashed');
    const items = this.items.get(this.key(store, accountId)) ?? [];
    const page = items.slice(0, this.pageSize);
    if (announce && page.length > 0) await announce(page);
    items.splice(0, page.length);
    if (this.crashAfterDeleteOnPage === this.pages) throw new Error('worker crashed after its delete');
    if (page.length === 0 || (this.lastPageFinishes && items.length === 0)) return { deleted: page.length };
    return { deleted: page.length, cursor: 'more' };
  }

  async deleteAnnounced(store: Store, accountId: string, keys: readonly string[]): Promise<void> {
    const gone = new Set(keys);
    const items = this.items.get(this.key(store, accountId)) ?? [];
    this.items.set(
      this.key(store, accountId),
      items.filter((item) => !gone.has(item)),
    );
  }
}

/** Processor confirmations owed, with the adapter's once-only settling. */
export class FakeConfirmations implements Confirmations, StatusPolls {
  readonly records = new Map<string, ConfirmationRecord>();

  async expect(pending: PendingConfirmation) {
    const key = `${pending.subject}#${pending.processor}`;
    if (!this.records.has(key)) this.records.set(key, { ...pending, state: 'PENDING' });
  }

  async confirm(subject: string, processor: string, at: string) {
    const record = this.records.get(`${subject}#${processor}`);
    if (!record) return undefined;
    if (record.state === 'PENDING')
      this.records.set(`${subject}#${processor}`, { ...record, state: 'CONFIRMED', confirmedAt: at });
    return this.records.get(`${subject}#${processor}`);
  }

  async countOverdue(now: string) {
    return [...this.records.values()].filter((r) => r.state === 'PENDING' && r.deadline < now).length;
  }

  async pending(processors: ReadonlySet<string>) {
    return [...this.records.values()].filter((r) => r.state === 'PENDING' && processors.has(r.processor));
  }

  async recordPoll(subject: string, processor: string, polls: number, nextPollAt: string) {
    const record = this.records.get(`${subject}#${processor}`);
    if (record?.state === 'PENDING')
      this.records.set(`${subject}#${processor}`, { ...record, polls, nextPollAt });
  }
}
