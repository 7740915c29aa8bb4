import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The order in which an embedded database runs the messages of its clients.
 *
 * PGlite is one PostgreSQL session. pglite-socket lets several connections
 * share it and queues their protocol messages one by one, keeping a connection
 * to itself only inside a transaction. Outside one, the messages of two
 * connections' extended-protocol exchanges (Parse, Bind, Describe, Execute,
 * Sync) interleave, and each clobbers the other's unnamed statement and portal:
 * "portal does not exist", or worse, one client's rows in another's answer
 * (electric-sql/pglite#1046). This queue keeps a connection to itself from its
 * first message to the end of its exchange — a Sync, a simple Query, a
 * Terminate or a startup message — and for as long as the session is in a
 * transaction it began; then the next connection in line has its turn.
 *
 * It takes the place of the socket server's own queue, whose interface
 * (`enqueue`, `clearQueueForHandler`, `clearTransactionIfNeeded`,
 * `getQueueLength`) it keeps; package.json pins pglite-socket's version for it.
 */
export class PGliteExchangeQueue {
  private readonly waiting: QueuedMessage[] = [];
  private running = false;
  /** The connection whose exchange or transaction is under way: only its messages run until it ends. */
  private current: number | undefined;
  /** Connections gone while one of their messages ran: their turn is ended when it finishes. */
  private readonly gone = new Set<number>();

  constructor(private readonly db: PGlite) {}

  /** Puts this queue in place of `server`'s own, before it accepts connections. */
  static installOn(server: PGLiteSocketServer, db: PGlite): void {
    (server as unknown as { queryQueue: PGliteExchangeQueue }).queryQueue = new PGliteExchangeQueue(db);
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.run();
    });
  }

  getQueueLength(): number {
    return this.waiting.length;
  }

  /** A connection went away: its waiting messages are dropped. */
  clearQueueForHandler(handlerId: number): void {
    this.gone.add(handlerId);
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i].handlerId !== handlerId) continue;
      this.waiting.splice(i, 1)[0].reject(new Error('connection closed'));
    }
  }

  /**
   * A connection went away in the middle of its turn: end its exchange (a Sync
   * clears an error state waiting for one) and roll back its transaction, so the
   * next connection starts from a clean session.
   */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    // A message of its still running: run() ends the turn when it finishes.
    if (this.runningFor === handlerId) return;
    this.gone.delete(handlerId);
    if (this.current !== handlerId) return;
    await this.endTurn();
    void this.run();
  }

  /** The message running now is this connection's. */
  private runningFor: number | undefined;

  private async endTurn(): Promise<void> {
    await this.db.runExclusive(() => this.db.execProtocolRaw(SYNC));
    // exec takes the same lock as runExclusive: outside it.
    if (this.db.isInTransaction()) await this.db.exec('rollback');
    this.current = undefined;
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.current === undefined ? 0 : this.waiting.findIndex((m) => m.handlerId === this.current);
        // Nothing waiting, or the connection whose turn it is has not sent its next message yet.
        if (index === -1 || this.waiting.length === 0) return;
        const [next] = this.waiting.splice(index, 1);
        let sent = 0;
        this.runningFor = next.handlerId;
        let failure: { error: unknown } | undefined;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(next.message, {
              onRawData: (data) => {
                sent += data.length;
                next.onData(data);
              },
            }),
          );
        } catch (error) {
          failure = { error };
        } finally {
          this.runningFor = undefined;
        }
        // After a failure the connection keeps its turn: whatever state the session is in is its to end.
        this.current = failure === undefined && endsExchange(next.message) && !this.db.isInTransaction() ? undefined : next.handlerId;
        if (this.gone.delete(next.handlerId) && this.current === next.handlerId) await this.endTurn();
        if (failure === undefined) next.resolve(sent);
        else next.reject(failure.error);
      }
    } finally {
      this.running = false;
    }
  }
}

interface QueuedMessage {
  readonly handlerId: number;
  readonly message: Uint8Array;
  readonly onData: (data: Uint8Array) => void;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}

/** The frontend's Sync message: `S` and its length, 4. */
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/**
 * Whether a message ends its connection's exchange: Sync (`S`), a simple Query
 * (`Q`), Terminate (`X`), or a startup message (no type byte: it begins with its
 * length, whose first byte is 0 for any message this small).
 */
function endsExchange(message: Uint8Array): boolean {
  const type = message[0];
  return type === 0x53 || type === 0x51 || type === 0x58 || type === 0;
}
