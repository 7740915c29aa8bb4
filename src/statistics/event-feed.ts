import { type Kysely, sql } from 'kysely';
import type { Connector } from '../connectors/connector.js';
import type { HubSchema } from '../db/hub-schema.js';
import { addressInScope, type AreaScope } from '../registry/area.js';
import type { Stage } from './area-statistics.js';

/** What happened to an event, as `EventChange` serves it. */
export interface EventChangePayload {
  change: 'CREATED' | 'STAGE_REACHED' | 'CLOSED' | 'OVERDUE';
  stage: Stage | null;
  noticedAt: string;
  /** The event, as the graph's Event resolves from (graph/parents.ts `EntityRef`): owned by its source, and in the listener's area. */
  event: { readonly kind: 'EVENT'; readonly key: string; readonly owner: string; readonly inArea: true };
}

/** What the subscription resolver finds in its context on the WebSocket transport. */
export interface FeedContext {
  readonly eventFeed?: EventFeed;
}

export interface EventFeedOptions {
  /** How often the feed looks for changes while anyone listens (changes another hub process's sync wrote, overdue events). @default 1000 */
  readonly pollMs?: number;
  /** How long `event_change` keeps a change: the log is a hand-over to listeners, not a history. @default 3600 */
  readonly keepSeconds?: number;
}

/** The log is pruned at most this often, when the sync reports a table synced. */
const PRUNE_EVERY_MS = 60_000;

interface ChangeRow {
  id: string;
  entity_key: string;
  source: string;
  change: EventChangePayload['change'];
  stage: string | null;
  logged_at: Date;
  grid_code: string | null;
  community_code: string | null;
}

const STAGE_NAMES: Readonly<Record<string, Stage>> = {
  reportedAt: 'REPORTED',
  registeredAt: 'REGISTERED',
  dispatchedAt: 'DISPATCHED',
  handledAt: 'HANDLED',
  verifiedAt: 'VERIFIED',
  closedAt: 'CLOSED',
};

interface Listener {
  readonly scope: AreaScope;
  push(payload: EventChangePayload): void;
}

/**
 * The live feed of events (issue 21). The sync's crosswalk triggers log every
 * event created, stage reached and closure in `event_change`; the feed reads
 * the log past its position — at once when the sync says a table was synced
 * ({@link notify}), and every `pollMs` while anyone listens — adds the events
 * that went past their category's time limit since its last look, and hands
 * each change to the listeners whose area holds the event. Listeners get
 * changes from the moment they subscribe; nothing is replayed.
 */
export class EventFeed {
  readonly #db: Kysely<HubSchema>;
  readonly #limits: { source: string; category: string; seconds: number }[];
  readonly #pollMs: number;
  readonly #keepSeconds: number;
  #prunedAt = 0;
  readonly #listeners = new Set<Listener>();
  #position: string | undefined;
  #overdueCheckedAt: Date | undefined;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> = Promise.resolve();
  #again = false;
  #running = false;

