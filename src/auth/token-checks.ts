import { invalidToken } from '../errors/invalid-token.js';

/**
 * How far a token's `nbf` and `iat` may lie ahead of this server's clock: the
 * realm's clock and ours may disagree by a few seconds, never by minutes.
 * `exp` gets no leeway (keycloak-connect checks it strictly too).
 */
export const CLOCK_LEEWAY_SECONDS = 30;

/** The one signature algorithm accepted: keycloak-connect verifies RSA-SHA256 whatever a header claims. */
export const ACCEPTED_ALGORITHM = 'RS256';

/** What the header and time checks need to know. */
export interface TokenCheckOptions {
  /** The key id a token must name; absent: any non-empty key id (the realm's key set decides). */
  readonly keyId?: string;
  /** Seconds since the epoch. @default now */
  readonly now?: number;
}

/**
 * The checks keycloak-connect leaves out, made before it verifies the
 * signature: a compact signed JWT, `alg: RS256` (so `none` and HMAC tokens
 * never reach a verifier), the expected `kid`, `exp` present and in the
 * future, `nbf` and `iat` not ahead of the clock by more than the leeway.
 * Throws an invalid-token error naming the failed check.
 */
export function checkTokenEnvelope(token: string, options: TokenCheckOptions = {}): void {
  const { header, payload } = decodeCompactJwt(token);
  if (header.alg !== ACCEPTED_ALGORITHM) throw invalidToken(`invalid token (algorithm: only ${ACCEPTED_ALGORITHM} is accepted)`);
  if (typeof header.kid !== 'string' || header.kid === '') throw invalidToken('invalid token (no key id)');
  if (options.keyId !== undefined && header.kid !== options.keyId) throw invalidToken('invalid token (unknown key id)');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const exp = timeClaim(payload, 'exp');
  if (exp === undefined) throw invalidToken('invalid token (no exp: a token must expire)');
  if (exp <= now) throw invalidToken('invalid token (expired)');
  const nbf = timeClaim(payload, 'nbf');
  if (nbf !== undefined && nbf > now + CLOCK_LEEWAY_SECONDS) throw invalidToken('invalid token (nbf: not valid yet)');
  const iat = timeClaim(payload, 'iat');
  if (iat !== undefined && iat > now + CLOCK_LEEWAY_SECONDS) throw invalidToken('invalid token (iat: issued in the future)');
}

/** A NumericDate claim: absent, or a finite number of seconds; anything else makes the token invalid. */
function timeClaim(payload: Record<string, unknown>, name: 'exp' | 'nbf' | 'iat'): number | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidToken(`invalid token (${name} is not a number of seconds)`);
  return value;
}

/**
 * keycloak-connect reads a token it cannot parse as one that expired at 0, so
 * "not-a-token" would be answered "invalid token (expired)". Decoding here
 * first gives the caller the true reason.
 */
function decodeCompactJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const parts = token.split('.');
  // An empty signature is let through to the algorithm check, so `alg: none` is named as such.
  const shaped = parts.length === 3 && /^[A-Za-z0-9_-]+$/.test(parts[0]) && /^[A-Za-z0-9_-]+$/.test(parts[1]) && /^[A-Za-z0-9_-]*$/.test(parts[2]);
  if (!shaped) throw invalidToken('malformed token (not a signed JWT)');
  const [header, payload] = [parts[0], parts[1]].map((part) => {
    try {
      const decoded: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
      return typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded) ? (decoded as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  });
  if (header === undefined || payload === undefined) throw invalidToken('malformed token (not a signed JWT)');
  return { header, payload };
}
