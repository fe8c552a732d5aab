/**
 * The resident engine's rules that need no kernel: the client and the server
 * agree on the commands, the protocol and the socket's name, and a command
 * of another netplumb, another node or a newer build is declined.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  declineReason,
  ENGINE_COMMANDS,
  ENGINE_PROTOCOL,
  ENGINE_SOCKET,
  EngineRequest,
  type EngineIdentity,
} from './engine-server';
import { COMMANDS } from './registry';

const client = createRequire(import.meta.url)('../../bin/engine-client.js') as {
  ENGINE_COMMANDS: string[];
  ENGINE_PROTOCOL: number;
  ENGINE_SOCKET: string;
};

const self: EngineIdentity = {
  dist: '/opt/np/dist',
  node: process.version,
  bundle: '10:1:1:7',
  ns: { net: 'net:[4026531840]', mnt: 'mnt:[4026531841]' },
};
const request = (over: Partial<EngineRequest> = {}): EngineRequest => ({
  v: ENGINE_PROTOCOL,
  dist: self.dist,
  node: self.node,
  argv: ['status', 'lab.yaml'],
  cwd: '/tmp',
  env: {},
  tty: { stdout: false, stderr: false, columns: 0 },
  ns: self.ns,
  ...over,
});

describe('resident engine: client and server agree', () => {
  it('on the commands routed, the protocol and the socket', () => {
    expect(client.ENGINE_COMMANDS).toEqual([...ENGINE_COMMANDS]);
    expect(client.ENGINE_PROTOCOL).toBe(ENGINE_PROTOCOL);
    expect(client.ENGINE_SOCKET).toBe(ENGINE_SOCKET);
    // Every routed command is a command, and none of them reads standard input or takes a terminal.
    for (const c of ENGINE_COMMANDS) expect(Object.hasOwn(COMMANDS, c), c).toBe(true);
  });
});

describe('resident engine: what it declines', () => {
  it('runs a request of its own netplumb', () => {
    expect(declineReason(request(), self, self.bundle)).toBeUndefined();
  });

  it('declines another checkout, another node, a newer build, another protocol, another command', () => {
    expect(declineReason(request({ dist: '/home/u/np/dist' }), self, self.bundle)).toContain(
      'serves the netplumb in /opt/np/dist',
    );
    expect(declineReason(request({ node: 'v99.0.0' }), self, self.bundle)).toContain('node');
    expect(declineReason(request(), self, '11:2:2:7')).toBe(
      'netplumb was built again since the engine started',
    );
    expect(declineReason(request({ v: ENGINE_PROTOCOL + 1 }), self, self.bundle)).toContain('protocol');
    expect(
      declineReason(request({ ns: { ...self.ns, net: 'net:[4026532999]' } }), self, self.bundle),
    ).toContain('network namespace net:[4026532999]');
    expect(
      declineReason(request({ ns: { ...self.ns, mnt: 'mnt:[4026532998]' } }), self, self.bundle),
    ).toContain('mount namespace');
    // The client's own files and process are not the engine's.
    for (const f of ['/dev/stdin', '/dev/fd/3', '/proc/self/fd/0'])
      expect(declineReason(request({ argv: ['apply', f] }), self, self.bundle), f).toContain(f);
    for (const c of ['exec', 'serve', 'engine', 'helper', 'capture', 'import'])
      expect(declineReason(request({ argv: [c] }), self, self.bundle), c).toContain(`does not run "${c}"`);
  });

  it('declines whenever any part of the identity differs (property)', () => {
    fc.assert(
      fc.property(fc.record({ dist: fc.string(), node: fc.string(), bundle: fc.string() }), (other) => {
        const same = other.dist === self.dist && other.node === self.node && other.bundle === self.bundle;
        const why = declineReason(request({ dist: other.dist, node: other.node }), self, other.bundle);
        expect(why === undefined).toBe(same);
      }),
    );
  });

  it('takes only requests of the right shape', () => {
    expect(EngineRequest.safeParse(request()).success).toBe(true);
    expect(EngineRequest.safeParse({ ...request(), argv: [] }).success).toBe(false);
    expect(EngineRequest.safeParse({ ...request(), env: { A: 1 } }).success).toBe(false);
    expect(EngineRequest.safeParse({ ...request(), tty: undefined }).success).toBe(false);
  });
});
