/**
 * lab.conf as Kathará reads it (LabParser.py, Machine.add_meta, Interface,
 * Machine.check): what Kathará refuses to start is a located error here, and
 * nothing of the refused line is imported; what it starts is read as it does.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KATHARA_LINE, matchKatharaLine, parseLabConf } from './kathara-conf';
import { fromKathara } from './kathara';

/** The errors of a lab.conf, as "line: message". */
const errors = (text: string) =>
  parseLabConf(text)
    .problems.filter((p) => p.severity === 'error')
    .map((p) => `${p.line}: ${p.message}`);

describe('lab.conf lines Kathará refuses', () => {
  it.each([
    // quotes
    ["h1[0]='lan", 1, /quote ' that opens the value is never closed/],
    [`h1[0]="lan'`, 1, /opens with " and closes with '/],
    ["h1[0]='lan    # a note inside the quote", 1, /never closed \(a comment goes after the closing quote\)/],
    [`h1[0]="lan"# no space`, 1, /needs a space before its #/],
    [`h1[0]="lan" trailing`, 1, /"trailing" follows the closing quote/],
    [`h1[exec]="echo 'hi'"`, 1, /holds a quote/],
    [`h1[exec]=echo hi"`, 1, /closes with a quote it never opens/],
    ['h1[0]=', 1, /the value is empty/],
    // names, spaces, interface numbers
    ['H1[0]="lan"', 1, /device name "H1" is not 1 to 30 lowercase/],
    ['web-1[0]="lan"', 1, /device name "web-1"/],
    [`${'a'.repeat(31)}[0]="lan"`, 1, /device name/],
    ['h1[0] = "lan"', 1, /no spaces around/],
    ['shared[0]="lan"', 1, /"shared" is a name Kathará keeps for itself/],
    ['_test[0]="lan"', 1, /"_test" is a name Kathará keeps/],
    ['h1[0]="lan$"', 1, /collision domain name "lan\$" holds other characters/],
    ['h1[0]=lan # unquoted, so the comment is part of the name', 1, /collision domain name "lan # unquoted/],
    ['h1[0]="lan/"', 1, /is not "collision domain" or "collision domain\/MAC address"/],
    ['h1[0]="lan/02:00:00:00:00"', 1, /is not a MAC address/],
    ['h1[0]="lan/02:00:00:00:00:01/x"', 1, /is not "collision domain" or/],
    ['h1[0]="lan"\nh1[1]="lan"', 2, /on collision domain "lan" a second time \(interface 0, line 1\)/],
    ['h1[0]="lan"\nh1[0]="wan"', 2, /already on collision domain "lan" at line 1/],
    ['h1[0]="lan"\nh1[2]="wan"', 2, /interface 1 \(eth1\) is missing before interface 2/],
    ['h1[1]="lan"', 1, /interface 0 \(eth0\) is missing before interface 1/],
    // the gap a refused interface line leaves is that line's error, not a second one
    ['h1[0]="lan$"\nh1[1]="wan"', 1, /collision domain name "lan\$"/],
    // comments and LAB_ lines are read from the first character
    ['h1[0]="lan"\n   # an indented comment', 2, /a comment must begin at the first character/],
    ['h1[0]="lan"\nLAB_NAME = "x"', 2, /LAB_NAME= must begin the line, with no spaces/],
    ['h1[0]="lan"\n  LAB_NAME="x"', 2, /must begin the line/],
    ['h1[0]="lan"\nLAB_OWNER="me"', 2, /LAB_OWNER is not one of LAB_NAME/],
    ['h1[0]="lan"\nLAB_WEB=https://x.org/?a=b', 2, /holds a second "="/],
    // option values Kathará checks
    ['h1[0]="lan"\nh1[sysctl]="kernel.panic=1"', 2, /not one key=value of the net\. namespace/],
    [
      'h1[0]="lan"\nh1[sysctl]="net.ipv4.ip_forward=1,net.ipv4.conf.all.rp_filter=0"',
      2,
      /one sysctl per option/,
    ],
    ['h1[0]="lan"\nh1[privileged]="maybe"', 2, /"maybe" is not a truth value/],
    ['h1[0]="lan"\nh1[ipv6]="sure"', 2, /not a truth value/],
    ['h1[0]="lan"\nh1[port]="8080:80/icmp"', 2, /protocol of port "8080:80\/icmp" is not tcp, udp or sctp/],
    ['h1[0]="lan"\nh1[port]="a:b:c"', 2, /is not \[host:\]guest\[\/protocol\]/],
    ['h1[0]="lan"\nh1[env]="=x"', 2, /is not NAME=value/],
    ['h1[0]="lan"\nh1[ulimit]="nofile=-2"', 2, /must be -1 or more/],
    ['h1[0]="lan"\nh1[volume]="/a|/b|xx"', 2, /mode xx of volume/],
  ] as const)('%j: refused at line %i', (text, line, message) => {
    const errs = errors(text);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(new RegExp(`^${line}: `));
    expect(errs[0]).toMatch(message);
  });

  it('imports nothing of a refused line, and the import fails (no mangled names)', () => {
    const r = fromKathara('h1[0]=\'lan\nh2[0]="lan$"\nh3[0]="lan"\n');
    expect(r.problems.filter((p) => p.severity === 'error').map((p) => p.line)).toEqual([1, 2]);
    // h3 alone is imported: no collision domain named "'lan" or "lan$" was made
    expect(r.topology!.nodes.map((n) => n.name)).toEqual(['cd-lan', 'h3']);
  });

  it('a lab whose only device is refused has no topology, and a located error', () => {
    const r = fromKathara("shared[0]='lan'\n");
    expect(r.topology).toBeUndefined();
    expect(r.problems).toMatchObject([{ severity: 'error', line: 1, code: 'kathara-syntax' }]);
  });
});

describe('lab.conf lines Kathará starts', () => {
  it('reads the forms Kathará accepts as it does', () => {
    const text = [
      '# a comment',
      'LAB_DESCRIPTION="a lab"',
      'LAB_VERSION=1.0',
      "h1[0]='lan'      # a comment after the closing quote",
      'h1[1]=wan/02:AA:00:00:00:01',
      'h1[image]=kathara/base',
      'h1[privileged]=True',
      'h1[port]="8080:80/udp"',
      'h1[sysctl]="net.ipv4.conf.all.rp_filter=0"',
      'h1[exec]="ip route add 10.1.0.0/16 via 10.0.0.1 # the shell drops this comment"',
      'r_2[0]="lan"',
      '',
    ].join('\r\n');
    const { conf, problems } = parseLabConf(text);
    expect(problems).toEqual([]);
    expect(conf.meta).toEqual({ LAB_DESCRIPTION: 'a lab', LAB_VERSION: '1.0' });
    const h1 = conf.machines.get('h1')!;
    expect([...h1.ifaces]).toEqual([
      [0, { cd: 'lan', line: 4 }],
      [1, { cd: 'wan', mac: '02:aa:00:00:00:01', line: 5 }],
    ]);
    expect(h1.options.map((o) => `${o.key}=${o.value}`)).toEqual([
      'image=kathara/base',
      'privileged=True',
      'port=8080:80/udp',
      'sysctl=net.ipv4.conf.all.rp_filter=0',
      // unquoted or quoted, what follows the value inside the quotes is the value
      'exec=ip route add 10.1.0.0/16 via 10.0.0.1 # the shell drops this comment',
    ]);
    expect([...conf.machines.keys()]).toEqual(['h1', 'r_2']);
  });

  it('every lab.conf written in the accepted grammar reads back without a problem', () => {
    const name = fc.stringMatching(/^[a-z0-9_]{1,30}$/).filter((n) => n !== 'shared' && n !== '_test');
    const cd = fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/);
    const quote = fc.constantFrom('', '"', "'");
    const machine = fc.record({ name, cds: fc.uniqueArray(cd, { minLength: 1, maxLength: 4 }), q: quote });
    fc.assert(
      fc.property(fc.uniqueArray(machine, { minLength: 1, maxLength: 5, selector: (m) => m.name }), (ms) => {
        const text = ms.flatMap((m) => m.cds.map((c, i) => `${m.name}[${i}]=${m.q}${c}${m.q}`)).join('\n');
        const { conf, problems } = parseLabConf(text);
        expect(problems).toEqual([]);
        for (const m of ms)
          expect([...conf.machines.get(m.name)!.ifaces.values()].map((f) => f.cd)).toEqual(m.cds);
      }),
    );
  });
});

describe('lab.conf lines read in linear time', () => {
  const ch = fc.constantFrom(
    'a',
    '0',
    '_',
    '[',
    ']',
    '=',
    '"',
    "'",
    '#',
    ' ',
    '\t',
    '\u2028',
    '\r',
    'é',
    '-',
  );
  it('matchKatharaLine takes what KATHARA_LINE (LabParser) takes, with the same groups', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('pc[0]=', 'a[exec]=', 'x[é]=', 'ab[0]', ''),
        fc.array(ch, { maxLength: 16 }).map((a) => a.join('')),
        (pre, body) => {
          const m = KATHARA_LINE.exec(pre + body);
          expect(matchKatharaLine(pre + body)).toEqual(m ? [...m] : null);
        },
      ),
      { numRuns: 20000 },
    );
  });

  it('an unquoted value with a long blank run, or a shape with one, does not backtrack (took 17 s)', () => {
    const t = performance.now();
    const { conf, problems } = parseLabConf(
      `pc[0]="A"\npc[exec]=ip${' \t'.repeat(80000)}x"\nb[0]=${' '.repeat(80000)}x\u2028y\n`,
    );
    expect(performance.now() - t).toBeLessThan(5000);
    expect(conf.machines.get('pc')).toBeDefined();
    expect(problems.map((p) => p.line)).toEqual([2, 3]);
  });
});
