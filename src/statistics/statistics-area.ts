import type { AreaScope } from '../registry/area.js';
import type { GridRow, RegionRow } from '../db/hub-schema.js';

/** The levels statistics are kept at: the fact tables hold one code column per level. */
export type AreaLevel = 'GRID' | 'COMMUNITY' | 'STREET' | 'DISTRICT';

/** One area the command centre asks about: a grid, or a community, street or district region. */
export interface StatisticsArea {
  readonly level: AreaLevel;
  readonly code: string;
  /** For a grid: its community's 12-digit code (which decides whether it lies inside a caller's area). */
  readonly communityCode?: string;
}

/** The fact tables' column holding an area of this level. */
export const AREA_COLUMN: Readonly<Record<AreaLevel, string>> = {
  GRID: 'grid_code',
  COMMUNITY: 'community_code',
  STREET: 'street_code',
  DISTRICT: 'district_code',
};

/** The area of a region, or undefined for a province or city (no statistics are kept that high). */
export function areaOfRegion(region: Pick<RegionRow, 'code' | 'level'>): StatisticsArea | undefined {
  return region.level === 'COMMUNITY' || region.level === 'STREET' || region.level === 'DISTRICT' ? { level: region.level, code: region.code } : undefined;
}

export function areaOfGrid(grid: Pick<GridRow, 'code' | 'community_code'>): StatisticsArea {
  return { level: 'GRID', code: grid.code, communityCode: grid.community_code };
}

/**
 * Whether the whole area lies inside the caller's: a street-staff caller sees
 * its street, the communities and grids in it, never its district. Codes are
 * compared exactly at each level, as row scope does (registry/area.ts).
 */
export function areaInScope(scope: AreaScope, area: StatisticsArea): boolean {
  if (scope.everywhere) return false; // the anonymous door-plate view sees no statistics
  const community = area.level === 'GRID' ? area.communityCode ?? '' : area.level === 'COMMUNITY' ? area.code : undefined;
  if (area.level === 'GRID' && scope.grids.includes(area.code)) return true;
  if (community !== undefined && community.length === 12) {
    return scope.communities.includes(community) || scope.streets.includes(community.slice(0, 9)) || scope.districts.includes(community.slice(0, 6));
  }
  if (area.level === 'STREET') return scope.streets.includes(area.code) || scope.districts.includes(area.code.slice(0, 6));
  if (area.level === 'DISTRICT') return scope.districts.includes(area.code);
  return false;
}
