/**
 * Hostile messages for the fuzzers of `netplumb serve` (serve.fuzz.test.ts)
 * and the privileged helper (helper-hostile.test.ts), plus an engine and a
 * runner that record every call, so a fuzzer can prove that no invalid
 * message reached the kernel side.
 *
 * Every message generated here is invalid by construction (bad JSON, too
 * deep, a "__proto__" key, a bad id, an unknown channel/op, or a request that
 * breaks its schema), so the right number of engine and runner calls is 0.
 * Messages are built as text, not with JSON.stringify, so that keys such as
 * "__proto__", duplicates and any order reach the parser as a sender wrote them.
 */
import fc from 'fast-check';
import type { Engine } from '../engine-types';
import { recordingRunner } from '../runner';

/** Which wire the message is for: the browser socket or the helper's stdin. */
export type Wire = 'ws' | 'helper';

/** A JSON object written as text from [key, JSON text] pairs. */
export const obj = (pairs: [string, string][]) =>
  `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

const envelopeKeys: Record<Wire, [string, string, string]> = {
  ws: ['id', 'channel', 'request'],
  helper: ['id', 'op', 'args'],
};

/** Names that exist but need arguments, so wrong arguments are refused by the schema. */
const NEEDS_ARGS: Record<Wire, string[]> = {
  ws: ['lab:destroy', 'lab:ping', 'lab:tables', 'term:write'],
  helper: ['destroy', 'capabilities'],
};
/** The field each of those needs (capabilities takes none: any key is refused). */
const FIELD: Record<string, string> = {
  'lab:destroy': 'lab',
  'lab:ping': 'lab',
  'lab:tables': 'lab',
  'term:write': 'id',
  destroy: 'lab',
  capabilities: 'constructor',
};

const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];

/** JSON text of a value no lab name, handle or id accepts. */
const wrongValue = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('true', 'false', 'null', '[]', '{}', '[1,2]', '{"a":1}', '"\\u0000"'),
  fc
    .constantFrom('', 'a..b', '-x', 'X'.repeat(33), '../etc', 'a/b', 'Lab', 'a b', 'a\nb', '%2e%2e', 'é')
    .map((s) => JSON.stringify(s)),
);

/** JSON text of an id neither side accepts. */
const badId = fc.oneof(
  fc.constantFrom('-1', '1.5', '9007199254740993', 'null', 'true', '"1"', '[1]', '{"id":1}', '1e400', '-0.5'),
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
);
const goodId = fc.nat({ max: 2 ** 31 }).map(String);

/** JSON text of a channel/op name that does not exist. */
const badName = fc.oneof(
  fc
    .constantFrom(...PROTO_KEYS, 'shell:run', 'exec', 'lab:destroy ', 'LAB:LIST', '', 'apply\u0000')
    .map((s) => JSON.stringify(s)),
  fc
    .string({ maxLength: 40 })
    .filter((s) => !s.includes(':') && !/^[a-z-]+$/.test(s))
    .map((s) => JSON.stringify(s)),
  fc.constantFrom('1', 'null', '[]', '{}', '["lab:list"]', '{"toString":1}'),
);

/** A request whose required field is wrong, with proto-like keys mixed in. */
const wrongArgs = (name: string) =>
  fc
    .tuple(wrongValue, fc.subarray(['constructor', 'prototype', 'toString'] as const), fc.integer())
    .map(([v, extra, n]) => obj([[FIELD[name], v], ...extra.map((k): [string, string] => [k, String(n)])]));

/** Text nested `depth` levels deep (past any limit), in one of several shapes. */
const deepText = fc
  .tuple(fc.integer({ min: 65, max: 20_000 }), fc.constantFrom('[', '{"a":', '[{"b":'))
  .map(([depth, open]) => {
    const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}]';
    return `${open.repeat(depth)}1${close.repeat(depth)}`;
  });

/** One hostile message (complete text) for `wire`. */
export function hostileMessage(wire: Wire): fc.Arbitrary<string> {
  const [kId, kName, kReq] = envelopeKeys[wire];
  const names = fc.constantFrom(...NEEDS_ARGS[wire]);
  return fc.oneof(
    // Deep nesting: in the request, at the top, or as the id.
    {
      weight: 3,
      arbitrary: fc.tuple(goodId, names, deepText).map(([id, n, d]) =>
        obj([
          [kId, id],
          [kName, JSON.stringify(n)],
          [kReq, obj([[FIELD[n], d]])],
        ]),
      ),
    },
    { weight: 1, arbitrary: deepText },
    // Huge strings (kept under the size caps; the caps have their own tests).
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          goodId,
          names,
          fc.integer({ min: 10_000, max: 200_000 }),
          fc.constantFrom('x', 'é', '\\"', '['),
        )
        .map(([id, n, len, c]) =>
          obj([
            [kId, id],
            [kName, JSON.stringify(n)],
            [kReq, obj([[FIELD[n], `"${c.repeat(len)}"`]])],
          ]),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 10_000, max: 100_000 }), goodId).map(([len, id]) =>
        obj([
          [kId, id],
          [kName, JSON.stringify('n'.repeat(len))],
          [kReq, '{}'],
        ]),
      ),
    },
    // Wrong types: id, name, arguments.
    {
      weight: 3,
      arbitrary: fc.tuple(badId, names).map(([id, n]) =>
        obj([
          [kId, id],
          [kName, JSON.stringify(n)],
          [kReq, '{}'],
        ]),
      ),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(goodId, badName).map(([id, n]) =>
        obj([
          [kId, id],
          [kName, n],
          [kReq, '{}'],
        ]),
      ),
    },
    {
      weight: 4,
      arbitrary: fc.tuple(goodId, names).chain(([id, n]) =>
        wrongArgs(n).map((a) =>
          obj([
            [kId, id],
            [kName, JSON.stringify(n)],
            [kReq, a],
          ]),
        ),
      ),
    },
    // "__proto__" anywhere: refused before anything reads the message.
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          goodId,
          fc.constantFrom(wire === 'ws' ? 'lab:list' : 'list', ...NEEDS_ARGS[wire]),
          fc.constantFrom('top', 'request', 'nested'),
          fc.constantFrom('{"polluted":1}', '1', 'null', '{"__proto__":{}}'),
        )
        .map(([id, n, where, v]) => {
          const proto: [string, string] = ['__proto__', v];
          if (where === 'top') return obj([[kId, id], proto, [kName, JSON.stringify(n)], [kReq, '{}']]);
          if (where === 'request')
            return obj([
              [kId, id],
              [kName, JSON.stringify(n)],
              [kReq, obj([proto])],
            ]);
          return obj([
            [kId, id],
            [kName, JSON.stringify(n)],
            [kReq, obj([['a', `[${obj([proto])}]`]])],
          ]);
        }),
    },
    // Not JSON, cut short (a partial frame or line), or JSON that is not an object.
    { weight: 2, arbitrary: fc.string({ maxLength: 60 }).filter((s) => !isJsonObject(s)) },
    {
      weight: 2,
      arbitrary: fc.tuple(goodId, fc.nat()).map(([id, cut]) => {
        const full = obj([
          [kId, id],
          [kName, JSON.stringify(wire === 'ws' ? 'lab:list' : 'list')],
          [kReq, '{}'],
        ]);
        return full.slice(0, cut % (full.length - 1));
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '1',
        '"lab:list"',
        'null',
        'true',
        '[]',
        '[{"id":1}]',
        '"\\ud800"',
        `{"id":1,"${kName}":{}}`,
      ),
    },
  );
}

function isJsonObject(s: string): boolean {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null;
  } catch {
    return false;
  }
}

/** An engine that records each call (and answers like an empty host). */
export function recordingEngine() {
  const calls: string[] = [];
  const engine: Engine = {
    validateDocument: async () => (calls.push('validate'), { problems: [] }),
    planDocument: async () => (calls.push('plan'), { problems: [], changes: [] }),
    applyDocument: async () => (
      calls.push('apply'),
      { problems: [], result: { ok: true, lab: 'x', steps: 0, changes: [], durationMs: 0 } }
    ),
    statusDocument: async () => (
      calls.push('status'),
      { problems: [], inSync: true, applied: false, drift: [] }
    ),
    destroyLab: async (lab) => (calls.push(`destroy ${lab}`), { removed: [] }),
    listLabs: async () => (calls.push('list'), []),
    openLab: async (lab) => (calls.push(`open ${lab}`), null),
  };
  return { engine, calls, runner: recordingRunner() };
}

/** True when an answer's error is plain words: a bounded string without a stack trace. */
export function plainRefusal(error: unknown): boolean {
  return typeof error === 'string' && error.length > 0 && error.length < 2000 && !/\n\s+at /.test(error);
}
