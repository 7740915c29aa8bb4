import { badUserInput } from '../errors/gridgraph-error.js';
import { unstorableText } from './storable-text.js';

/**
 * Global ids are `base64url("<Type>:<natural key>")`: stable across restarts
 * and imports, and opaque to clients.
 */
export function toGlobalId(type: string, key: string): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
}

export function fromGlobalId(id: string): { type: string; key: string } {
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  // A key that encodes a NUL would round-trip, and then reach PostgreSQL.
  if (colon <= 0 || colon === decoded.length - 1 || toGlobalId(decoded.slice(0, colon), decoded.slice(colon + 1)) !== id || unstorableText(decoded) !== undefined) {
    throw badUserInput(`"${id}" is not a gridgraph id`, { argument: 'id' });
  }
  return { type: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
}
