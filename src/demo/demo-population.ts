import type { StandardAddressRow } from '../db/hub-schema.js';
import { idNumberCheckCharacter } from '../identity/id-number.js';
import { SeededRandom } from './random.js';

/** One demo resident: the person every department's demo source describes in its own way. */
export interface DemoResident {
  /** 0-based, stable: the same resident in every source. */
  readonly index: number;
  readonly idNumber: string;
  readonly name: string;
  readonly gender: 'MALE' | 'FEMALE';
  /** yyyyMMdd */
  readonly birthDate: string;
  readonly phone: string;
  readonly home: StandardAddressRow;
  readonly floating: boolean;
}

const SURNAMES = [...'王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鹏飞斌宇浩凯秀云志海波宁欣怡梓涵子轩雨晨思远嘉慧佳琪俊杰'];
/** Birth days span 75 years from 1940: index → (day, sequence) is one-to-one up to 13.5 million residents. */
const DAYS = 27_000;
const BIRTH_EPOCH = Date.UTC(1940, 0, 1);

/**
 * The demo district's residents, deterministically: one to three per room at
 * scale 1, more at larger scales, each with a valid, unique ID number (born in
 * the district, or elsewhere for the floating population), a name, a phone.
 * Generated one at a time, never held as a whole.
 */
export function* demoResidents(rooms: readonly StandardAddressRow[], scale: number, seed: number): Generator<DemoResident> {
  const random = new SeededRandom(seed);
  const total = Math.max(1, Math.round(rooms.length * 2 * scale));
  for (let index = 0; index < total; index++) {
    const home = rooms[index % rooms.length];
    const floating = random.chance(0.2);
    const gender = random.chance(0.5) ? 'MALE' : 'FEMALE';
    const birth = new Date(BIRTH_EPOCH + ((index * 7919) % DAYS) * 86_400_000);
    const birthDate = `${birth.getUTCFullYear()}${String(birth.getUTCMonth() + 1).padStart(2, '0')}${String(birth.getUTCDate()).padStart(2, '0')}`;
    const sequence = (Math.floor(index / DAYS) % 500) * 2 + (gender === 'MALE' ? 1 : 0);
    const region = floating ? random.pick(['340104', '320322', '410105', '510107', '421002']) : home.division_code.slice(0, 6);
    const first17 = `${region}${birthDate}${String(sequence).padStart(3, '0')}`;
    const given = random.pick(GIVEN) + (random.chance(0.7) ? random.pick(GIVEN) : '');
    yield {
      index,
      idNumber: first17 + idNumberCheckCharacter(first17),
      name: random.pick(SURNAMES) + given,
      gender,
      birthDate,
      phone: `1${random.pick(['3', '5', '7', '8', '9'])}${String(random.int(0, 999_999_999)).padStart(9, '0')}`,
      home,
      floating,
    };
  }
}
