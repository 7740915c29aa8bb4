import type { Config } from '../config/config.js';
import { type DevRealm, loadDevRealm } from './dev-realm.js';
import { invalidToken, isInvalidToken } from '../errors/invalid-token.js';
import { keycloakVerifier, type TokenVerifier } from './token-verifier.js';

/** The token verifier the configuration asks for, and a line saying which it is. */
export function configuredVerifier(config: Config): { verifier: TokenVerifier; description: string; devRealm?: DevRealm } {
  if (config.keycloak !== undefined) {
    const { url, realm, clientId, keySetCheckSeconds } = config.keycloak;
    return {
      verifier: keycloakVerifier({ authServerUrl: url, realm, clientId, keySetCheckSeconds, verifiedTokenSeconds: config.tokenReuseSeconds }),
      description: `Keycloak realm ${realm} at ${url} (client ${clientId}; keys from its certificate endpoint)`,
    };
  }
  const devRealm = loadDevRealm(config.dataDir);
  return {
    verifier: devRealmVerifier(devRealm, config.tokenReuseSeconds),
    description: 'development realm (key pair in the data folder; mint tokens with `gridgraph token --role …`)',
    devRealm,
  };
}

/**
 * The development realm's verifier. Every data folder has its own realm key,
 * so a token minted with `gridgraph token` against another folder (a second
 * checkout, another GRIDGRAPH_DATA_DIR) names the development issuer but
 * another key: it is refused, as any token of an unknown key, but the reason
 * says so — the usual first-hour mistake, not an attack to keep quiet about.
 * The folder's path is not told (a caller learns nothing of the machine), and
 * the text is ASCII: it goes out in the WWW-Authenticate header.
 */
export function devRealmVerifier(devRealm: DevRealm, tokenReuseSeconds?: number): TokenVerifier {
  const verifier = keycloakVerifier({ ...devRealm.settings, verifiedTokenSeconds: tokenReuseSeconds });
  return {
    async verify(token) {
      try {
        return await verifier.verify(token);
      } catch (error) {
        if (isInvalidToken(error) && /unknown key id|signature/.test(error.message) && issuerOf(token) === devRealm.issuer) {
          throw invalidToken(
            'invalid token (minted by the development realm of another data folder: each GRIDGRAPH_DATA_DIR has its own realm key; ' +
              'mint one for this hub with gridgraph token, run with the same GRIDGRAPH_DATA_DIR)',
          );
        }
        throw error;
      }
    },
  };
}

/** The token's `iss`, read without trusting it (only to word a refusal). */
function issuerOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}
