import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addressOf,
  canonicalCidr,
  canonicalIp,
  checkMac,
  contains,
  family,
  formatCidr,
  formatIp,
  hasHostBits,
  isBroadcast,
  isLinkLocal,
  isNetworkAddress,
  networkOf,
  normalizeMac,
  parseCidr,
  parseIp,
  prefixMask,
  prefixesOverlap,
  sameSubnet,
  type IpAddr,
} from './ip';
import { nextFreeAddress, nextFreeSubnet } from './ip-alloc';

describe('parseIp / parseCidr (strict)', () => {
  it.each([
    '10.0.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '::',
    '::1',
    'fd00::1',
    'FD00:0:0:0:0:0:0:1',
    '::ffff:10.0.0.1',
    '64:ff9b::192.0.2.33',
    '1:2:3:4:5:6:7:8',
    '1::',
    'fe80::1:2',
  ])('accepts %s', (s) => expect(parseIp(s)).not.toBeNull());

  it.each([
    '10.0.0.256',
    '10.0.0',
    '10.0.0.1.2',
    '010.0.0.1',
    '10.0.0.01',
    '10.0.0.-1',
    ' 10.0.0.1',
    '10.0.0.1 ',
    '1e1.0.0.1',
    '0x10.0.0.1',
    '',
    'abc',
    ':::',
    '1:::2',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    'g::1',
    '1:2:3:4:5:6:7::8',
    '::1.2.3',
    '1.2.3.4::',
    'fe80::1%eth0',
    '::ffff:010.0.0.1',
    ':1::',
    '1::2:',
  ])('rejects %s', (s) => expect(parseIp(s)).toBeNull());

  it.each([
    '10.0.0.1/33',
    '10.0.0.1/',
    '10.0.0.1',
    '10.0.0.1/024',
    '10.0.0.1/-1',
    '10.0.0.1/24/1',
    'fd00::1/129',
    'fd00::1/ 64',
    '/24',
    '10.0.0.256/24',
    '10.0.0.1/2a',
  ])('rejects CIDR %s', (s) => expect(parseCidr(s)).toBeNull());

  it('parses values and prefix', () => {
    expect(parseCidr('10.0.0.1/24')).toEqual({ family: 4, value: 0x0a000001n, prefix: 24 });
    expect(parseCidr('::ffff:1.2.3.4/128')).toEqual({ family: 6, value: 0xffff01020304n, prefix: 128 });
    expect(parseCidr('0.0.0.0/0')?.prefix).toBe(0);
  });

  it('never throws on non-strings', () => {
    expect(parseIp(42 as unknown as string)).toBeNull();
    expect(parseCidr(undefined as unknown as string)).toBeNull();
    expect(family(null as unknown as string)).toBeNull();
  });
});

describe('canonical forms (RFC 5952)', () => {
  it.each([
    ['fd00:0::1/64', 'fd00::1/64'],
    ['FD00:0000:0000:0000:0000:0000:0000:0001/64', 'fd00::1/64'],
    ['2001:db8:0:0:1:0:0:1/64', '2001:db8::1:0:0:1/64'], // first of equal runs
    ['2001:db8:0:1:1:1:1:1/64', '2001:db8:0:1:1:1:1:1/64'], // single zero group not compressed
    ['2001:0:0:1:0:0:0:1/48', '2001:0:0:1::1/48'], // longest run wins
    ['::/0', '::/0'],
    ['0:0:0:0:0:0:0:1/128', '::1/128'],
    ['::ffff:0a00:0001/128', '::ffff:10.0.0.1/128'],
    ['10.0.0.1/24', '10.0.0.1/24'],
  ])('%s -> %s', (input, out) => expect(canonicalCidr(input)).toBe(out));

  it('canonicalIp and addressOf', () => {
    expect(canonicalIp('fe80:0:0::0001')).toBe('fe80::1');
    expect(canonicalIp('nope')).toBeNull();
    expect(addressOf('fd00:0::5/64')).toBe('fd00::5');
    expect(addressOf('10.1.2.3')).toBe('10.1.2.3');
  });
});

