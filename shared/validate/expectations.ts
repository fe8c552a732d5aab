/**
 * Rules for reachability expectations (`expect`): the source must be a
 * namespace/router (netplumb pings from inside it), the target a node with an
 * address or an IP address.
 */
import { isNetnsNode } from '../model';
import { parseIp } from '../util/ip';
import { type Ctx } from './context';

/** Rule: expectation sources and targets. */
export function checkExpectations(ctx: Ctx): void {
  ctx.topo.expect.forEach((x, i) => {
    const from = ctx.nodes.get(x.from)?.node;
    if (!from) {
      ctx.add({
        code: 'expect-unknown-node',
        severity: 'error',
        message: `Expectation ${i + 1}: "from" node "${x.from}" does not exist.`,
        path: ['expect', i, 'from'],
      });
    } else if (!isNetnsNode(from)) {
      ctx.add({
        code: 'expect-from-not-netns',
        severity: 'error',
        message: `Expectation ${i + 1}: "from" is ${from.kind} "${from.id}"; checks run inside a namespace or router node.`,
        path: ['expect', i, 'from'],
        nodeId: from.id,
      });
    }
    const target = ctx.nodes.get(x.to)?.node;
    if (target) {
      const has = ctx.l3.some((l) => l.nodeId === target.id && l.addresses.length > 0);
      if (!has) {
        ctx.add({
          code: 'expect-target-no-address',
          severity: 'warning',
          message: `Expectation ${i + 1}: target node "${target.id}" has no addresses, so there is nothing to ping.`,
          path: ['expect', i, 'to'],
          nodeId: target.id,
        });
      }
    } else if (!parseIp(x.to)) {
      ctx.add({
        code: 'expect-invalid-target',
        severity: 'error',
        message: `Expectation ${i + 1}: "to" is "${x.to}", which is neither a node id nor an IP address.`,
        path: ['expect', i, 'to'],
      });
    }
  });
}
