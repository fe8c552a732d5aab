/**
 * A stop asked for while an apply runs (Ctrl-C): the executor stops before
 * its next wave and reports the stop as the failed step, so the apply rolls
 * back; a rollback is never stopped; the stop ends with the run it was
 * asked in.
 */
import { describe, expect, it } from 'vitest';
import { Topology } from '../../shared/model';
import { plan, resolve, ROOT_NS, type KState } from '../../shared/plan';
import { groupPlan } from './executor-wave';
import { rollback, runPlan } from './executor';
import { requestStop, stopRequested, whileStoppable } from './interrupt';
import { recordingRunner } from './runner';

const changes = plan(
  resolve(
    Topology.parse({
      version: 1,
      name: 'st',
      nodes: [
        { id: 'a', name: 'sta', kind: 'namespace' },
        { id: 'b', name: 'stb', kind: 'namespace' },
      ],
      links: [
        {
          id: 'l',
          a: { node: 'a', ifname: 'e0', addresses: ['10.1.0.1/24'] },
          b: { node: 'b', ifname: 'e0', addresses: ['10.1.0.2/24'] },
        },
      ],
    }),
  ),
  { namespaces: { [ROOT_NS]: { name: ROOT_NS, sysctls: {}, routes: [], ifaces: {} } } } as KState,
).changes;

describe('stopping an apply', () => {
  it('stops before the next wave once a stop is asked for during a wave, and names the stop', async () => {
    const waves = groupPlan(changes);
    expect(waves.length).toBeGreaterThan(1);
    const { run, calls } = recordingRunner(() => {
      requestStop('Ctrl-C');
      return { exitCode: 0, stdout: '', stderr: '' };
    });
    const r = await whileStoppable(
      () => runPlan(changes, { runner: run, stoppable: true }),
      () => undefined,
    );
    expect(r.ok).toBe(false);
    expect(r.failed?.error).toBe('stopped by Ctrl-C before this step');
    // Only the first wave ran: its steps are the completed ones (a runner that reports nothing
    // per step leaves them unreported), and the failed step is the second wave's first.
    expect(r.failed?.step).toBe(waves[1][0].changes[0].step);
    expect(calls.length).toBe(waves[0].length);
    expect(stopRequested()).toBeUndefined();
  });

  it('a run that is not stoppable (a rollback, a destroy) goes on to the end', async () => {
    const { run } = recordingRunner(() => ({ exitCode: 0, stdout: '', stderr: '' }));
    await whileStoppable(
      async () => {
        requestStop('SIGTERM');
        const r = await runPlan(changes, { runner: run });
        expect(r.failed).toBeUndefined();
        const rb = await rollback(changes, [], { runner: run });
        expect(rb.errors).toEqual([]);
      },
      () => undefined,
    );
  });

  it('a signal asks for the stop and says so once; the handlers are gone afterwards', async () => {
    const said: string[] = [];
    const before = process.listenerCount('SIGTERM');
    await whileStoppable(
      async () => {
        process.emit('SIGTERM', 'SIGTERM');
        expect(stopRequested()).toBe('SIGTERM');
        expect(process.listenerCount('SIGTERM')).toBe(before + 1);
      },
      (why) => said.push(why),
    );
    expect(said).toEqual(['SIGTERM']);
    expect(process.listenerCount('SIGTERM')).toBe(before);
    expect(stopRequested()).toBeUndefined();
  });
});
