/**
 * `netplumb grade` as a teacher runs it (real kernel, root): a class of
 * submissions for the router activity — correct, partly wrong, invalid,
 * unreadable, one changing a locked link, one touching the host — gives
 * exactly the expected grade sheet, the labs run side by side under distinct
 * prefixes, and nothing is left in the kernel or the run directory.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { readGradesCsv } from '../../shared/activity';
import { cleanupPrefix, tempRunDir, uniquePrefix } from '../kernel/test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from '../kernel/test-support/scratch-netns';
import { listNetns } from '../kernel/netns';
import { execaRunner } from '../kernel/runner';
import { detectCapabilities, REAL_KERNEL } from '../kernel/capabilities';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/netplumb.js');
const ACT = (f: string) => join(ROOT, 'activities', f);
const root = isRoot();
const tag = uniquePrefix(); // "q" + 5 hex: every kernel name of this run starts with it
const run = tempRunDir();
const dir = mkdtempSync(join(tmpdir(), 'netplumb-grade-'));
// As root the CLI keeps lab records in the fixed /run/netplumb (NETPLUMB_RUN_DIR only moves them for a normal user).
const cli = (...args: string[]) =>
  execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { NETPLUMB_RUN_DIR: run.dir, NO_COLOR: '1' },
  });

type Doc = Record<string, unknown> & { nodes: Record<string, unknown>[]; links: Record<string, unknown>[] };
const solution = (): Doc => parse(readFileSync(ACT('2-router.solution.yaml'), 'utf8')) as Doc;
const write = (name: string, doc: unknown) => {
  const f = join(dir, name);
  writeFileSync(f, typeof doc === 'string' ? doc : stringify(doc));
  return f;
};

/** Everything in the kernel whose name starts with the run's tag. */
async function leftovers(): Promise<string[]> {
  const ns = (await listNetns()).filter((n) => n.startsWith(tag));
  const r = await execaRunner(['ip', '-j', 'link', 'show']);
  const links = (JSON.parse(r.stdout || '[]') as { ifname: string }[])
    .map((l) => l.ifname)
    .filter((n) => n.startsWith(tag));
  return [...ns, ...links];
}

