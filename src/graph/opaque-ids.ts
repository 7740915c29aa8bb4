import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { badUserInput } from '../errors/gridgraph-error.js';
import { unstorableText } from './storable-text.js';

/** Bytes of the synthetic IV, which is also the authentication tag. */
const SIV_BYTES = 16;
/** Longer ids or cursors than any this hub makes are not read at all. */
const MAX_TOKEN_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The name of the hub secret that seals ids and cursors (`hub_secret.name`). */
export const GLOBAL_ID_SECRET = 'global-ids';

/** What a sealed token is for: an id is never accepted as a cursor, nor the other way round. */
type Purpose = 'id' | 'cursor';

/**
 * Global ids and cursors (docs/design.md §2.1): opaque, stable, and unforgeable. Each is
 * the natural key sealed with a key only the hub holds (`hub_secret`), as a
 * deterministic authenticated encryption (SIV: the IV is an HMAC of the
 * plaintext, and the ciphertext is AES-256-CTR under it). Deterministic, so
 * an entity keeps one id across requests, restarts and hub processes sharing
 * the hub database; authenticated, so a made-up or altered token does not
 * open; encrypted, so an id tells nothing of the ID number or credit code in
 * it, and without the key no one can build the id of a key to test it.
 */
export class OpaqueIds {
  readonly #encryptionKey: Buffer;
  readonly #macKey: Buffer;

  /** `secret`: at least 32 random bytes, kept by the hub (see `loadHubSecret`). */
  constructor(secret: Uint8Array) {
    if (secret.length < 32) throw new Error('the global-id secret must have at least 32 bytes');
    // Two keys derived from one secret: one authenticates, one encrypts.
    this.#encryptionKey = createHmac('sha256', secret).update('gridgraph opaque-id encryption').digest();
    this.#macKey = createHmac('sha256', secret).update('gridgraph opaque-id authentication').digest();
  }

  /** The global id of an entity of this GraphQL type and natural key. */
  id(type: string, key: string): string {
    return this.#seal('id', `${type}:${key}`);
  }

  /** The type and key an id was made from; undefined for anything this hub did not make. */
  parseId(id: string): { type: string; key: string } | undefined {
    const opened = this.#open('id', id);
    const colon = opened?.indexOf(':') ?? -1;
    return opened === undefined || colon <= 0 ? undefined : { type: opened.slice(0, colon), key: opened.slice(colon + 1) };
  }

  /** A list position: the sort key of the last row of a page. */
  cursor(key: string): string {
    return this.#seal('cursor', key);
  }

  /** The position a cursor stands for; BAD_USER_INPUT for anything this hub did not make. */
  parseCursor(cursor: string, argument = 'after'): string {
    const key = this.#open('cursor', cursor);
    if (key === undefined) throw badUserInput(`${argument}: not a cursor from this list`, { argument });
    return key;
  }

  #seal(purpose: Purpose, plaintext: string): string {
    const text = Buffer.from(plaintext, 'utf8');
    const iv = this.#syntheticIv(purpose, text);
    const cipher = createCipheriv('aes-256-ctr', this.#encryptionKey, iv);
    return Buffer.concat([iv, cipher.update(text), cipher.final()]).toString('base64url');
  }

  #open(purpose: Purpose, token: string): string | undefined {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !BASE64URL.test(token)) return undefined;
    const sealed = Buffer.from(token, 'base64url');
    // Only the one spelling this hub writes: base64url's unused trailing bits would otherwise let altered text open.
    if (sealed.length <= SIV_BYTES || sealed.toString('base64url') !== token) return undefined;
    const iv = sealed.subarray(0, SIV_BYTES);
    const decipher = createDecipheriv('aes-256-ctr', this.#encryptionKey, iv);
    const text = Buffer.concat([decipher.update(sealed.subarray(SIV_BYTES)), decipher.final()]);
    // The IV is the plaintext's MAC: only what this hub sealed, for this purpose, opens.
    if (!timingSafeEqual(iv, this.#syntheticIv(purpose, text))) return undefined;
    const opened = text.toString('utf8');
    // Nothing this hub seals holds text PostgreSQL cannot store; should it ever, it must not reach a query.
    return unstorableText(opened) === undefined ? opened : undefined;
  }

  #syntheticIv(purpose: Purpose, text: Buffer): Buffer {
    return createHmac('sha256', this.#macKey).update(purpose).update('\0').update(text).digest().subarray(0, SIV_BYTES);
  }
}
