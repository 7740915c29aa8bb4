import Keycloak from 'keycloak-connect';
import type { TokenClaims } from '../access/viewer.js';
import { type KeycloakRotation, RealmKeySet } from './realm-key-set.js';
import { checkTokenEnvelope } from './token-checks.js';
import { VerifiedTokens } from './verified-tokens.js';

/** Where tokens come from: a Keycloak realm (production) or the development realm. */
export interface KeycloakSettings {
  /** e.g. `https://sso.example.gov.cn` (older Keycloaks: `…/auth`). */
  readonly authServerUrl: string;
  readonly realm: string;
  /** The client tokens must name in `aud`. */
  readonly clientId: string;
  /** The realm's public key (base64 DER). Given: verified locally. Absent: keys come from the realm's certificate endpoint, refetched when a token names an unknown key id (rotation). */
  readonly realmPublicKey?: string;
  /** With `realmPublicKey`: the key id tokens must name; a token naming another is rejected. */
  readonly realmKeyId?: string;
  /** Seconds between two fetches of the certificate endpoint. @default 10 */
  readonly minTimeBetweenJwksRequests?: number;
  /** Without `realmPublicKey`: seconds between two readings of the realm's key set, the longest a withdrawn key still verifies. @default 60 */
  readonly keySetCheckSeconds?: number;
  /** Seconds a verified token is reused without checking its signature again (never past its `exp`); 0 checks every request. @default 30 */
  readonly verifiedTokenSeconds?: number;
}

/** See `KeycloakSettings.keySetCheckSeconds` and `verifiedTokenSeconds`. */
export const DEFAULT_KEY_SET_CHECK_SECONDS = 60;
export const DEFAULT_VERIFIED_TOKEN_SECONDS = 30;

/** Checks a bearer token and returns its claims, or rejects saying why. */
export interface TokenVerifier {
  verify(token: string): Promise<TokenClaims>;
}

/**
 * The verifier of both modes, production and development realm. First
 * checkTokenEnvelope (token-checks.ts) does what keycloak-connect leaves out —
 * algorithm, key id, `exp` required, `nbf` and `iat` — then keycloak-connect in
 * bearer-only mode checks the signature (local key or the realm's JWKS with
 * rotation), expiry, `typ`, issuer and audience. We use its grant manager
 * directly rather than `keycloak.protect()`, which answers a bad token with
 * 403; gridgraph answers 401 (see authenticate.ts).
 *
 * A token that verified is reused for `verifiedTokenSeconds` (VerifiedTokens),
 * never past its `exp`; with keys from the realm's endpoint, the key set is
 * read again every `keySetCheckSeconds` (RealmKeySet) and a change forgets
 * every reused token: a withdrawn key stops verifying within that interval.
 */
export function keycloakVerifier(settings: KeycloakSettings): TokenVerifier {
  const keycloak = new Keycloak(
    {},
    {
      realm: settings.realm,
      'auth-server-url': settings.authServerUrl,
      resource: settings.clientId,
      'bearer-only': true,
      'verify-token-audience': true,
      'ssl-required': 'external',
      'confidential-port': 0,
      ...(settings.realmPublicKey ? { 'realm-public-key': settings.realmPublicKey } : {}),
      ...(settings.minTimeBetweenJwksRequests ? { 'min-time-between-jwks-requests': settings.minTimeBetweenJwksRequests } : {}),
    } as never,
  );
  const verified = new VerifiedTokens({ maxAgeSeconds: settings.verifiedTokenSeconds ?? DEFAULT_VERIFIED_TOKEN_SECONDS });
  const keySet =
    settings.realmPublicKey === undefined
      ? new RealmKeySet((keycloak.grantManager as unknown as { rotation: KeycloakRotation }).rotation, settings.keySetCheckSeconds ?? DEFAULT_KEY_SET_CHECK_SECONDS, () => verified.clear())
      : undefined;
  return {
    async verify(token) {
      await keySet?.current();
      const known = verified.get(token);
      if (known !== undefined) return known;
      checkTokenEnvelope(token, { keyId: settings.realmPublicKey === undefined ? undefined : settings.realmKeyId });
      const generation = verified.generation;
      const grant = await keycloak.grantManager.createGrant({ access_token: token } as never);
      const { content } = grant.access_token as unknown as { content: TokenClaims & { exp: number } };
      verified.remember(token, content, content.exp, generation);
      return content;
    },
  };
}