describe.skipIf(!root)(`netplumb grade${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  afterAll(async () => {
    try {
      await cleanupPrefix(tag);
    } finally {
      run.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('grades a class: exact sheet, parallel labs under distinct prefixes, nothing left behind', async () => {
    const bob = solution();
    bob.nodes = bob.nodes.map((n) => (n.name === 'h2' ? { ...n, gateway: undefined } : n)); // no way back from h2
    const carol = {
      ...solution(),
      links: [
        ...solution().links,
        { id: 'x', a: { node: 'h1', ifname: 'eth9' }, b: { node: 'nowhere', ifname: 'eth0' } },
      ],
    };
    const dave = solution();
    dave.links = dave.links.map((l) =>
      l.id === 'left' ? { ...l, a: { node: 'h1', ifname: 'eth0', addresses: ['10.1.0.3/24'] } } : l,
    );
    const erin = {
      ...solution(),
      nodes: [...solution().nodes, { name: 'pc', kind: 'host' }],
      links: [
        ...solution().links,
        { id: 'up', a: { node: 'pc', ifname: `${tag}x` }, b: { node: 'h2', ifname: 'eth1' } },
      ],
    };
    const files = [
      write('alice.yaml', solution()),
      write('bob.yaml', bob),
      write('carol.yaml', carol),
      write('dave.yaml', dave),
      write('erin.yaml', erin),
      write('gina.yaml', 'version: 1\nname: [unclosed\n'),
    ];
    const out = join(dir, 'out');
    const r = await cli(
      'grade',
      ACT('2-router.yaml'),
      ACT('2-router.key.yaml'),
      ...files,
      '--out',
      out,
      '--jobs',
      '3',
      '--prefix',
      tag,
    );
    expect(r.stderr).not.toMatch(/kernel error/);
    expect(r.exitCode).toBe(0);

    const rows = readGradesCsv(readFileSync(join(out, 'grades.csv'), 'utf8'));
    const checks = ['reach-h1-h2', 'reach-h2-h1', 'gw-h1', 'path-h1-h2', 'gw-h2', 'addr-r1-right'];
    const cells = (row: Record<string, string>) => checks.map((c) => row[c]);
    const notRun = checks.map(() => 'not run');
    expect(rows.map((x) => [x.student, x.score, x.max, x.status])).toEqual([
      ['alice', '8', '8', 'graded'],
      ['bob', '2', '8', 'graded'],
      ['carol', '0', '8', 'refused'],
      ['dave', '0', '8', 'refused'],
      ['erin', '0', '8', 'refused'],
      ['gina', '0', '8', 'refused'],
    ]);
    expect(cells(rows[0])).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(cells(rows[1])).toEqual(['fail', 'fail', 'pass', 'fail', 'fail', 'pass']);
    for (const row of rows.slice(2)) expect(cells(row)).toEqual(notRun);
    expect(rows[2].reason).toMatch(/^not a valid topology: .*nowhere/);
    expect(rows[3].reason).toBe('changes locked parts: link "left" is locked: its a.addresses changed');
    expect(rows[4].reason).toMatch(/^touches the host: node "pc" is the host/);
    expect(rows[5].reason).toMatch(/^not valid: .*gina\.yaml:\d+:\d+: Flow sequence/);
    // Refused submissions were never applied; graded ones ran under their own prefix, side by side.
    expect(rows.slice(2).map((x) => x.lab)).toEqual(['', '', '', '']);
    const labs = rows.slice(0, 2).map((x) => x.lab);
    expect(new Set(labs).size).toBe(2);
    for (const l of labs) expect(l).toMatch(new RegExp(`^${tag}[0-9a-z-]*-act-router$`));
    const json = JSON.parse(readFileSync(join(out, 'grades.json'), 'utf8')) as {
      reports: { student: string; startedAt: string; finishedAt: string }[];
    };
    const [a, b] = json.reports;
    expect(a.startedAt < b.finishedAt && b.startedAt < a.finishedAt).toBe(true);
    // One self-contained report per student, with the picture and every check (hidden ones too).
    expect(readdirSync(out).sort()).toEqual([
      'alice.html',
      'bob.html',
      'carol.html',
      'dave.html',
      'erin.html',
      'gina.html',
      'grades.csv',
      'grades.json',
    ]);
    const page = readFileSync(join(out, 'bob.html'), 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('2 / 8');
    expect(page).toContain('r1 has the address 10.2.0.1/24');
    expect(page).not.toMatch(/<script|src="http/);
    // Nothing left: no namespace or interface with the run's tag, no lab record.
    expect(await leftovers()).toEqual([]);
    const labsLeft = await cli('list', '--json');
    expect(
      (JSON.parse(labsLeft.stdout) as { labs: { name: string }[] }).labs.filter((l) =>
        l.name.startsWith(tag),
      ),
    ).toEqual([]);
  }, 240_000);

  it('the shipped solutions score full marks; the broken lab as given passes only its break-it check', async () => {
    const out = join(dir, 'out2');
    const r = await cli(
      'grade',
      ACT('3-repair.yaml'),
      ACT('3-repair.key.yaml'),
      ACT('3-repair.solution.yaml'),
      ACT('3-repair.yaml'),
      '--out',
      out,
      '--prefix',
      tag,
      '--json',
    );
    expect(r.exitCode).toBe(0);
    const res = JSON.parse(r.stdout) as {
      reports: { student: string; score: number; max: number; checks: { id: string; status: string }[] }[];
    };
    expect(res.reports.map((x) => [x.student, x.score, x.max])).toEqual([
      ['3-repair.solution', 7, 7],
      ['3-repair', 0, 7],
    ]);
    const start = Object.fromEntries(res.reports[1].checks.map((c) => [c.id, c.status]));
    expect(start).toEqual({
      'broken-h1-h2': 'pass',
      'reach-h1-h2': 'fail',
      'gw-h1': 'fail',
      'up-r1-eth1': 'fail',
      'reach-h2-h1': 'fail',
      'path-h1-h2': 'fail',
    });
    expect(res.reports[0].checks.find((c) => c.id === 'broken-h1-h2')?.status).toBe('fail');

    const b = await cli(
      'grade',
      ACT('1-bridge.yaml'),
      ACT('1-bridge.key.yaml'),
      ACT('1-bridge.solution.yaml'),
      '--out',
      join(dir, 'out3'),
      '--prefix',
      tag,
      '--json',
    );
    expect(b.exitCode).toBe(0);
    const bridge = JSON.parse(b.stdout) as {
      reports: { score: number; max: number; checks: { id: string; status: string }[] }[];
    };
    expect([bridge.reports[0].score, bridge.reports[0].max]).toEqual([7, 7]);
    expect(bridge.reports[0].checks.filter((c) => c.id.startsWith('fdb')).map((c) => c.status)).toEqual([
      'pass',
      'pass',
    ]);
    expect(await leftovers()).toEqual([]);
  }, 240_000);

  it('kernel-dependent checks are skipped with the reason where this kernel lacks the feature; interface names map through the prefix', async () => {
    const caps = await detectCapabilities(execaRunner, { key: REAL_KERNEL });
    const key = write('extra.key.yaml', {
      version: 1,
      activity: 'act-router',
      checks: [
        { id: 'rtt', kind: 'rtt', from: 'h1', to: 'h2', atMostMs: 500 },
        { id: 'vlan', kind: 'vlan-isolation', from: 'h1', same: 'r1', other: 'h2' },
        { id: 'addr-if', kind: 'address', node: 'r1', ifname: 'eth1', address: '10.2.0.1/24' },
        { id: 'addr-wrong-if', kind: 'address', node: 'r1', ifname: 'eth0', address: '10.2.0.1/24' },
        { id: 'route-dev', kind: 'route', node: 'r1', to: '10.2.0.0/24', dev: 'eth1' },
        { id: 'down', kind: 'iface-state', node: 'h2', ifname: 'eth0', up: false },
      ],
    });
    const r = await cli(
      'grade',
      ACT('2-router.yaml'),
      key,
      ACT('2-router.solution.yaml'),
      '--out',
      join(dir, 'out4'),
      '--prefix',
      tag,
      '--json',
    );
    expect(r.exitCode).toBe(0);
    const rows = (
      JSON.parse(r.stdout) as { reports: { checks: { id: string; status: string; detail: string }[] }[] }
    ).reports[0].checks;
    const by = Object.fromEntries(rows.map((c) => [c.id, c]));
    expect(by.rtt.status).toBe(caps.features.netem ? 'pass' : 'skipped');
    if (!caps.features.netem) expect(by.rtt.detail).toBe('skipped: kernel lacks netem');
    expect(by.vlan.status).toBe(caps.features.bridgeVlanFiltering ? 'fail' : 'skipped'); // h1 reaches both: no isolation in this lab
    if (!caps.features.bridgeVlanFiltering)
      expect(by.vlan.detail).toBe('skipped: kernel lacks bridge VLAN filtering');
    expect([
      by['addr-if'].status,
      by['addr-wrong-if'].status,
      by['route-dev'].status,
      by.down.status,
    ]).toEqual(['pass', 'fail', 'pass', 'fail']);
    expect(by.down.detail).toBe('eth0 on h2 is up (operstate UP)');
    expect(await leftovers()).toEqual([]);
  }, 120_000);
});
