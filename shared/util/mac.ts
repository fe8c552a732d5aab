/** Ethernet MAC address checks and normalisation. Pure, no dependencies. */

/** Result of checking a MAC address. */
export type MacResult = { ok: true; mac: string } | { ok: false; reason: string };

const MAC_FORMS = [
  /^([0-9a-f]{2})[:]([0-9a-f]{2})[:]([0-9a-f]{2})[:]([0-9a-f]{2})[:]([0-9a-f]{2})[:]([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i,
];

/**
 * Checks and normalises a unicast Ethernet MAC address to lower-case colon
 * form. Accepts `aa:bb:cc:dd:ee:ff`, `AA-BB-CC-DD-EE-FF` and `aabb.ccdd.eeff`.
 * Rejects multicast/broadcast and all-zero addresses, which the kernel refuses
 * for an interface (is_valid_ether_addr).
 */
export function checkMac(s: string): MacResult {
  if (typeof s !== 'string') return { ok: false, reason: 'a MAC address must be a string' };
  let m: RegExpMatchArray | null = null;
  for (const re of MAC_FORMS) {
    m = s.match(re);
    if (m) break;
  }
  if (!m)
    return {
      ok: false,
      reason: `"${s}" is not a MAC address (expected six hex bytes like 02:00:00:00:00:01)`,
    };
  const bytes = m.slice(1, 7).map((b) => b.toLowerCase());
  const mac = bytes.join(':');
  if (parseInt(bytes[0], 16) & 1) {
    return {
      ok: false,
      reason: `${mac} is a multicast address (lowest bit of the first byte is set); an interface needs a unicast MAC such as 02:00:00:00:00:01`,
    };
  }
  if (bytes.every((b) => b === '00'))
    return { ok: false, reason: '00:00:00:00:00:00 is not a usable interface address' };
  return { ok: true, mac };
}

/** The normalised MAC, or null when `s` is not a valid unicast MAC. */
export function normalizeMac(s: string): string | null {
  const r = checkMac(s);
  return r.ok ? r.mac : null;
}
