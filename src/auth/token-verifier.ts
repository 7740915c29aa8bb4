import Keycloak from 'keycloak-connect';
import type { TokenClaims } from '../access/viewer.js';
import { checkTokenEnvelope } from './token-checks.js';

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
}

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
  return {
    async verify(token) {
      checkTokenEnvelope(token, { keyId: settings.realmPublicKey === undefined ? undefined : settings.realmKeyId });
      const grant = await keycloak.grantManager.createGrant({ access_token: token } as never);
      return (grant.access_token as unknown as { content: TokenClaims }).content;
    },
  };
}
