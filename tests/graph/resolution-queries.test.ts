import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
const demo = generateDemoRegistry();
const room = demo.addresses.find((a) => a.room !== '' && a.unit === '2')!;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const RESOLUTION = `status confidence reason address { code level fullText } candidates { code }
  parsed { district street community road roadNumber compounds building unit floor room leftover }`;

describe(`address resolution over GraphQL (${testDatabaseKind})`, () => {
  it('resolves one text to a standard address, with what it read', async () => {
    const text = `南京市${room.district}${room.road}${room.road_number}号${room.compound}${room.building}栋${room.unit}单元${room.room}室`;
    const { data, errors } = await t.query(`query ($text: String!) { resolveAddress(text: $text) { text ${RESOLUTION} } }`, { text });
    expect(errors).toBeUndefined();
    expect(data.resolveAddress).toMatchObject({
      text,
      status: 'MATCHED',
      confidence: 1,
      reason: null,
      address: { code: room.address_code, level: 'ROOM' },
      candidates: [],
      parsed: { district: room.district, street: null, road: room.road, roadNumber: room.road_number, building: room.building, unit: room.unit, room: room.room, leftover: [] },
    });
  });

  it('resolves a batch in order, each with its own status', async () => {
    const texts = [
      `${room.road}${room.road_number}号${room.building}栋${room.unit}单元${room.room}`,
      `${room.road}${room.road_number}号99栋`,
      '幸福路12号',
    ];
    const { data } = await t.query(`query ($texts: [String!]!) { resolveAddresses(texts: $texts) { text status address { code } reason } }`, { texts });
    expect(data.resolveAddresses.map((r: { text: string; status: string }) => [r.text, r.status])).toEqual([
      [texts[0], 'MATCHED'],
      [texts[1], 'PARTIAL'],
      [texts[2], 'UNMATCHED'],
    ]);
    expect(data.resolveAddresses[1].reason).toMatch(/^building 99 is not in the registry/);
    expect(data.resolveAddresses[2].address).toBeNull();
  });

  it('returns the candidates of an AMBIGUOUS text', async () => {
    const multiUnitRoom = demo.addresses.find((a) => a.room !== '' && a.unit === '2')!;
    const text = `${multiUnitRoom.district}${multiUnitRoom.road}${multiUnitRoom.road_number}号${multiUnitRoom.building}栋${multiUnitRoom.room}室`;
    const { data } = await t.query(`query ($text: String!) { resolveAddress(text: $text) { status address { code } candidates { code unit room } } }`, { text });
    expect(data.resolveAddress.status).toBe('AMBIGUOUS');
    expect(data.resolveAddress.address).toBeNull();
    expect(data.resolveAddress.candidates.length).toBeGreaterThan(1);
    expect(new Set(data.resolveAddress.candidates.map((c: { room: string }) => c.room))).toEqual(new Set([multiUnitRoom.room]));
  });

  it('rejects empty texts, over-long texts and batches over 1,000 with BAD_USER_INPUT', async () => {
    const empty = await t.query(`{ resolveAddress(text: "  ") { status } }`);
    expect(empty.errors?.[0]).toMatchObject({ message: 'text: the address text is empty', extensions: { code: 'BAD_USER_INPUT' } });
    const many = await t.query(`query ($texts: [String!]!) { resolveAddresses(texts: $texts) { status } }`, { texts: Array(1001).fill('长江路1号') });
    expect(many.errors?.[0]).toMatchObject({ message: 'texts: 1001 texts; at most 1000 per call', extensions: { code: 'BAD_USER_INPUT' } });
    const long = await t.query(`query ($texts: [String!]!) { resolveAddresses(texts: $texts) { status } }`, { texts: ['长江路1号', 'x'.repeat(301)] });
    expect(long.errors?.[0].message).toBe('texts[1]: the address text is 301 characters; at most 300');
  });

  it('loads the chosen addresses of a 1,000-text batch in one go', async () => {
    const doors = demo.addresses.filter((a) => a.building === '');
    const texts = Array.from({ length: 1000 }, (_, i) => `${doors[i % doors.length].district}${doors[i % doors.length].road}${doors[i % doors.length].road_number}号`);
    const { data, errors } = await t.query(`query ($texts: [String!]!) { resolveAddresses(texts: $texts) { status address { code } } }`, { texts });
    expect(errors).toBeUndefined();
    expect(data.resolveAddresses).toHaveLength(1000);
    expect(data.resolveAddresses.every((r: { status: string }) => r.status === 'MATCHED')).toBe(true);
  });
});
