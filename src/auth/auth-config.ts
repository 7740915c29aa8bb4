import type { Config } from '../config/config.js';
import { loadDevRealm } from './dev-realm.js';
import { keycloakVerifier, type TokenVerifier } from './token-verifier.js';

/** The token verifier the configuration asks for, and a line saying which it is. */
export function configuredVerifier(config: Config): { verifier: TokenVerifier; description: string } {
  if (config.keycloak !== undefined) {
    const { url, realm, clientId } = config.keycloak;
    return {
      verifier: keycloakVerifier({ authServerUrl: url, realm, clientId }),
      description: `Keycloak realm ${realm} at ${url} (client ${clientId}; keys from its certificate endpoint)`,
    };
  }
  const devRealm = loadDevRealm(config.dataDir);
  return {
    verifier: keycloakVerifier(devRealm.settings),
    description: 'development realm (key pair in the data folder; mint tokens with `gridgraph token --role …`)',
  };
}
