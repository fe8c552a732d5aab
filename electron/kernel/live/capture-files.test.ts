import { mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureFilePath, capturePackets, listCaptures } from './capture-files';

const dir = mkdtempSync(join(tmpdir(), 'np-capfiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A little-endian µs pcap with one 42-byte ARP request. */
function arpPcap(): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(262144, 16);
  head.writeUInt32LE(1, 20);
  const frame = Buffer.from(
    'ffffffffffff02000000000108060001080006040001020000000001' + '0a000001' + '000000000000' + '0a000002',
    'hex',
  );
  const rec = Buffer.alloc(16);
  rec.writeUInt32LE(1795613742, 0);
  rec.writeUInt32LE(frame.length, 8);
  rec.writeUInt32LE(frame.length, 12);
  return Buffer.concat([head, rec, frame]);
}

describe('saved captures', () => {
  writeFileSync(join(dir, 'lab1-l1-a-2026-12-01T10-00-00-000Z.pcap'), arpPcap());
  writeFileSync(join(dir, 'lab1-l1-b-2026-12-01T11-00-00-000Z.pcap'), arpPcap().subarray(0, 30));
  writeFileSync(join(dir, 'lab1-l2-a-2026-12-01T09-00-00-000Z.pcap'), arpPcap());
  writeFileSync(join(dir, 'lab10-l1-a-2026-12-01T09-00-00-000Z.pcap'), arpPcap());
  writeFileSync(join(dir, 'secret.txt'), 'no');
  symlinkSync(join(dir, 'secret.txt'), join(dir, 'lab1-l1-a-planted.pcap'));
  utimesSync(join(dir, 'lab1-l1-a-2026-12-01T10-00-00-000Z.pcap'), new Date(1000_000), new Date(1000_000));
  utimesSync(join(dir, 'lab1-l1-b-2026-12-01T11-00-00-000Z.pcap'), new Date(2000_000), new Date(2000_000));

  it("lists one link's captures of one lab, newest first, with size and end; never a planted link", () => {
    const l = listCaptures('lab1', 'l1', dir);
    expect(l.map((c) => [c.name, c.end, c.bytes])).toEqual([
      ['lab1-l1-b-2026-12-01T11-00-00-000Z.pcap', 'b', 30],
      ['lab1-l1-a-2026-12-01T10-00-00-000Z.pcap', 'a', 82],
    ]);
    expect(listCaptures('lab1', undefined, dir).map((c) => c.name)).toHaveLength(3);
    expect(listCaptures('lab1', 'l1', join(dir, 'missing'))).toEqual([]);
  });

  it('reads the first packets for the table, and says when a file is cut off', async () => {
    const p = await capturePackets('lab1-l1-a-2026-12-01T10-00-00-000Z.pcap', 10, { dir });
    expect(p).toMatchObject({
      bytes: 82,
      more: false,
      packets: [{ n: 1, protocol: 'ARP', summary: 'who has 10.0.0.2? tell 10.0.0.1' }],
    });
    const cut = await capturePackets('lab1-l1-b-2026-12-01T11-00-00-000Z.pcap', 10, { dir });
    expect(cut.packets).toEqual([]);
    expect(cut.note).toMatch(/cut off/);
  });

  it('refuses names that are not one capture file of this user, in plain words', () => {
    expect(() => captureFilePath('../secret.txt', dir)).toThrow(/not the name of a capture file/);
    expect(() => captureFilePath('lab1-l1-a-planted.pcap', dir)).toThrow(/not a plain file/);
    expect(() => captureFilePath('nope.pcap', dir)).toThrow(/there is no capture "nope.pcap"/);
  });
});
