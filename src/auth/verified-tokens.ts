import { createHash } from 'node:crypto';
import type { TokenClaims } from '../access/viewer.js';

/** How long a verified token is remembered, and how many. */
export interface VerifiedTokensOptions {
  /** Seconds a verification is reused; 0 verifies every request. */
  readonly maxAgeSeconds: number;
  /** Tokens remembered at most; the oldest is forgotten first. @default 10_000 */
  readonly maxEntries?: number;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

interface Entry {
  readonly claims: TokenClaims;
  /** Milliseconds since the epoch: the earlier of the token's `exp` and the cache's maximum age. */
  readonly until: number;
}

/**
 * The tokens this process verified lately, by the SHA-256 of the token (the
 * token itself is not kept): a caller's next requests skip the signature
 * check, an RSA verification for every request otherwise. An entry lives no
 * longer than the token (`exp`) nor than `maxAgeSeconds`, and all are
 * forgotten when the realm's key set changes (`clear`), so a withdrawn key
 * stops verifying as soon as the key set is read again. Only successful
 * verifications are remembered: a refused token is checked again each time.
 */
export class VerifiedTokens {
  readonly #entries = new Map<string, Entry>();
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  #generation = 0;

  constructor(options: VerifiedTokensOptions) {
    this.#maxAgeMs = options.maxAgeSeconds * 1000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The claims of a token verified within the last `maxAgeSeconds` and not expired since; undefined otherwise. */
  get(token: string): TokenClaims | undefined {
    if (this.#maxAgeMs <= 0) return undefined;
    const key = digest(token);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#now() >= entry.until) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.claims;
  }

  /** Counts the clears: a verification that began before one must not be remembered after it (it may have used a key since withdrawn). */
  get generation(): number {
    return this.#generation;
  }

  /** Remembers a token that has just verified, if no clear came since `generation` was read; `exp` is its expiry in seconds since the epoch. */
  remember(token: string, claims: TokenClaims, exp: number, generation = this.#generation): void {
    if (this.#maxAgeMs <= 0 || generation !== this.#generation) return;
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(digest(token), { claims: Object.freeze(claims), until: Math.min(exp * 1000, this.#now() + this.#maxAgeMs) });
  }

  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64');
}
