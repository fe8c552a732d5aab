/**
 * readKatharaFiles on real folders: only what lies inside the lab folder is
 * read (a link that leads out is named, never read), and a lab whose files
 * hold more than netplumb imports is refused before any is read.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromKathara } from '../../shared/formats/kathara';
import { readKatharaFiles } from './kathara-files';

let top: string;
let lab: string;
let outside: string;
const SECRET = 'root:$6$secret-hash:19000:0:99999:7:::';

beforeEach(() => {
  top = realpathSync(mkdtempSync(join(tmpdir(), 'np-kfiles-')));
  lab = join(top, 'lab');
  outside = join(top, 'outside');
  mkdirSync(join(outside, 'etc', 'network'), { recursive: true });
  mkdirSync(lab);
  writeFileSync(join(outside, 'shadow'), `${SECRET}\n`);
  writeFileSync(join(outside, 'etc', 'network', 'interfaces'), `# ${SECRET}\nauto eth0\n`);
});
afterEach(() => rmSync(top, { recursive: true, force: true }));

const CONF = 'pc1[0]="A"\npc2[0]="A"\npc3[0]="A"\n';
const write = (name: string, text: string) => {
  mkdirSync(join(lab, name, '..'), { recursive: true });
  writeFileSync(join(lab, name), text);
};

describe('readKatharaFiles: links out of the lab folder', () => {
  it('a startup file, shared.startup or lab.ext that links outside is not read, and said with where it leads', () => {
    symlinkSync(join(outside, 'shadow'), join(lab, 'pc1.startup'));
    symlinkSync(join(outside, 'shadow'), join(lab, 'shared.startup'));
    symlinkSync(join(outside, 'shadow'), join(lab, 'lab.ext'));
    symlinkSync(join(outside, 'shadow'), join(lab, 'stray.startup'));
    write('pc2.startup', 'ip addr add 10.0.0.2/24 dev eth0\n');
    const f = readKatharaFiles(lab, CONF);
    expect(f.startups).toEqual({ pc2: 'ip addr add 10.0.0.2/24 dev eth0\n' });
    expect(f.labExt).toBeUndefined();
    expect(f.problems).toEqual(
      ['pc1.startup', 'shared.startup', 'stray.startup', 'lab.ext'].map((file) => ({
        code: 'kathara-link-outside',
        severity: 'warning',
        message: `${file} links to ${join(outside, 'shadow')}, outside the lab folder: not read`,
        path: [],
        line: 1,
        column: 1,
        file,
      })),
    );
    // The import says it and holds nothing of the file.
    const r = fromKathara(CONF, { ...f, fileName: join(lab, 'lab.conf') });
    expect(r.problems.filter((p) => p.code === 'kathara-link-outside')).toHaveLength(4);
    expect(JSON.stringify(r)).not.toContain('secret-hash');
    expect(r.topology!.links.find((l) => l.a.node === 'pc2')!.a.addresses).toEqual(['10.0.0.2/24']);
  });

  it('a machine folder that links outside is neither listed nor read; nor is a folder inside it that links outside', () => {
    symlinkSync(outside, join(lab, 'pc1'));
    mkdirSync(join(lab, 'pc2'));
    symlinkSync(join(outside, 'etc'), join(lab, 'pc2', 'etc'));
    write('pc2/root/notes.txt', 'kept\n');
    write('pc1.startup', 'ifup -a\n');
    write('pc2.startup', 'ifup -a\n');
    const f = readKatharaFiles(lab, CONF);
    expect(f.machineFiles).toEqual({ pc2: ['root/notes.txt'] });
    expect(f.machineTexts).toEqual({});
    // Once per link: pc2/etc/network/interfaces, under pc2/etc, is not said again.
    expect(f.problems.map((p) => p.message)).toEqual([
      `pc1 links to ${outside}, outside the lab folder: not read`,
      `pc2/etc links to ${join(outside, 'etc')}, outside the lab folder: not read`,
    ]);
    expect(JSON.stringify(fromKathara(CONF, f))).not.toContain('secret-hash');
  });

  it('an interfaces file that links outside is not read', () => {
    mkdirSync(join(lab, 'pc3', 'etc', 'network'), { recursive: true });
    symlinkSync(
      join(outside, 'etc', 'network', 'interfaces'),
      join(lab, 'pc3', 'etc', 'network', 'interfaces'),
    );
    const f = readKatharaFiles(lab, CONF);
    expect(f.machineTexts).toEqual({});
    expect(f.machineFiles).toEqual({ pc3: [] });
    expect(f.problems.map((p) => [p.file, p.message])).toEqual([
      [
        'pc3/etc/network/interfaces',
        `pc3/etc/network/interfaces links to ${join(outside, 'etc', 'network', 'interfaces')}, outside the lab folder: not read`,
      ],
    ]);
  });

  it('links that stay inside the folder keep working, and a link loop is listed, not followed', () => {
    write('common/pc.startup', 'ip addr add 10.0.0.1/24 dev eth0\n');
    symlinkSync(join('common', 'pc.startup'), join(lab, 'pc1.startup'));
    write('real-pc2/etc/network/interfaces', 'auto eth0\n');
    symlinkSync('real-pc2', join(lab, 'pc2'));
    symlinkSync('..', join(lab, 'real-pc2', 'up'));
    symlinkSync('nowhere', join(lab, 'real-pc2', 'dangling'));
    const f = readKatharaFiles(lab, CONF);
    expect(f.problems).toEqual([]);
    expect(f.startups).toEqual({ pc1: 'ip addr add 10.0.0.1/24 dev eth0\n' });
    expect(f.machineTexts).toEqual({ pc2: { 'etc/network/interfaces': 'auto eth0\n' } });
    expect(f.machineFiles.pc2).toEqual(['dangling', 'etc/network/interfaces', 'up']);
  });

  it('a lab folder reached through a link is read as itself', () => {
    write('pc1.startup', 'ip addr add 10.0.0.1/24 dev eth0\n');
    symlinkSync(lab, join(top, 'via'));
    const f = readKatharaFiles(join(top, 'via'), CONF);
    expect(f.problems).toEqual([]);
    expect(f.startups).toEqual({ pc1: 'ip addr add 10.0.0.1/24 dev eth0\n' });
  });
});

describe('readKatharaFiles: what one lab may hold', () => {
  it('refuses a lab whose files hold more than 8 MB in all, in words, before reading any of them', () => {
    write('pc1.startup', 'x\n'.repeat(2_500_000));
    write('pc2.startup', 'x\n'.repeat(2_500_000));
    // A named pipe would be refused on reading it: the size is refused first.
    execFileSync('mkfifo', [join(lab, 'pc3.startup')]);
    expect(() => readKatharaFiles(lab, CONF)).toThrow(
      `${join(lab, 'pc1.startup')}: the lab's files hold 9.5 MB, more than netplumb imports from one lab (8 MB): pc1.startup 4.8 MB, pc2.startup 4.8 MB and 1 more file; nothing was imported`,
    );
  });

  it('counts shared.startup once for each machine, as Kathará runs it on each', () => {
    write('shared.startup', 'echo hi\n'.repeat(131_072)); // 1 MB
    const conf = (n: number) => Array.from({ length: n }, (_, i) => `pc${i}[0]="A"`).join('\n');
    expect(() => readKatharaFiles(lab, conf(9))).toThrow(
      /shared\.startup: the lab's files hold 9\.0 MB, .*shared\.startup 1\.0 MB run on 9 machines \(9\.0 MB\)/,
    );
    expect(readKatharaFiles(lab, conf(7)).startups.shared).toHaveLength(1_048_576);
  });
});
