/**
 * Refusals, as an ordinary user in the netplumb group: what the helper (root)
 * must never do for a member, however the request is made — through the CLI
 * or by talking to the helper directly with `sudo -n`, which any member can.
 *  - a document that would take the host's routing (1.0.0.1/1 on a host end);
 *  - live work in a namespace the lab does not own (root replaced the lab's
 *    namespace by one without the lab's mark; set up by the lane script);
 *  - a lab name with "..".
 * Nothing here is ever added to the host: each refusal happens before any change.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { expect, test } from '@playwright/test';
import { kname, netnsNames, netplumb, NOT_ROOT_REASON, rootAddresses, TAG } from './lane';

test.skip(!!NOT_ROOT_REASON, NOT_ROOT_REASON);

const LAUNCHER = '/usr/lib/netplumb/netplumb-helper';
let dir: string;
test.beforeAll(() => void (dir = mkdtempSync(path.join(tmpdir(), 'np-lane-refuse-'))));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

/** Sends request lines straight to the installed helper (as any member could) and returns its answers by id. */
async function askHelper(
  requests: { op: string; args: unknown }[],
): Promise<Map<number, { result?: unknown; error?: string }>> {
  const input = requests.map((r, i) => JSON.stringify({ id: i + 1, ...r })).join('\n') + '\n';
  const r = await execa('sudo', ['-n', LAUNCHER], { input, reject: false, timeout: 60_000 });
  const answers = new Map<number, { result?: unknown; error?: string }>();
  for (const line of r.stdout.split('\n')) {
    try {
      const m = JSON.parse(line) as { id?: number; result?: unknown; error?: string; event?: string };
      if (typeof m.id === 'number' && !m.event) answers.set(m.id, m);
    } catch {
      /* not an answer line */
    }
  }
  expect(answers.size, `helper answers (exit ${r.exitCode}): ${r.stderr}`).toBe(requests.length);
  return answers;
}

