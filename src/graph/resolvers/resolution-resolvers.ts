import type { RegionLevel } from '../../db/hub-schema.js';
import type { ResolvedText } from '../../address/address-resolver.js';
import { badUserInput } from '../../errors/gridgraph-error.js';
import type { Resolvers } from '../generated/resolvers-types.js';

/** The most texts one `resolveAddresses` call takes. */
export const MAX_RESOLVE_BATCH = 1_000;
/** The longest text the resolver reads; longer is not an address. */
export const MAX_ADDRESS_LENGTH = 300;

function checkText(text: string, where: string): void {
  if (text.trim() === '') throw badUserInput(`${where}: the address text is empty`, { argument: 'text' });
  if (text.length > MAX_ADDRESS_LENGTH) {
    throw badUserInput(`${where}: the address text is ${text.length} characters; at most ${MAX_ADDRESS_LENGTH}`, { argument: 'text' });
  }
}

/** The region the text names at one level, if its names there agree on one. */
function regionName(resolved: ResolvedText, level: RegionLevel): string | null {
  const names = new Set(
    resolved.parsed.mentions.flatMap((m) => m.meanings.flatMap((meaning) => (meaning.kind === 'REGION' && meaning.level === level ? [meaning.name] : []))),
  );
  return names.size === 1 ? [...names][0] : null;
}

/** Address resolution (docs/design.md §3.2): the resolver holds the registry in memory; the chosen addresses load through the request's loaders. */
export const resolutionResolvers: Resolvers = {
  Query: {
    resolveAddress: async (_, { text }, { addressResolver }) => {
      checkText(text, 'text');
      const [resolved] = await addressResolver.resolve([text]);
      return resolved;
    },
    resolveAddresses: async (_, { texts }, { addressResolver }) => {
      if (texts.length > MAX_RESOLVE_BATCH) {
        throw badUserInput(`texts: ${texts.length} texts; at most ${MAX_RESOLVE_BATCH} per call`, { argument: 'texts' });
      }
      texts.forEach((text, i) => checkText(text, `texts[${i}]`));
      return addressResolver.resolve(texts);
    },
  },
  AddressResolution: {
    address: (resolved, _, { loaders }) => (resolved.code === null ? null : loaders.addressByCode.load(resolved.code)),
    candidates: async (resolved, _, { loaders }) => {
      const rows = await loaders.addressByCode.loadMany(resolved.candidates);
      return rows.flatMap((row) => (row === null || row instanceof Error ? [] : [row]));
    },
    parsed: (resolved) => resolved,
  },
  ParsedAddress: {
    province: (resolved) => regionName(resolved, 'PROVINCE'),
    city: (resolved) => regionName(resolved, 'CITY'),
    district: (resolved) => regionName(resolved, 'DISTRICT'),
    street: (resolved) => regionName(resolved, 'STREET'),
    community: (resolved) => regionName(resolved, 'COMMUNITY'),
    road: (resolved) => resolved.parsed.road ?? null,
    roadNumber: (resolved) => resolved.parsed.roadNumber ?? null,
    compounds: (resolved) => [...resolved.parsed.compounds],
    building: (resolved) => resolved.parsed.building ?? null,
    unit: (resolved) => resolved.parsed.unit ?? null,
    floor: (resolved) => resolved.parsed.floor ?? null,
    room: (resolved) => resolved.parsed.room ?? null,
    leftover: (resolved) => [...resolved.parsed.leftover],
  },
};
