/**
 * The exported shell script on the real kernel: `up` builds the lab, netplumb
 * sees it in sync and can destroy it; `down` removes everything it made and
 * nothing else.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toShellScript } from '../../shared/formats/shell';
import { Topology } from '../../shared/model';
import { destroyLab, statusDocument } from './engine';
import { execaRunner } from './runner';
import { hostSnapshot, useKernelLab } from './test-support/lab-fixture';
import { classicLab, richLab } from './test-support/labs';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const lab = useKernelLab({ beforeEach, afterEach });

const script = (doc: object) => {
  const f = join(lab.run.dir, 'lab.sh');
  writeFileSync(f, toShellScript(Topology.parse(doc)));
  return (cmd: string) => execaRunner(['bash', f, cmd]);
};

describe.skipIf(!isRoot())(`exported shell script${isRoot() ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  it('up -> netplumb status in sync, ping works -> down leaves nothing', async () => {
    const doc = classicLab(lab.p);
    const sh = script(doc);
    const up = await sh('up');
    expect(up.exitCode, up.stderr).toBe(0);
    expect(
      (await execaRunner(['ip', 'netns', 'exec', `${lab.p}a`, 'ping', '-c1', '-W2', '10.0.0.2'])).exitCode,
    ).toBe(0);
    const s = await statusDocument(doc, { runDir: lab.run.dir });
    expect(s.drift).toEqual([]);
    expect(s.inSync).toBe(true);
    expect((await sh('status')).stdout).toContain(`present  ${lab.p}a`);
    const down = await sh('down');
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
  });

  it('a lab made by the script is destroyed by netplumb; down does not touch unmarked objects of the same names', async () => {
    const doc = richLab(lab.p);
    const sh = script(doc);
    expect((await sh('up')).exitCode).toBe(0);
    expect((await statusDocument(doc, { runDir: lab.run.dir })).inSync).toBe(true);
    await destroyLab(doc.name, { runDir: lab.run.dir });
    expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
    // Foreign objects with the lab's names: down leaves them alone.
    await execaRunner(['ip', 'netns', 'add', `${lab.p}h1`]);
    await execaRunner(['ip', 'link', 'add', 'name', `${lab.p}sw`, 'type', 'bridge']);
    const before = await hostSnapshot(lab.p);
    expect((await sh('down')).exitCode).toBe(0);
    expect(await hostSnapshot(lab.p)).toEqual(before);
  });
});
