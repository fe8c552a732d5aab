/**
 * The helper as the app uses it: a separate process fed JSON lines on stdin.
 * Started directly (this machine's tests run as root), the way pkexec would.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHelperClient, helperCommand } from './helper-client';
import { LineSplitter } from './helper-protocol';

const root = path.resolve(import.meta.dirname, '../..');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Sends lines to a fresh helper, closes stdin, returns the parsed answer lines. */
async function talk(lines: string[]): Promise<Record<string, unknown>[]> {
  const [cmd, ...args] = helperCommand(root, { elevate: 'none' });
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  for (const l of lines) child.stdin.write(`${l}\n`);
  child.stdin.end();
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('privileged helper (spawned as root)', () => {
  it.skipIf(!isRoot)(
    'validates a document, lists labs and refuses anything that is not an allowlisted op',
    async () => {
      const doc = {
        version: 1,
        name: 'nphelper',
        nodes: [
          { id: 'a', kind: 'namespace' },
          { id: 'b', kind: 'namespace' },
        ],
        links: [
          {
            id: 'l1',
            a: { node: 'a', ifname: 'this-name-is-far-too-long' },
            b: { node: 'b', ifname: 'eth0' },
          },
        ],
      };
      const answers = await talk([
        JSON.stringify({ id: 1, op: 'validate', args: { topology: doc } }),
        JSON.stringify({ id: 2, op: 'list', args: {} }),
        JSON.stringify({ id: 3, op: 'exec', args: { argv: ['id'] } }),
        JSON.stringify({ id: 4, op: 'destroy', args: { lab: 42 } }),
        JSON.stringify({ id: 5, op: 'toString', args: {} }),
        'not json',
      ]);
      const byId = (id: number | null) => answers.filter((a) => a.id === id);

      const v = byId(1)[0] as { result: { problems: { message: string; linkId?: string }[] } };
      expect(v.result.problems.some((p) => p.linkId === 'l1' && /15/.test(p.message))).toBe(true);

      const list = byId(2)[0] as { result: unknown };
      expect(Array.isArray(list.result)).toBe(true);

      expect(byId(3)[0]).toEqual({ id: 3, error: expect.stringMatching(/^unknown operation "exec"/) });
      expect(byId(4)[0]).toEqual({
        id: 4,
        error: expect.stringMatching(/arguments of destroy are malformed/),
      });
      expect(byId(5)[0]).toEqual({ id: 5, error: expect.stringMatching(/^unknown operation "toString"/) });
      expect(byId(null)).toEqual([{ id: null, error: 'the request is not valid JSON' }]);
    },
  );

  it.skipIf(!isRoot)('helper-client carries engine calls to the helper and back', async () => {
    const client = createHelperClient(helperCommand(root, { elevate: 'none' }));
    try {
      const labs = await client.listLabs();
      expect(Array.isArray(labs)).toBe(true);
      // Detection as root in the helper: veth pairs always exist on a lab machine.
      const caps = await client.capabilities();
      expect(caps.features.veth).toBe(true);
      expect(typeof caps.details.netem).toBe('string');
      await expect(client.destroyLab('')).rejects.toThrow(/malformed/);
    } finally {
      client.close();
    }
  });
});

describe('privileged helper applies for real', () => {
  it.skipIf(!isRoot)(
    'applies a two-namespace lab through the helper with progress, then destroys it',
    async () => {
      const hex = randomBytes(3).toString('hex');
      const lab = `nph${hex}`;
      const [nsA, nsB] = [`npa${hex}`, `npb${hex}`];
      const doc = {
        version: 1,
        name: lab,
        nodes: [
          { id: 'a', name: nsA, kind: 'namespace' },
          { id: 'b', name: nsB, kind: 'namespace' },
        ],
        links: [
          {
            id: 'l1',
            a: { node: 'a', ifname: 'eth0', addresses: ['10.213.0.1/24'] },
            b: { node: 'b', ifname: 'eth0', addresses: ['10.213.0.2/24'] },
          },
        ],
      };
      const client = createHelperClient(helperCommand(root, { elevate: 'none' }));
      const netns = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
      try {
        const progress: number[] = [];
        const r = await client.applyDocument(doc, { onProgress: (p) => progress.push(p.done) });
        expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(r.result?.ok).toBe(true);
        expect(progress.length).toBeGreaterThan(0);
        expect(netns()).toContain(nsA);
        const addrs = JSON.parse(
          execFileSync('ip', ['-n', nsB, '-j', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' }),
        ) as { addr_info: { local: string }[] }[];
        expect(addrs[0].addr_info.map((a) => a.local)).toContain('10.213.0.2');
        const st = await client.statusDocument(doc);
        expect(st.inSync).toBe(true);
        const gone = await client.destroyLab(lab);
        expect(gone.removed.length).toBeGreaterThan(0);
        expect(netns()).not.toContain(nsA);
      } finally {
        await client.destroyLab(lab).catch(() => undefined);
        client.close();
        for (const ns of [nsA, nsB]) if (netns().includes(ns)) execFileSync('ip', ['netns', 'del', ns]);
      }
    },
  );
});

describe('LineSplitter', () => {
  it('splits across chunks and refuses over-long lines without buffering them', () => {
    const lines: string[] = [];
    let tooLong = 0;
    const s = new LineSplitter(
      (l) => lines.push(l),
      () => tooLong++,
      10,
    );
    s.push('{"a":');
    s.push('1}\n{"b":2}\n');
    s.push('x'.repeat(25));
    s.push('yyy\n{"c":3}\n');
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(tooLong).toBe(1);
  });
});
