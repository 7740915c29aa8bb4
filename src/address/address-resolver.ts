import type { Kysely } from 'kysely';
import type { HubSchema } from '../db/hub-schema.js';
import { streamIndexRows } from '../registry/address-repository.js';
import { findAllRegions } from '../registry/region-repository.js';
import { readRegistryRevision } from '../registry/registry-state-repository.js';
import { AddressIndex, type IndexRow } from './address-index.js';
import { matchAddress, type Resolution } from './address-matcher.js';
import { type ParsedAddress, parseAddress } from './address-parser.js';
import { metrics } from '../observability/metrics.js';

/** A resolution with the reading of the text it came from. */
export interface ResolvedText extends Resolution {
  readonly text: string;
  readonly parsed: ParsedAddress;
}

/**
 * Resolves free-text addresses against the registry (docs/design.md §3.2). The registry is
 * held in memory as an AddressIndex — no SQL per address — and rebuilt when the
 * registry's revision moves (an import changed it), checked once per call.
 */
export class AddressResolver {
  private current: { revision: string; index: AddressIndex } | undefined;
  private building: Promise<{ revision: string; index: AddressIndex }> | undefined;

  constructor(private readonly db: Kysely<HubSchema>) {}

  /** Resolves each text, in order. */
  async resolve(texts: readonly string[]): Promise<ResolvedText[]> {
    const index = await this.index();
    const results = texts.map((text) => resolveWith(index, text));
    metrics.addressesResolved(results);
    return results;
  }

  /** The index for the registry as it is now; built on first use and after each change. */
  async index(): Promise<AddressIndex> {
    const revision = await readRegistryRevision(this.db);
    if (this.current?.revision === revision) return this.current.index;
    // One build at a time: concurrent callers share it.
    this.building ??= buildIndex(this.db, revision).finally(() => (this.building = undefined));
    this.current = await this.building;
    return this.current.index;
  }
}

/** Resolves one text against an index. */
export function resolveWith(index: AddressIndex, text: string): ResolvedText {
  const parsed = parseAddress(text, index.gazetteer);
  return { text, parsed, ...matchAddress(parsed, index) };
}

async function buildIndex(db: Kysely<HubSchema>, revision: string): Promise<{ revision: string; index: AddressIndex }> {
  const rows: IndexRow[] = [];
  for await (const page of streamIndexRows(db)) rows.push(...page);
  return { revision, index: AddressIndex.build(await findAllRegions(db), rows) };
}
