import { logWarning } from '../observability/logger.js';

/** The part of keycloak-connect's key rotation (`grantManager.rotation`) read here: its fetch of the realm's certificate endpoint, and the keys it verifies with. */
export interface KeycloakRotation {
  retrieveJWKs(): Promise<{ keys: { kid?: string }[] }>;
  jwks: { kid?: string }[];
}

/**
 * Reads the realm's key set again every `checkSeconds`, so a key the realm
 * withdraws stops verifying within that interval. keycloak-connect alone
 * fetches the key set only when a token names a key id it has not seen: a
 * withdrawn key it holds would verify tokens for as long as the process runs.
 * The check is made by the first verification after the interval (others
 * wait for the same fetch); when the key ids differ from the last ones read,
 * keycloak-connect is given the new set and `onChange` runs (the verified-
 * token cache is cleared). keycloak-connect's own fetches (a token naming a
 * new key id) are observed the same way: whoever reads the key set, a change
 * is seen. While the endpoint cannot be reached, the keys last read stay, and
 * the next verification after another interval tries again.
 */
export class RealmKeySet {
  readonly #rotation: KeycloakRotation;
  readonly #checkMs: number;
  readonly #onChange: () => void;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #keyIds: string | undefined;
  #checking: Promise<void> | undefined;

  constructor(rotation: KeycloakRotation, checkSeconds: number, onChange: () => void) {
    this.#rotation = rotation;
    this.#checkMs = checkSeconds * 1000;
    this.#onChange = onChange;
    const fetchKeys = rotation.retrieveJWKs.bind(rotation);
    rotation.retrieveJWKs = async () => {
      const keySet = await fetchKeys();
      this.#observe(keySet.keys);
      return keySet;
    };
  }

  /** Resolves once the key set is no older than the interval (at once, almost always). */
  current(): Promise<void> | undefined {
    if (Date.now() - this.#checkedAt < this.#checkMs) return undefined;
    this.#checking ??= this.#check().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async #check(): Promise<void> {
    try {
      this.#rotation.jwks = (await this.#rotation.retrieveJWKs()).keys;
    } catch (error) {
      logWarning("could not read the realm's key set; the keys last read stay", error);
    } finally {
      this.#checkedAt = Date.now();
    }
  }

  #observe(keys: readonly { kid?: string }[]): void {
    const keyIds = keys.map((key) => key.kid ?? '').sort().join(' ');
    if (this.#keyIds !== undefined && keyIds !== this.#keyIds) this.#onChange();
    this.#keyIds = keyIds;
  }
}
