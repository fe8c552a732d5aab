/**
 * MiniEdit link options (Mininet TCLink parameters) → netem, with the units
 * and the refusals Mininet and tc apply (see mininet-rules.ts). Whatever
 * Mininet would ignore is ignored here too, with a warning saying so.
 */
import type { Netem } from '../model';
import { MININET_BW_MAX, tcTimeMs } from './mininet-rules';

type Plain = Record<string, unknown>;
const num = (v: unknown) =>
  typeof v === 'number'
    ? v
    : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)
      ? Number(v)
      : undefined;
const present = (v: unknown) => v !== undefined && v !== null && v !== '';
/** TCLink options netem carries, and the ports that name the ends (miniedit.ts); the rest are named in a warning. */
const KNOWN = new Set(['delay', 'jitter', 'loss', 'bw', 'port1', 'port2']);

/** netem for one MiniEdit link's options; `warn(message, optionKey?)` reports what is dropped. */
export function linkNetem(opts: Plain, who: string, warn: (message: string, key?: string) => void): Netem {
  const netem: Netem = {};
  // delay, jitter and loss form one tc netem command: if tc or Mininet refuses one, none applies.
  let netemOk = true;
  const time = (key: 'delay' | 'jitter') => {
    if (!present(opts[key])) return undefined;
    const ms = tcTimeMs(opts[key]);
    if (ms === undefined) {
      warn(
        `${who}: ${key} ${JSON.stringify(opts[key])} is not a time tc understands (e.g. "10ms", "250us"), so Mininet's tc netem command fails and the link gets no delay, jitter or loss`,
        key,
      );
      netemOk = false;
    } else if (ms > 60000) {
      warn(
        `${who}: ${key} ${JSON.stringify(opts[key])} is longer than netplumb's 60 s limit and is dropped`,
        key,
      );
      return undefined;
    }
    return ms;
  };
  const delay = time('delay');
  const jitter = time('jitter');
  let loss: number | undefined;
  if (present(opts.loss)) {
    const l = num(opts.loss);
    if (l === undefined || l < 0 || l > 100) {
      warn(
        `${who}: loss ${JSON.stringify(opts.loss)} is not a percentage from 0 to 100; Mininet reports "Bad loss percentage" and sets no delay, jitter or loss on the link`,
        'loss',
      );
      netemOk = false;
    } else loss = l;
  }
  if (netemOk) {
    if (delay !== undefined && delay > 0) netem.delayMs = delay;
    if (jitter !== undefined && jitter > 0) {
      if (delay === undefined)
        warn(`${who}: jitter without a delay is refused by tc; it is dropped`, 'jitter');
      else netem.jitterMs = jitter;
    }
    if (loss !== undefined && loss > 0) netem.lossPercent = loss;
  }
  if (present(opts.bw)) {
    const bw = num(opts.bw);
    if (bw === undefined || bw <= 0 || bw > MININET_BW_MAX) {
      warn(
        `${who}: bandwidth ${JSON.stringify(opts.bw)} Mbit/s is outside Mininet's range 0..${MININET_BW_MAX}; Mininet ignores it, and so does netplumb`,
        'bw',
      );
    } else netem.rateKbit = Math.max(1, Math.round(bw * 1000));
  }
  const extra = Object.keys(opts).filter((k) => !KNOWN.has(k) && present(opts[k]));
  if (extra.length)
    warn(
      `${who}: options ${extra.map((k) => `${k}=${JSON.stringify(opts[k])}`).join(', ')} have no netplumb equivalent and are dropped`,
    );
  return netem;
}
