import type { RegionLevel, RegionRow } from '../db/hub-schema.js';
import { cleanRegistryValue } from './clean-text.js';

/** What a name in a text can stand for. */
export type NameMeaning =
  | { kind: 'REGION'; level: RegionLevel; code: string; name: string }
  | { kind: 'ROAD'; road: string }
  | { kind: 'COMPOUND'; compound: string };

/** Suffixes a region's name may be written without, by level (南京市 → 南京, 梅园新村街道 → 梅园新村). */
const SHORTENABLE: Record<RegionLevel, RegExp> = {
  PROVINCE: /(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$/,
  CITY: /(市|地区|自治州|盟)$/,
  DISTRICT: /(区|县|市|旗|自治县)$/,
  STREET: /(街道办事处|街道|镇|乡)$/,
  COMMUNITY: /(社区居委会|居委会|村委会|社区|村)$/,
};

/**
 * Every name the registry knows — regions in full and short forms, roads,
 * compounds — with what each can mean. Built from the registry, so any imported
 * district is known; nothing is hard-coded.
 */
export class Gazetteer {
  private readonly names = new Map<string, NameMeaning[]>();
  /** The longest name, which bounds the scan. */
  maxLength = 0;

  addRegion(region: RegionRow): void {
    const name = cleanRegistryValue(region.name);
    const meaning: NameMeaning = { kind: 'REGION', level: region.level, code: region.code, name: region.name };
    this.add(name, meaning);
    const short = name.replace(SHORTENABLE[region.level], '');
    // A one-character short form (东区 → 东) would match inside any word.
    if (short !== name && short.length >= 2) this.add(short, meaning);
  }

  addRoad(road: string): void {
    this.add(road, { kind: 'ROAD', road });
  }

  addCompound(compound: string): void {
    const meaning: NameMeaning = { kind: 'COMPOUND', compound };
    this.add(compound, meaning);
    // 小区 is a generic word: 颐和小区 is also written 颐和.
    const short = compound.replace(/小区$/, '');
    if (short !== compound && short.length >= 2) this.add(short, meaning);
  }

  /** What a name can mean; undefined if the registry does not know it. */
  lookup(name: string): readonly NameMeaning[] | undefined {
    return this.names.get(name);
  }

  private add(name: string, meaning: NameMeaning): void {
    const meanings = this.names.get(name);
    if (meanings === undefined) {
      this.names.set(name, [meaning]);
      this.maxLength = Math.max(this.maxLength, name.length);
    } else if (!meanings.some((known) => sameMeaning(known, meaning))) {
      meanings.push(meaning);
    }
  }
}

function sameMeaning(a: NameMeaning, b: NameMeaning): boolean {
  if (a.kind === 'REGION' && b.kind === 'REGION') return a.code === b.code;
  if (a.kind === 'ROAD' && b.kind === 'ROAD') return a.road === b.road;
  if (a.kind === 'COMPOUND' && b.kind === 'COMPOUND') return a.compound === b.compound;
  return false;
}
