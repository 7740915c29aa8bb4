import type { RowSource, SourceRow } from '../registry/registry-records.js';
import { type DistrictSpec, XUANWU } from './districts.js';
import { SeededRandom } from './random.js';

export interface DemoRegistryOptions {
  /** Districts to generate. @default [XUANWU] (Nanjing 玄武区) */
  districts?: readonly DistrictSpec[];
  /** Doors per community grow with it; 1 gives about 5,000 addresses per district. @default 1 */
  scale?: number;
  /** @default 2602 */
  seed?: number;
}

/** A registry as the rows of grids.csv and addresses.csv (docs/design.md §3.1), line numbers as in a file with a header. */
export interface DemoRegistry {
  grids: Record<string, string>[];
  addresses: Record<string, string>[];
}

const COMPOUND_STEMS = ['梅园', '金陵', '紫金', '钟山', '玄武', '秦淮', '清溪', '凤凰', '龙江', '锦绣', '和平', '长乐', '银城', '月安', '兴元'];
const COMPOUND_TAILS = ['新村', '花园', '小区', '公寓', '苑', '雅居', '家园'];

/**
 * Generates a registry deterministically: communities with two residential
 * grids each and a dedicated grid per street, doors along the street's roads
 * (some with `-1` numbers), compounds of buildings with units, floors and rooms,
 * shop fronts without buildings, and a QR door plate on every door and building.
 */
export function generateDemoRegistry(options: DemoRegistryOptions = {}): DemoRegistry {
  const random = new SeededRandom(options.seed ?? 2602);
  const scale = options.scale ?? 1;
  const grids: Record<string, string>[] = [];
  const addresses: Record<string, string>[] = [];
  let plates = 0;

  for (const district of options.districts ?? [XUANWU]) {
    // Each road numbers its doors from a sequence seeded by its name, so a road that
    // runs through two districts (中山东路) has the same door numbers in both, as real
    // ones do — the case where only a district can tell two addresses apart.
    const numbering = new Map<string, { next: number; random: SeededRandom }>();
    for (const street of district.streets) {
      const dedicatedGrid = `${street.code}999`;
      street.communities.forEach((community, communityIndex) => {
        const division_code = `${street.code}${String(communityIndex + 1).padStart(3, '0')}`;
        const names = { province: district.province, city: district.city, district: district.name, street: street.name, community, division_code };
        const residential = [1, 2].map((n) => `${division_code}${String(n).padStart(2, '0')}`);
        residential.forEach((grid_code, i) =>
          grids.push({ grid_code, name: `${community}第${i + 1}网格`, ...names, kind: 'RESIDENTIAL' }),
        );
        if (communityIndex === 0) {
          grids.push({ grid_code: dedicatedGrid, name: `${street.name}商务楼宇专属网格`, ...names, kind: 'DEDICATED' });
        }
        let serial = 0;
        const addressCode = () => `${division_code}${String(++serial).padStart(6, '0')}`;
        const doors = Math.round(4 * scale);
        for (let d = 0; d < doors; d++) {
          const road = street.roads[(communityIndex + d) % street.roads.length];
          const sequence = numbering.get(road) ?? { next: 0, random: new SeededRandom(hashOf(road)) };
          numbering.set(road, sequence);
          const base = (sequence.next += sequence.random.int(1, 6) * 2);
          const road_number = random.chance(0.1) ? `${base}-1` : String(base);
          const isShop = random.chance(0.25);
          const grid_code = isShop ? dedicatedGrid : random.pick(residential);
          const [longitude, latitude] = jitter(random, district.center);
          const doorRow = {
            ...names, road, road_number, compound: '', building: '', unit: '', floor: '', room: '', grid_code,
            longitude, latitude,
          };
          const doorCode = addressCode();
          addresses.push({ address_code: doorCode, ...doorRow, door_plate_code: plateCode(district.code, ++plates) });
          if (isShop) continue;
          const compound = `${random.pick(COMPOUND_STEMS)}${random.pick(COMPOUND_TAILS)}`;
          const buildings = random.int(3, 6);
          for (let b = 1; b <= buildings; b++) {
            const units = random.int(1, 3);
            const floors = random.int(3, 6);
            const buildingRow = { ...doorRow, compound, building: String(b) };
            addresses.push({ address_code: addressCode(), ...buildingRow, door_plate_code: plateCode(district.code, ++plates) });
            for (let u = 1; u <= units; u++) {
              for (let f = 1; f <= floors; f++) {
                for (let r = 1; r <= 2; r++) {
                  const room = `${f}0${r}`;
                  addresses.push({
                    address_code: addressCode(), ...buildingRow, unit: String(u), floor: String(f), room, door_plate_code: '',
                  });
                }
              }
            }
          }
        }
      });
    }
  }
  return { grids, addresses };
}

/** The demo registry as the importer's row sources, named like the files they stand for. */
export function demoRowSources(registry: DemoRegistry): { grids: RowSource; addresses: RowSource } {
  return { grids: asSource('grids.csv', registry.grids), addresses: asSource('addresses.csv', registry.addresses) };
}

function asSource(name: string, rows: Record<string, string>[]): RowSource {
  const asRows: SourceRow[] = rows.map((values, index) => ({ line: index + 2, values }));
  return { name, rows: asRows };
}

function hashOf(text: string): number {
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.codePointAt(0)!, 16777619);
  return hash >>> 0;
}

function plateCode(districtCode: string, serial: number): string {
  return `${districtCode}MP${String(serial).padStart(7, '0')}`;
}

function jitter(random: SeededRandom, [longitude, latitude]: readonly [number, number]): [string, string] {
  return [(longitude + (random.next() - 0.5) * 0.04).toFixed(6), (latitude + (random.next() - 0.5) * 0.03).toFixed(6)];
}
