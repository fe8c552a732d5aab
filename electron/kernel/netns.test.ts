import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isValidNetnsName, listNetns, netnsDirMounted, netnsInode, netnsInodes } from './netns';
import { NOT_ROOT_REASON, isRoot, must, withScratchLab } from './test-support/scratch-netns';

describe('isValidNetnsName', () => {
  it('accepts plain names and refuses paths, options and blanks', () => {
    expect(['ns1', 'lab-a.router_1', 'x'.repeat(200)].every(isValidNetnsName)).toBe(true);
    expect(['', '.', '..', 'a/b', '../etc', '-n', 'a b', 'a\0'].some(isValidNetnsName)).toBe(false);
  });
});

describe('netnsDirMounted (mountinfo)', () => {
  it('true only when /run/netns itself is a mount point (not a namespace file under it, not /run)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'np-mi-'));
    try {
      const line = (mp: string) => `36 25 0:23 / ${mp} rw,nosuid,nodev shared:5 - tmpfs tmpfs rw`;
      const write = async (lines: string[]) => {
        await writeFile(join(dir, 'mi'), lines.join('\n') + '\n');
        return netnsDirMounted(join(dir, 'mi'));
      };
      expect(await write([line('/'), line('/run')])).toBe(false);
      expect(await write([line('/run'), line('/run/netns/ns1')])).toBe(false);
      expect(await write([line('/run'), line('/run/netns'), line('/run/netns/ns1')])).toBe(true);
      expect(netnsDirMounted(join(dir, 'missing'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('listNetns (directory)', () => {
  it('lists the namespace files, sorted, and [] for a missing directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'np-netns-'));
    try {
      await writeFile(join(dir, 'zeta'), '');
      await writeFile(join(dir, 'alpha'), '');
      await mkdir(join(dir, 'not-a-namespace'));
      expect(await listNetns(dir)).toEqual(['alpha', 'zeta']);
      expect(await listNetns(join(dir, 'missing'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('treats a plain file (no namespace mounted on it) as having no inode', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'np-netns-'));
    try {
      await writeFile(join(dir, 'stale'), '');
      expect(await netnsInode('stale', dir)).toBeUndefined();
      expect(await netnsInode('missing', dir)).toBeUndefined();
      expect(await netnsInode('../etc', dir)).toBeUndefined();
      expect(await netnsInodes(['stale', 'missing', '../etc'], dir)).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!isRoot())(`netns on the real kernel (${NOT_ROOT_REASON})`, () => {
  it('lists scratch namespaces and identifies each instance by inode', async () => {
    await withScratchLab(async (lab) => {
      const [a, b] = await lab.netns(2);
      const names = await listNetns();
      expect(names).toContain(a);
      expect(names).toContain(b);
      const ia = await netnsInode(a);
      const ib = await netnsInode(b);
      expect(ia).toBeTypeOf('number');
      expect(ia).not.toBe(ib);
      // Many at once: the same answers, in order.
      expect(await netnsInodes([b, `${a}-missing`, a, '../x'])).toEqual([ib, undefined, ia, undefined]);
      // The inode is the namespace's own: the same as /proc/self/ns/net seen from inside it.
      const inside = await must(['ip', 'netns', 'exec', a, 'stat', '-L', '-c', '%i', '/proc/self/ns/net']);
      expect(Number(inside.stdout.trim())).toBe(ia);
      // Deleted: no inode (the kernel may hand the number to a later namespace).
      await lab.ip('netns', 'del', a);
      expect(await netnsInode(a)).toBeUndefined();
      expect(await netnsInodes([a, b])).toEqual([undefined, ib]);
      expect(await listNetns()).not.toContain(a);
    });
  });
});
