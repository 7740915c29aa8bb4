import { logWarning } from '../observability/logger.js';

/** The part of keycloak-connect's key rotation (`grantManager.rotation`) used here: the realm's URL, the keys it verifies with, and its fetch of them. */
export interface KeycloakRotation {
  readonly realmUrl: string;
  jwks: JsonWebKey[];
  retrieveJWKs(): Promise<{ keys: JsonWebKey[] }>;
}

interface JsonWebKey {
  readonly kid?: string;
  readonly kty?: string;
  readonly n?: string;
  readonly e?: string;
}

/** How long one reading of the certificate endpoint may take. */
const FETCH_TIMEOUT_MS = 5_000;

/** While the realm cannot be reached, the keys last read are trusted for this many intervals; then every token is refused until it answers. */
export const KEY_SET_MAX_AGE_INTERVALS = 5;

/**
 * Reads the realm's key set again every `checkSeconds`, so a key the realm
 * withdraws stops verifying within that interval. keycloak-connect alone
 * fetches the key set only when a token names a key id it has not seen: a
 * withdrawn key it holds would verify tokens for as long as the process runs.
 *
 * Every reading — this one's, and keycloak-connect's own on an unknown key id
 * — goes through `#read`: a deadline of 5 s, the answer parsed and its shape
 * checked (keycloak-connect's own fetch has no deadline and parses outside
 * any promise, so a hanging or non-JSON endpoint would hang every sign-in or
 * end the process). The check is made by the first verification after the
 * interval (others wait for the same reading). A changed set (key ids and
 * moduli) replaces keycloak-connect's, then `onChange` runs (the verified-
 * token cache is cleared). While the endpoint cannot be reached, the keys
 * last read stay for at most KEY_SET_MAX_AGE_INTERVALS intervals; after that
 * they are dropped and every token is refused until the realm answers (fail
 * closed: a withdrawn key is never trusted for longer than that).
 */
export class RealmKeySet {
  readonly #rotation: KeycloakRotation;
  readonly #checkMs: number;
  readonly #onChange: () => void;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #readAt = Number.NEGATIVE_INFINITY;
  #fingerprint: string | undefined;
  #checking: Promise<void> | undefined;
  /** Readings are numbered; an answer older than the last applied is dropped (two readings in flight may land out of order). */
  #issued = 0;
  #applied = 0;

  constructor(rotation: KeycloakRotation, checkSeconds: number, onChange: () => void) {
    this.#rotation = rotation;
    this.#checkMs = checkSeconds * 1000;
    this.#onChange = onChange;
    rotation.retrieveJWKs = () => this.#read();
  }

  /** Resolves once the key set is no older than the interval (at once, almost always). */
  current(): Promise<void> | undefined {
    if (performance.now() - this.#checkedAt < this.#checkMs) return undefined;
    this.#checking ??= this.#check().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async #check(): Promise<void> {
    try {
      await this.#read();
    } catch (error) {
      logWarning("could not read the realm's key set", error);
      if (performance.now() - this.#readAt > KEY_SET_MAX_AGE_INTERVALS * this.#checkMs && this.#rotation.jwks.length > 0) {
        logWarning(`the realm's keys were last read more than ${KEY_SET_MAX_AGE_INTERVALS} intervals ago: tokens are refused until it answers`);
        this.#rotation.jwks = [];
        this.#fingerprint = undefined;
        this.#onChange();
      }
    } finally {
      this.#checkedAt = performance.now();
    }
  }

  async #read(): Promise<{ keys: JsonWebKey[] }> {
    const reading = ++this.#issued;
    const response = await fetch(`${this.#rotation.realmUrl}/protocol/openid-connect/certs`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`the certificate endpoint answered ${response.status}`);
    const body = (await response.json().catch(() => undefined)) as { keys?: unknown } | undefined;
    const keys = body?.keys;
    if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'object' && key !== null && typeof key.kid === 'string')) {
      throw new Error('the certificate endpoint did not answer a key set');
    }
    if (reading > this.#applied) {
      this.#applied = reading;
      this.#readAt = performance.now();
      const fingerprint = (keys as JsonWebKey[]).map((key) => `${key.kid}:${key.n ?? ''}:${key.e ?? ''}`).sort().join(' ');
      this.#rotation.jwks = keys;
      if (this.#fingerprint !== undefined && fingerprint !== this.#fingerprint) this.#onChange();
      this.#fingerprint = fingerprint;
    }
    return { keys: this.#rotation.jwks };
  }
}
