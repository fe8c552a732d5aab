/**
 * Tricky but valid names on the real kernel: the engine applies a lab whose
 * names look like ip keywords or dotted numbers, and iproute2 (`ip -n NS
 * -batch -`) reads quoted words exactly as our makeargs port says. Every name
 * carries the test's unique prefix or lives in its own namespace; cleanup in afterEach.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyDocument, destroyLab, statusDocument } from './engine';
import { execaRunner } from './runner';
import { useKernelLab } from './test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';
import { batchText } from '../../shared/plan';
import { readBatch } from '../../shared/plan/testing/makeargs';
import { FALLBACK_TUNNEL_IFNAMES } from '../../shared/validate/names';

const root = isRoot();
const lab = useKernelLab({ beforeEach, afterEach });

/** A namespace's links but its loopback and the kernel's fallback tunnels (gre0, erspan0, …: in every namespace once ip_gre is loaded). */
const links = async (ns: string) =>
  (
    JSON.parse((await execaRunner(['ip', '-j', '-n', ns, 'link', 'show'])).stdout) as {
      ifname: string;
      ifalias?: string;
    }[]
  ).filter((l) => l.ifname !== 'lo' && !FALLBACK_TUNNEL_IFNAMES.includes(l.ifname));

describe.skipIf(!root)(
  `tricky names on the real kernel${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    it('applies, reads back in sync and destroys a lab named with keywords, dots and digits', async () => {
      const [a, b] = [`${lab.p}.type`, `${lab.p}..dev`];
      const doc = {
        version: 1,
        name: `${lab.p}-n.a_m.e`,
        nodes: [
          { id: 'a', name: a, kind: 'namespace' },
          { id: 'b', name: b, kind: 'router' },
        ],
        links: [
          {
            id: 'l1',
            a: { node: 'a', ifname: 'type', addresses: ['198.18.7.1/24'] },
            b: { node: 'b', ifname: '1.2.3.4', addresses: ['198.18.7.2/24'] },
          },
          {
            id: 'l2',
            a: { node: 'a', ifname: '.x', addresses: [] },
            b: { node: 'b', ifname: 'dev', addresses: [] },
          },
          {
            id: 'l3',
            a: { node: 'a', ifname: 'up', addresses: [] },
            b: { node: 'b', ifname: 'x..', addresses: [] },
          },
        ],
      };
      const r = await applyDocument(doc, { runDir: lab.run.dir });
      expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(r.result?.ok).toBe(true);
      expect((await links(a)).map((l) => l.ifname).sort()).toEqual(['.x', 'type', 'up']);
      expect((await links(b)).map((l) => l.ifname).sort()).toEqual(['1.2.3.4', 'dev', 'x..']);
      expect((await links(a)).find((l) => l.ifname === 'type')?.ifalias).toBe(`netplumb:${doc.name}:l1:a`);
      expect(
        (await execaRunner(['ip', 'netns', 'exec', a, 'ping', '-c1', '-W2', '198.18.7.2'])).exitCode,
      ).toBe(0);
      expect(await statusDocument(doc, { runDir: lab.run.dir })).toMatchObject({ inSync: true, drift: [] });
      await destroyLab(doc.name, { runDir: lab.run.dir });
      const left = (await execaRunner(['ip', 'netns', 'list'])).stdout;
      expect(left).not.toContain(a);
      expect(left).not.toContain(b);
    });

    it('ip -batch reads quoted words as our makeargs port does (alias text with quotes, blanks, a trailing backslash)', async () => {
      const ns = `${lab.p}q`;
      expect((await execaRunner(['ip', 'netns', 'add', ns])).exitCode).toBe(0);
      const aliases = ['"quoted alias" x', "it's", 'a\\', 'tab\there', ''];
      const lines = aliases.map((text) => ['link', 'set', 'dev', 'lo', 'alias', text]);
      for (const line of lines) {
        const input = batchText([line]);
        expect(readBatch(input).commands.map((c) => c.argv)).toEqual([line]);
        const run = await execaRunner(['ip', '-n', ns, '-batch', '-'], { input });
        expect(run.stderr).toBe('');
        const lo = JSON.parse(
          (await execaRunner(['ip', '-j', '-n', ns, 'link', 'show', 'dev', 'lo'])).stdout,
        )[0] as { ifalias?: string };
        expect(lo.ifalias ?? '').toBe(line[5]);
      }
    });
  },
);
