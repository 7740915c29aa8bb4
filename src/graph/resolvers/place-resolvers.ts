import type { GridRow } from '../../db/hub-schema.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { countAddresses, pageAddresses } from '../../registry/address-repository.js';
import { divisionPrefix } from '../../registry/division.js';
import { countGrids, pageGrids } from '../../registry/grid-repository.js';
import { countRegions, pageRegions } from '../../registry/region-repository.js';
import { paginate } from '../connection.js';
import { doorPlateOf } from '../parents.js';

const byCode = (row: { code: string }) => row.code;

/** Place (地): regions, grids, standard addresses, door plates. Single look-ups go through loaders; lists page by code. */
export const placeResolvers: Resolvers = {
  Query: {
    region: (_, { code }, { loaders }) => loaders.regionByCode.load(code),
    regions: (_, { level, parentCode, ...page }, { db, ids }) => {
      const filter = { level: level ?? undefined, parentCode: parentCode ?? undefined };
      return paginate(ids, page, byCode, (after, limit) => pageRegions(db, filter, after, limit), () => countRegions(db, filter));
    },
    grid: (_, { code }, { loaders }) => loaders.gridByCode.load(code),
    grids: async (_, { regionCode, ...page }, { db, ids, loaders }) => {
      const region = regionCode == null ? undefined : await loaders.regionByCode.load(regionCode);
      if (regionCode != null && region == null) return paginate<GridRow>(ids, page, byCode, async () => [], async () => 0);
      const filter = { divisionPrefix: region ? divisionPrefix(region.code, region.level) : undefined };
      return paginate(ids, page, byCode, (after, limit) => pageGrids(db, filter, after, limit), () => countGrids(db, filter));
    },
    address: (_, { code }, { loaders }) => loaders.addressByCode.load(code),
    doorPlate: async (_, { code }, { loaders }) => {
      const address = await loaders.addressByDoorPlate.load(code);
      return address && doorPlateOf(address);
    },
  },

  Region: {
    id: (region, _, { ids }) => ids.id('Region', region.code),
    parent: (region, _, { loaders }) => (region.parent_code === null ? null : loaders.regionByCode.load(region.parent_code)),
    children: (region, page, { db, ids }) => {
      const filter = { parentCode: region.code };
      return paginate(ids, page, byCode, (after, limit) => pageRegions(db, filter, after, limit), () => countRegions(db, filter));
    },
    grids: (region, page, { db, ids }) => {
      const filter = { divisionPrefix: divisionPrefix(region.code, region.level) };
      return paginate(ids, page, byCode, (after, limit) => pageGrids(db, filter, after, limit), () => countGrids(db, filter));
    },
    addresses: (region, { level, ...page }, { db, ids, access }) => {
      const filter = { divisionPrefix: divisionPrefix(region.code, region.level), level: level ?? undefined, scope: access.viewer.scope };
      return paginate(ids, page, byCode, (after, limit) => pageAddresses(db, filter, after, limit), () => countAddresses(db, filter));
    },
  },

  Grid: {
    id: (grid, _, { ids }) => ids.id('Grid', grid.code),
    community: async (grid, _, { loaders }) => (await loaders.regionByCode.load(grid.community_code))!,
    addresses: (grid, { level, ...page }, { db, ids, access }) => {
      const filter = { gridCode: grid.code, level: level ?? undefined, scope: access.viewer.scope };
      return paginate(ids, page, byCode, (after, limit) => pageAddresses(db, filter, after, limit), () => countAddresses(db, filter));
    },
  },

  StandardAddress: {
    id: (address, _, { ids }) => ids.id('StandardAddress', address.code),
    fullText: (address) => address.full_text,
    roadNumber: (address) => address.road_number,
    region: async (address, _, { loaders }) => (await loaders.regionByCode.load(address.division_code))!,
    grid: (address, _, { loaders }) => (address.grid_code === null ? null : loaders.gridByCode.load(address.grid_code)),
    doorPlate: (address) => doorPlateOf(address),
    parent: (address, _, { loaders }) => (address.parent_code === null ? null : loaders.addressByCode.load(address.parent_code)),
    children: (address, page, { db, ids, access }) => {
      const filter = { parentCode: address.code, scope: access.viewer.scope };
      return paginate(ids, page, byCode, (after, limit) => pageAddresses(db, filter, after, limit), () => countAddresses(db, filter));
    },
  },

  DoorPlate: {
    id: (plate, _, { ids }) => ids.id('DoorPlate', plate.code),
    address: (plate) => plate.address,
  },
};