describe('prefix arithmetic', () => {
  it('networkOf', () => {
    expect(networkOf('10.0.0.7/24')).toBe('10.0.0.0/24');
    expect(networkOf('10.0.255.7/17')).toBe('10.0.128.0/17');
    expect(networkOf('fd00:1:2:3:4::9/64')).toBe('fd00:1:2:3::/64');
    expect(networkOf('1.2.3.4/0')).toBe('0.0.0.0/0');
    expect(networkOf('bad')).toBeNull();
  });

  it('hasHostBits', () => {
    expect(hasHostBits('10.0.0.0/24')).toBe(false);
    expect(hasHostBits('10.0.0.1/24')).toBe(true);
    expect(hasHostBits('fd00::/64')).toBe(false);
    expect(hasHostBits('fd00::1/64')).toBe(true);
  });

  it('family', () => {
    expect(family('10.0.0.1')).toBe(4);
    expect(family('10.0.0.1/8')).toBe(4);
    expect(family('fd00::1/64')).toBe(6);
    expect(family('x')).toBeNull();
  });

  it('sameSubnet', () => {
    expect(sameSubnet('10.0.0.1/24', '10.0.0.200/24')).toBe(true);
    expect(sameSubnet('10.0.0.1/24', '10.0.1.1/24')).toBe(false);
    expect(sameSubnet('10.0.0.1/24', '10.0.0.2/16')).toBe(false);
    expect(sameSubnet('fd00::1/64', 'fd00::2/64')).toBe(true);
    expect(sameSubnet('fd00::1/64', '10.0.0.1/24')).toBe(false);
  });

  it('prefixesOverlap', () => {
    expect(prefixesOverlap('10.0.0.1/16', '10.0.5.1/24')).toBe(true);
    expect(prefixesOverlap('10.0.0.0/24', '10.0.1.0/24')).toBe(false);
    expect(prefixesOverlap('0.0.0.0/0', '192.168.1.1/32')).toBe(true);
    expect(prefixesOverlap('fd00::/8', 'fd12::/16')).toBe(true);
    expect(prefixesOverlap('fd00::/16', '10.0.0.0/8')).toBe(false);
  });

  it('contains', () => {
    expect(contains('10.0.0.0/24', '10.0.0.9')).toBe(true);
    expect(contains('10.0.0.5/24', '10.0.0.9/32')).toBe(true);
    expect(contains('10.0.0.0/24', '10.0.1.9')).toBe(false);
    expect(contains('fd00::/64', 'fd00::abcd')).toBe(true);
    expect(contains('fd00::/64', '10.0.0.1')).toBe(false);
    expect(contains('garbage', '10.0.0.1')).toBe(false);
  });

  it('isNetworkAddress / isBroadcast (IPv4 only, not /31 /32)', () => {
    expect(isNetworkAddress('10.0.0.0/24')).toBe(true);
    expect(isNetworkAddress('10.0.0.1/24')).toBe(false);
    expect(isNetworkAddress('10.0.0.0/31')).toBe(false);
    expect(isNetworkAddress('fd00::/64')).toBe(false);
    expect(isBroadcast('10.0.0.255/24')).toBe(true);
    expect(isBroadcast('10.0.0.127/25')).toBe(true);
    expect(isBroadcast('10.0.0.254/24')).toBe(false);
    expect(isBroadcast('10.0.0.1/31')).toBe(false);
    expect(isBroadcast('10.0.0.1/32')).toBe(false);
  });

  it('isLinkLocal', () => {
    expect(isLinkLocal('fe80::1/64')).toBe(true);
    expect(isLinkLocal('febf::1')).toBe(true);
    expect(isLinkLocal('fec0::1')).toBe(false);
    expect(isLinkLocal('169.254.3.4/16')).toBe(true);
    expect(isLinkLocal('10.0.0.1/8')).toBe(false);
  });
});

