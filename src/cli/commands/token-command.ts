import { Command, InvalidArgumentError, Option } from 'commander';
import { ROLES, type Role, isRole } from '../../access/roles.js';
import { loadDevRealm } from '../../auth/dev-realm.js';
import { mintToken } from '../../auth/mint-token.js';
import { readConfig } from '../../config/config.js';
import { badUserInput } from '../../errors/gridgraph-error.js';
import { viewerFromClaims } from '../../access/viewer.js';
import { isInvalidToken } from '../../errors/invalid-token.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `90`, `90s`, `15m`, `1h`, `7d` → seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (match === null || Number(match[1]) === 0) throw new InvalidArgumentError('expected a duration such as 90s, 15m, 1h or 7d');
  return Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
}

export const tokenCommand = new Command('token')
  .description("print a development-realm bearer token (Keycloak's shape) for a role and an area")
  .addOption(new Option('-r, --role <role>', 'realm role (repeatable)').argParser(collect).makeOptionMandatory())
  .option('--grid <code>', 'grid code, for grid-worker (repeatable)', collect)
  .option('--community <code>', 'community code (12 digits), for community-staff (repeatable)', collect)
  .option('--street <code>', 'street code (9 digits), for street-staff (repeatable)', collect)
  .option('--district <code>', 'district code (6 digits), for the district-wide roles (repeatable)', collect)
  .option('--ttl <duration>', 'lifetime: 90s, 15m, 1h, 7d', parseTtl, 3600)
  .option('--subject <name>', 'the token subject (who the audit log says looked)')
  .addHelpText(
    'after',
    `\nRoles (DESIGN §5):\n${Object.entries(ROLES)
      .map(([role, scope]) => `  ${role.padEnd(24)} ${scope}`)
      .join('\n')}\n\nExample:\n  curl -H "Authorization: Bearer $(npx gridgraph token --role dept-police --district 320102)" \\\n       -H "X-Access-Purpose: case 2026-0042" http://localhost:4000/graphql …`,
  )
  .action(async (options: { role: string[]; grid?: string[]; community?: string[]; street?: string[]; district?: string[]; ttl: number; subject?: string }) => {
    const config = readConfig();
    if (config.keycloak !== undefined) {
      throw badUserInput('KEYCLOAK_URL is set: tokens come from that Keycloak; `gridgraph token` mints development-realm tokens only');
    }
    const unknown = options.role.filter((role) => !isRole(role));
    if (unknown.length > 0) throw badUserInput(`unknown role ${unknown.join(', ')}; the roles are ${Object.keys(ROLES).join(', ')}`);
    const token = await mintToken(loadDevRealm(config.dataDir), {
      roles: options.role as Role[],
      grids: options.grid,
      communities: options.community,
      streets: options.street,
      districts: options.district,
      ttlSeconds: options.ttl,
      subject: options.subject,
    });
    refuseWhatTheHubWouldRefuse(token);
    process.stdout.write(`${token}\n`);
  });

/** A token whose area the hub would reject (a 6-digit --community, a role without its area) is not worth printing. Grids are checked against the registry by the hub only. */
function refuseWhatTheHubWouldRefuse(token: string): void {
  try {
    viewerFromClaims(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')));
  } catch (error) {
    if (isInvalidToken(error)) throw badUserInput(`the hub would refuse this token: ${error.message}`);
    throw error;
  }
}