  constructor(db: Kysely<HubSchema>, connectors: readonly Connector[], options: EventFeedOptions = {}) {
    this.#db = db;
    this.#pollMs = options.pollMs ?? 1_000;
    this.#keepSeconds = options.keepSeconds ?? 3_600;
    this.#limits = connectors.flatMap((connector) =>
      Object.entries(connector.statistics?.timeLimitHours ?? {}).map(([category, hours]) => ({ source: connector.name, category, seconds: hours * 3600 })),
    );
  }

  /**
   * The changes in `scope` from the moment this resolves (the listener is in
   * place by then), until the iterator is returned (the client unsubscribed).
   */
  async subscribe(scope: AreaScope): Promise<AsyncIterableIterator<{ eventChanged: EventChangePayload }, undefined>> {
    const queue: EventChangePayload[] = [];
    let wake: (() => void) | undefined;
    const listener: Listener = {
      scope,
      push(payload) {
        queue.push(payload);
        wake?.();
      },
    };
    await this.#start();
    this.#listeners.add(listener);
    const stopListening = () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stopTimer();
    };
    // A plain iterator rather than a generator: a generator returned before its first `next` never runs its `finally`.
    let done = false;
    const end = (): IteratorReturnResult<undefined> => {
      done = true;
      stopListening();
      wake?.();
      return { done: true, value: undefined };
    };
    const iterator: AsyncIterableIterator<{ eventChanged: EventChangePayload }, undefined> = {
      async next() {
        while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
        return done ? { done: true, value: undefined } : { done: false, value: { eventChanged: queue.shift()! } };
      },
      async return() {
        return end();
      },
      async throw(error: unknown) {
        end();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** The sync wrote a table: look now rather than at the next tick; now and then, drop changes older than `keepSeconds`. */
  notify(): void {
    if (this.#listeners.size > 0) void this.poll();
    if (Date.now() - this.#prunedAt >= PRUNE_EVERY_MS) {
      this.#prunedAt = Date.now();
      sql`delete from event_change where logged_at < now() - ${this.#keepSeconds} * interval '1 second'`.execute(this.#db).catch(() => {
        // The next notification tries again.
        this.#prunedAt = 0;
      });
    }
  }

  /** Reads what changed since the last look and hands it out; one look at a time, a request during one runs right after it. */
  poll(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#polling;
    }
    this.#running = true;
    this.#polling = (async () => {
      try {
        do {
          this.#again = false;
          await this.#readChanges();
        } while (this.#again);
      } catch (error) {
        // The hub database may be away for a moment: the next tick tries again from the same position.
        if (process.env.NODE_ENV !== 'test') console.error('[gridgraph] event feed could not read changes:', error instanceof Error ? error.message : error);
      } finally {
        this.#running = false;
      }
    })();
    return this.#polling;
  }

  /** Stops looking; listeners get nothing more. */
  close(): void {
    this.#stopTimer();
    this.#listeners.clear();
  }

  async #start(): Promise<void> {
    if (this.#position === undefined) {
      const { rows } = await sql<{ position: string; now: Date }>`select coalesce(max(id), 0)::text as position, now() as now from event_change`.execute(this.#db);
      this.#position ??= rows[0].position;
      this.#overdueCheckedAt ??= rows[0].now;
    }
    if (this.#timer === undefined && this.#pollMs > 0) {
      this.#timer = setInterval(() => void this.poll(), this.#pollMs);
      this.#timer.unref();
    }
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #readChanges(): Promise<void> {
    if (this.#position === undefined || this.#listeners.size === 0) return;
    const { rows } = await sql<ChangeRow>`
      select c.id::text as id, c.entity_key, c.source, c.change, c.stage, c.logged_at, f.grid_code, f.community_code
      from event_change c left join event_fact f using (source, source_table, record_id)
      where c.id > ${this.#position} order by c.id limit 10000`.execute(this.#db);
    if (rows.length > 0) this.#position = rows[rows.length - 1].id;
    const overdue = await this.#readOverdue();
    for (const row of [...rows, ...overdue]) {
      if (row.community_code === null) continue; // an event at no resolved address is in nobody's area
      const place = { grid_code: row.grid_code, division_code: row.community_code };
      const payload: EventChangePayload = {
        change: row.change,
        stage: row.stage === null ? null : (STAGE_NAMES[row.stage] ?? null),
        noticedAt: row.logged_at.toISOString(),
        event: { kind: 'EVENT', key: row.entity_key, owner: row.source, inArea: true },
      };
      for (const listener of this.#listeners) if (addressInScope(listener.scope, place)) listener.push(payload);
    }
    if (rows.length === 10000) this.#again = true;
  }

  /** Open events whose time limit passed since the last look. */
  async #readOverdue(): Promise<ChangeRow[]> {
    if (this.#limits.length === 0 || this.#overdueCheckedAt === undefined) return [];
    const since = this.#overdueCheckedAt;
    const limits = sql.join(this.#limits.map((l) => sql`(${l.source}::text, ${l.category}::text, ${l.seconds}::float8)`));
    const { rows } = await sql<ChangeRow & { checked_at: Date }>`
      select '0' as id, f.entity_key, f.source, 'OVERDUE' as change, null as stage, now() as logged_at, now() as checked_at, f.grid_code, f.community_code
      from event_fact f join (values ${limits}) as l (source, category, seconds) on l.source = f.source and l.category = f.category
      where f.closed_at is null and not f.deleted and f.entity_key is not null
        and f.opened_at + l.seconds * interval '1 second' > ${since}
        and f.opened_at + l.seconds * interval '1 second' <= now()`.execute(this.#db);
    this.#overdueCheckedAt = rows[0]?.checked_at ?? (await sql<{ now: Date }>`select now() as now`.execute(this.#db)).rows[0].now;
    return rows;
  }
}