describe('prefixMask', () => {
  it('is the prefix of ones over the family, for every prefix (the table made once agrees with the arithmetic)', () => {
    for (const [fam, bits] of [
      [4, 32],
      [6, 128],
    ] as const) {
      for (let p = 0; p <= bits; p++) {
        const m = prefixMask(fam, p);
        const text = m.toString(2).padStart(bits, '0');
        expect(text).toBe('1'.repeat(p) + '0'.repeat(bits - p));
      }
    }
  });
});

describe('nextFreeAddress', () => {
  it('skips network, used and broadcast addresses (IPv4)', () => {
    expect(nextFreeAddress('10.0.0.0/24', [])).toBe('10.0.0.1/24');
    expect(nextFreeAddress('10.0.0.0/24', ['10.0.0.1/24', '10.0.0.2'])).toBe('10.0.0.3/24');
    expect(nextFreeAddress('10.0.0.0/30', ['10.0.0.1/30', '10.0.0.2/30'])).toBeNull();
    expect(nextFreeAddress('10.0.0.0/31', ['10.0.0.0/31'])).toBe('10.0.0.1/31');
    expect(nextFreeAddress('10.0.0.9/32', [])).toBe('10.0.0.9/32');
    expect(nextFreeAddress('10.0.0.9/32', ['10.0.0.9'])).toBeNull();
    // A /30 has two hosts: both taken, nothing is free (fast-check's counterexample, seed 1285440984).
    expect(nextFreeAddress('0.0.0.0/30', ['0.0.0.1', '0.0.0.2'])).toBeNull();
    expect(nextFreeAddress('0.0.0.0/30', ['0.0.0.1', '0.0.0.3'])).toBe('0.0.0.2/30');
    expect(nextFreeAddress('10.0.0.77/24', [])).toBe('10.0.0.1/24'); // host bits of the prefix ignored
  });

  it('IPv6 starts at ::1 and ignores other families', () => {
    expect(nextFreeAddress('fd00::/64', ['10.0.0.1/24'])).toBe('fd00::1/64');
    expect(nextFreeAddress('fd00::/64', ['fd00::1/64', 'fd00:0::2'])).toBe('fd00::3/64');
    expect(nextFreeAddress('fd00::/127', ['fd00::'])).toBe('fd00::1/127');
    expect(nextFreeAddress('nope', [])).toBeNull();
  });

  it('property: the first host address not in use, inside the prefix and not network/broadcast; null only when every one is used', () => {
    fc.assert(
      fc.property(
        fc.ipV4(),
        fc.integer({ min: 8, max: 30 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 40 }),
        (ip, plen, offs) => {
          const prefix = networkOf(`${ip}/${plen}`)!;
          const base = parseCidr(prefix)!.value;
          const used = offs.map((o) => formatIp({ family: 4, value: base + BigInt(o) }));
          const r = nextFreeAddress(prefix, used);
          // Host offsets run from 1 to size - 2 (a /30 has two): the answer is the lowest one not used.
          const lastHost = 2 ** (32 - plen) - 2;
          let first = 1;
          while (first <= lastHost && offs.includes(first)) first++;
          if (first > lastHost) {
            expect(r).toBeNull();
            return;
          }
          expect(r).toBe(`${formatIp({ family: 4, value: base + BigInt(first) })}/${plen}`);
          expect(contains(prefix, r!)).toBe(true);
          expect(used).not.toContain(addressOf(r!));
          expect(isNetworkAddress(r!)).toBe(false);
          expect(isBroadcast(r!)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('nextFreeSubnet', () => {
  it('finds the first free subnet in a pool', () => {
    expect(nextFreeSubnet('10.0.0.0/16', 24, [])).toBe('10.0.0.0/24');
    expect(nextFreeSubnet('10.0.0.0/16', 24, ['10.0.0.1/24', '10.0.1.7/24'])).toBe('10.0.2.0/24');
    expect(nextFreeSubnet('10.0.0.0/16', 24, ['10.0.0.0/23', '10.0.2.9'])).toBe('10.0.3.0/24');
    expect(nextFreeSubnet('10.0.0.0/16', 24, ['10.0.0.0/8'])).toBeNull();
    expect(nextFreeSubnet('10.0.0.0/30', 31, ['10.0.0.0/31'])).toBe('10.0.0.2/31');
    expect(nextFreeSubnet('fd00::/48', 64, ['fd00::1/64', 'fd00:0:0:1::/64', '10.0.0.0/8'])).toBe(
      'fd00:0:0:2::/64',
    );
    expect(nextFreeSubnet('10.0.0.0/16', 8, [])).toBeNull();
    expect(nextFreeSubnet('bad', 24, [])).toBeNull();
  });

  it('property: the result is inside the pool and overlaps nothing used', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 16, max: 30 })), {
          maxLength: 30,
        }),
        fc.integer({ min: 17, max: 28 }),
        (us, len) => {
          const used = us.map(([x, l]) => `10.0.${x}.1/${l}`);
          const r = nextFreeSubnet('10.0.0.0/16', len, used);
          if (r === null) {
            // full: every candidate overlaps something (checked by brute force)
            const size = 1 << (32 - len);
            for (let v = 0; v < 65536; v += size) {
              const cand = `10.0.${v >> 8}.${v & 255}/${len}`;
              expect(used.some((u) => prefixesOverlap(u, cand))).toBe(true);
            }
            return;
          }
          expect(contains('10.0.0.0/16', r)).toBe(true);
          expect(hasHostBits(r)).toBe(false);
          for (const u of used) expect(prefixesOverlap(u, r)).toBe(false);
          // and it is the first: every earlier candidate overlaps something
          const size = 1 << (32 - len);
          const rv = Number(parseCidr(r)!.value & 0xffffn);
          for (let v = 0; v < rv; v += size)
            expect(used.some((u) => prefixesOverlap(u, `10.0.${v >> 8}.${v & 255}/${len}`))).toBe(true);
        },
      ),
    );
  });
});

describe('MAC addresses', () => {
  it('normalises accepted forms', () => {
    expect(normalizeMac('02:AB:cd:00:00:01')).toBe('02:ab:cd:00:00:01');
    expect(normalizeMac('02-AB-CD-00-00-01')).toBe('02:ab:cd:00:00:01');
    expect(normalizeMac('02ab.cd00.0001')).toBe('02:ab:cd:00:00:01');
  });

  it('rejects garbage, multicast, broadcast and zero', () => {
    expect(checkMac('02:ab:cd:00:00')).toMatchObject({ ok: false });
    expect(checkMac('02:ab:cd:00:00:0g')).toMatchObject({ ok: false });
    expect(checkMac('02:ab-cd:00:00:01')).toMatchObject({ ok: false });
    const mc = checkMac('01:00:5e:00:00:01');
    expect(mc.ok).toBe(false);
    if (!mc.ok) expect(mc.reason).toMatch(/multicast/);
    expect(checkMac('ff:ff:ff:ff:ff:ff').ok).toBe(false);
    expect(checkMac('00:00:00:00:00:00').ok).toBe(false);
    expect(checkMac(7 as unknown as string).ok).toBe(false);
  });
});

const arbV4: fc.Arbitrary<IpAddr> = fc
  .bigInt({ min: 0n, max: (1n << 32n) - 1n })
  .map((value) => ({ family: 4 as const, value }));
const arbV6: fc.Arbitrary<IpAddr> = fc
  .oneof(
    fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
    // many zero groups, to exercise '::' compression
    fc
      .array(fc.constantFrom(0n, 0n, 0n, 1n, 0xffffn, 0xabcn), { minLength: 8, maxLength: 8 })
      .map((g) => g.reduce<bigint>((a, x) => (a << 16n) | x, 0n)),
  )
  .map((value) => ({ family: 6 as const, value }));
const arbAddr = fc.oneof(arbV4, arbV6);

describe('properties', () => {
  it('parse(format(x)) == x', () => {
    fc.assert(
      fc.property(arbAddr, (a) => {
        expect(parseIp(formatIp(a))).toEqual(a);
      }),
      { numRuns: 2000 },
    );
  });

  it('CIDR round trip', () => {
    fc.assert(
      fc.property(arbAddr, fc.integer({ min: 0, max: 128 }), (a, p) => {
        const c = { ...a, prefix: a.family === 4 ? p % 33 : p };
        expect(parseCidr(formatCidr(c))).toEqual(c);
      }),
    );
  });

  it('formats a parsed CIDR the same the second time (the memo of frozen parses) as an unfrozen copy', () => {
    fc.assert(
      fc.property(arbAddr, fc.integer({ min: 0, max: 128 }), (a, p) => {
        const c = parseCidr(`${formatIp(a)}/${a.family === 4 ? p % 33 : p}`);
        if (!c) throw new Error('a formatted address must parse');
        const first = formatCidr(c);
        expect(formatCidr(c)).toBe(first);
        expect(formatCidr({ ...c })).toBe(first);
      }),
    );
  });

  it('fast-check generated addresses parse and canonicalisation is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (s) => {
        const c = canonicalIp(s);
        expect(c).not.toBeNull();
        expect(canonicalIp(c!)).toBe(c);
        expect(parseIp(c!)).toEqual(parseIp(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('canonical form is lower case and never has a leading-zero group or a lone "::0"', () => {
    fc.assert(
      fc.property(arbV6, (a) => {
        const s = formatIp(a);
        expect(s).toBe(s.toLowerCase());
        if (!s.includes('.'))
          for (const g of s.split(':')) expect(g === '' || g === '0' || !g.startsWith('0')).toBe(true);
        expect(s.split('::').length).toBeLessThanOrEqual(2);
      }),
    );
  });

  it('overlap is symmetric and consistent with contains', () => {
    const arbCidr = arbAddr.chain((a) =>
      fc.integer({ min: 0, max: a.family === 4 ? 32 : 128 }).map((prefix) => formatCidr({ ...a, prefix })),
    );
    fc.assert(
      fc.property(arbCidr, arbCidr, (x, y) => {
        expect(prefixesOverlap(x, y)).toBe(prefixesOverlap(y, x));
        const o = prefixesOverlap(x, y);
        const cx = contains(x, networkOf(y)!.split('/')[0]);
        const cy = contains(y, networkOf(x)!.split('/')[0]);
        expect(o).toBe(cx || cy);
        if (sameSubnet(x, y)) expect(o).toBe(true);
      }),
    );
  });

  it('networkOf is idempotent and contains its input', () => {
    fc.assert(
      fc.property(arbV4, fc.integer({ min: 0, max: 32 }), (a, p) => {
        const c = formatCidr({ ...a, prefix: p });
        const n = networkOf(c)!;
        expect(networkOf(n)).toBe(n);
        expect(contains(n, c)).toBe(true);
        expect(hasHostBits(n)).toBe(false);
      }),
    );
  });
});

describe('parseCidr keeps its answers', () => {
  it('gives the same frozen answer for the same text, also after the kept answers were dropped', () => {
    const first = parseCidr('10.1.2.3/8');
    expect(first).toEqual({ family: 4, value: 0x0a010203n, prefix: 8 });
    expect(Object.isFrozen(first)).toBe(true);
    expect(parseCidr('10.1.2.3/8')).toBe(first);
    expect(parseCidr('10.1.2.3/33')).toBeNull();
    expect(parseCidr('10.1.2.3/33')).toBeNull();
    // More distinct texts than are kept: answers stay right.
    for (let i = 0; i < 5000; i++)
      expect(parseCidr(`10.${(i >> 8) & 255}.${i & 255}.1/24`)?.value).toBe(
        BigInt(0x0a000001 + (((i >> 8) & 255) << 16) + ((i & 255) << 8)),
      );
    expect(parseCidr('10.1.2.3/8')).toEqual(first);
    expect(formatCidr(parseCidr('255.255.255.255/32')!)).toBe('255.255.255.255/32');
  });
});