test("a document that would take the host's routing is refused before any change", async () => {
  const lab = `lane-${TAG}-hijack`;
  const host = kname('h'),
    ns = kname('i');
  const doc = `version: 1
name: ${lab}
nodes:
  - { id: host, name: host, kind: host }
  - { id: n1, name: ${ns}, kind: namespace }
links:
  - id: l1
    a: { node: host, ifname: ${host}, addresses: [1.0.0.1/1, 128.0.0.1/1] }
    b: { node: n1, ifname: eth0, addresses: [198.18.77.2/30] }
`;
  const file = write('hijack.yaml', doc);
  for (const cmd of ['plan', 'apply']) {
    const r = await netplumb(cmd, file);
    expect(r.exitCode, `${cmd}: ${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stderr).toContain("1.0.0.1/1 would be added in the host's root namespace");
    expect(r.stderr).toMatch(/prefixes must be \/8 or longer/);
  }
  // Straight to the helper: the same document, the same refusal.
  const a = await askHelper([{ op: 'apply', args: { topology: (await import('yaml')).parse(doc) } }]);
  // (A refused document comes back as its problems, with nothing applied.)
  const answer = a.get(1)!;
  expect(JSON.stringify(answer)).toContain("1.0.0.1/1 would be added in the host's root namespace");
  if (answer.result)
    expect((answer.result as { result?: unknown }).result, 'an apply result').toBeUndefined();
  // Nothing was added: no address, no interface, no namespace. (Other labs may come and go meanwhile.)
  expect((await rootAddresses()).some((x) => x.startsWith('1.0.0.1/') || x.startsWith('128.0.0.1/'))).toBe(
    false,
  );
  expect(await netnsNames()).not.toContain(ns);
  expect((await execa('ip', ['link', 'show', 'dev', host], { reject: false })).exitCode).not.toBe(0);
});

test('live work in a namespace the lab does not own is refused', async () => {
  const lab = process.env.NETPLUMB_LANE_FOREIGN_LAB;
  const foreign = process.env.NETPLUMB_LANE_FOREIGN_NS;
  test.skip(
    !lab || !foreign,
    'needs the lane script, which applies a lab as root and replaces its namespace by an unmarked one',
  );
  expect(await netnsNames()).toContain(foreign);
  for (const args of [
    ['tables', lab!, 'n1'],
    ['exec', lab!, 'n1', '--', 'id', '-u'],
    ['ping', lab!, 'n1', '10.219.0.2'],
  ]) {
    const r = await netplumb(...args);
    expect(r.exitCode, `${args[0]}: ${r.stdout}\n${r.stderr}`).not.toBe(0);
    expect(r.stdout, args[0]).not.toMatch(/^\d+$/m); // no uid printed: nothing ran there
    expect(r.stderr, args[0]).toContain(`namespace "${foreign}" is not owned by lab "${lab}" right now`);
  }
  // Straight to the helper: a terminal or tables in that namespace are refused too.
  const a = await askHelper([
    { op: 'tables', args: { lab, nodeId: 'n1' } },
    { op: 'term-open', args: { lab, nodeId: 'n1', cols: 80, rows: 24, session: 'abcdef0123456789' } },
  ]);
  for (const [id, ans] of a)
    expect(ans.error, `request ${id}`).toContain(
      `namespace "${foreign}" is not owned by lab "${lab}" right now`,
    );
  // A document that names the foreign namespace is refused before any change.
  const file = write(
    'foreign.yaml',
    `version: 1\nname: lane-${TAG}-steal\nnodes:\n  - { id: x, name: ${foreign}, kind: namespace }\n  - { id: y, name: ${kname('j')}, kind: namespace }\nlinks:\n  - id: l1\n    a: { node: x, ifname: eth9, addresses: [10.219.1.1/30] }\n    b: { node: y, ifname: eth9, addresses: [10.219.1.2/30] }\n`,
  );
  const r = await netplumb('apply', file);
  expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(1);
  expect(r.stderr).toContain(foreign!);
  expect(await netnsNames()).not.toContain(kname('j'));
});

test('a lab name with ".." is refused', async () => {
  const file = write(
    'dots.yaml',
    `version: 1\nname: lane-${TAG}..x\nnodes:\n  - { id: a, name: ${kname('k')}, kind: namespace }\n`,
  );
  for (const cmd of ['validate', 'apply']) {
    const r = await netplumb(cmd, file);
    expect(r.exitCode, `${cmd}: ${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stderr).toContain('cannot contain ".."');
  }
  for (const args of [
    ['destroy', '../../etc'],
    ['tables', `lane-${TAG}/../x`, 'a'],
    ['exec', '..', 'a', '--', 'id'],
  ]) {
    const r = await netplumb(...args);
    expect(r.exitCode, `${args.join(' ')}: ${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stderr.length).toBeGreaterThan(0);
  }
  const a = await askHelper([
    { op: 'destroy', args: { lab: '../x' } },
    { op: 'destroy', args: { lab: `lane-${TAG}..x` } },
    { op: 'tables', args: { lab: '..', nodeId: 'a' } },
  ]);
  for (const [id, ans] of a)
    expect(ans.error, `request ${id}`).toMatch(
      /^the arguments of (destroy|tables) are malformed: .*the lab name/,
    );
  expect(a.get(2)?.error).toContain('cannot contain ".."');
  expect(await netnsNames()).not.toContain(kname('k'));
});

test('the helper takes no operation it does not know, and no extra argument', async () => {
  const a = await askHelper([
    { op: 'run', args: { argv: ['id'] } },
    { op: 'list', args: { runDir: '/tmp' } },
  ]);
  expect(a.get(1)?.error).toMatch(/^unknown operation "run": the helper only does /);
  expect(a.get(2)?.error).toMatch(/^the arguments of list are malformed: .*Unrecognized key.*runDir/);
});

test("a lab of another user's (here root's) can be listed and read, never changed or entered", async () => {
  const lab = process.env.NETPLUMB_LANE_ROOT_LAB;
  const file = process.env.NETPLUMB_LANE_ROOT_FILE;
  test.skip(!lab || !file, "needs the lane script, which applies a lab of root's own");
  const listed = JSON.parse((await netplumb('list', '--json')).stdout) as {
    labs: { name: string; owner?: string; yours?: boolean }[];
  };
  expect(listed.labs.find((l) => l.name === lab)).toMatchObject({ owner: 'root', yours: false });
  const st = await netplumb('status', file!);
  expect(st.exitCode, `${st.stdout}\n${st.stderr}`).toBe(0);
  const ours = async () => (await netnsNames()).filter((n) => n.includes(TAG));
  const before = await ours();
  for (const [args, action] of [
    [['exec', lab!, 'n1', '--', 'id', '-u'], 'open a terminal in'],
    [['ping', lab!, 'n1', '10.219.2.2'], 'ping inside'],
    [['destroy', lab!], 'destroy'],
    [['apply', file!], 'apply'],
  ] as const) {
    const r = await netplumb(...args);
    expect(r.exitCode, `${args[0]}: ${r.stdout}\n${r.stderr}`).not.toBe(0);
    expect(r.stdout, args[0]).not.toMatch(/^\d+$/m); // no uid printed: nothing ran there
    expect(r.stderr, args[0]).toContain(
      `the lab "${lab}" belongs to root: only that user or root may ${action} it`,
    );
  }
  expect(await ours()).toEqual(before);
});
