/**
 * Link traffic for the canvas animation (`lab:live`): per link, bytes and
 * packets per second in each direction, from the kernel's own interface
 * counters (the difference between two reads). One `ip -j -s link show`
 * per namespace of the lab.
 *
 * Direction a->b is what end a transmitted (its tx counter): a veth pair
 * delivers every frame one end sends to the other end.
 */
import { labIfaces } from './lab-ifaces';
import type { LiveOptions } from './owned';

export interface LinkRate {
  linkId: string;
  /** Both ends operationally up. */
  up: boolean;
  /** Bytes/s and packets/s sent by end a towards b, and by b towards a (0 on the first sample). */
  aToB: { bytesPerSec: number; packetsPerSec: number };
  bToA: { bytesPerSec: number; packetsPerSec: number };
  /** Total counters now (tx of each end). */
  totals: { aTxBytes: number; bTxBytes: number };
}

export interface LiveSample {
  lab: string;
  at: number;
  /** Seconds since the previous sample of this lab (0 on the first). */
  intervalSec: number;
  links: LinkRate[];
}

type Prev = { at: number; tx: Map<string, { bytes: number; packets: number }> };

/** Keeps the previous counters per lab so each call returns rates since the last one. */
export class RateSampler {
  private readonly prev = new Map<string, Prev>();
  constructor(private readonly o: LiveOptions = {}) {}

  async sample(lab: string): Promise<LiveSample> {
    const { topology, ifaces } = await labIfaces(lab, { ...this.o, stats: true });
    const at = Date.now();
    const before = this.prev.get(lab);
    const dt = before ? Math.max(0.001, (at - before.at) / 1000) : 0;
    const tx = new Map<string, { bytes: number; packets: number }>();
    for (const i of ifaces)
      if (i.counters)
        tx.set(`${i.linkId}:${i.end}`, { bytes: i.counters.txBytes, packets: i.counters.txPackets });
    const rate = (key: string) => {
      const now = tx.get(key);
      const was = before?.tx.get(key);
      // A counter that went down means the interface was re-created: start over.
      if (!now || !was || !dt || now.bytes < was.bytes) return { bytesPerSec: 0, packetsPerSec: 0 };
      return {
        bytesPerSec: Math.round((now.bytes - was.bytes) / dt),
        packetsPerSec: Math.round(((now.packets - was.packets) / dt) * 10) / 10,
      };
    };
    const links: LinkRate[] = topology.links.map((l) => {
      const ends = ifaces.filter((i) => i.linkId === l.id);
      return {
        linkId: l.id,
        up: ends.length === 2 && ends.every((e) => e.up),
        aToB: rate(`${l.id}:a`),
        bToA: rate(`${l.id}:b`),
        totals: { aTxBytes: tx.get(`${l.id}:a`)?.bytes ?? 0, bTxBytes: tx.get(`${l.id}:b`)?.bytes ?? 0 },
      };
    });
    this.prev.set(lab, { at, tx });
    return { lab, at, intervalSec: Math.round(dt * 1000) / 1000, links };
  }

  /** Forgets a lab (destroyed). */
  forget(lab: string): void {
    this.prev.delete(lab);
  }
}
