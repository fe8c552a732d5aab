/**
 * `npm run lint:electron`: runs @doyensec/electronegativity over the code
 * that ships in the Electron app (electron/, without tests, plus the page's
 * index.html for its CSP), writes its SARIF report, counts the findings and
 * fails on any finding not accepted, with a written reason, in
 * electronegativity-accepted.json. Electronegativity itself never exits
 * non-zero on findings, hence this wrapper.
 *
 * Why the programmatic runner and not its CLI: the CLI reads its options
 * from `commander`, which it does not declare as a dependency; with the
 * commander that npm hoists here (v11) it sees no options and only prints its
 * usage. The runner takes the same options (-i/-o/-r/-e) as an object.
 *
 * Exit status: 0 when every finding is accepted; 1 otherwise, or when a file
 * could not be analysed (an unanalysed file would hide findings).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(root, '.cache', 'electronegativity');
const input = path.join(work, 'input');
const report = path.join(work, 'report.sarif');
const acceptedFile = path.join(root, 'electronegativity-accepted.json');

/** One accepted finding: which check, in which file (relative to the scan input), and why it is fine. */
export const AcceptedFinding = z.object({
  check: z.string().min(1),
  file: z.string().min(1),
  reason: z.string().min(20, 'write a real reason (at least 20 characters)'),
});
export const AcceptedFile = z.object({ accepted: z.array(AcceptedFinding) });

/** A finding read from the SARIF report. */
export interface Finding {
  check: string;
  file: string;
  line?: number;
  message: string;
}

/** Reads findings from electronegativity's SARIF output. */
export function readSarif(text: string): Finding[] {
  const sarif = z
    .object({
      runs: z.array(
        z.object({
          results: z
            .array(
              z.object({
                ruleId: z.string(),
                message: z.object({ text: z.string() }).optional(),
                locations: z
                  .array(
                    z.object({
                      physicalLocation: z.object({
                        artifactLocation: z.object({ uri: z.string() }),
                        region: z.object({ startLine: z.number().optional() }).optional(),
                      }),
                    }),
                  )
                  .optional(),
              }),
            )
            .default([]),
        }),
      ),
    })
    .parse(JSON.parse(text));
  return sarif.runs.flatMap((r) =>
    r.results.map((x) => {
      const loc = x.locations?.[0]?.physicalLocation;
      return {
        check: x.ruleId,
        file: loc?.artifactLocation.uri ?? 'N/A',
        line: loc?.region?.startLine,
        message: x.message?.text ?? '',
      };
    }),
  );
}

/** Splits findings into accepted and new; also returns acceptances that matched nothing. */
export function compare(findings: Finding[], accepted: z.infer<typeof AcceptedFinding>[]) {
  const key = (c: string, f: string) => `${c}\u0000${f}`;
  const ok = new Set(accepted.map((a) => key(a.check, a.file)));
  const seen = new Set(findings.map((f) => key(f.check, f.file)));
  return {
    accepted: findings.filter((f) => ok.has(key(f.check, f.file))),
    fresh: findings.filter((f) => !ok.has(key(f.check, f.file))),
    stale: accepted.filter((a) => !seen.has(key(a.check, a.file))),
  };
}

/** Copies what ships (no tests, no declaration files) into the scan input. */
function stage(): void {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(input, { recursive: true });
  const copyTree = (from: string, to: string) => {
    for (const name of readdirSync(from)) {
      const src = path.join(from, name);
      const dst = path.join(to, name);
      if (statSync(src).isDirectory()) {
        if (name === 'test-support') continue;
        mkdirSync(dst, { recursive: true });
        copyTree(src, dst);
      } else if (/\.(ts|js)$/.test(name) && !/\.(test|spec)\.ts$|\.d\.ts$/.test(name)) {
        cpSync(src, dst);
      }
    }
  };
  copyTree(path.join(root, 'electron'), path.join(input, 'electron'));
  if (existsSync(path.join(root, 'renderer', 'index.html'))) {
    mkdirSync(path.join(input, 'renderer'), { recursive: true });
    cpSync(path.join(root, 'renderer', 'index.html'), path.join(input, 'renderer', 'index.html'));
  }
}

/** Electronegativity writes its report with an un-awaited fs.writeFile: wait until it is whole JSON. */
async function readWhenWritten(file: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    try {
      const text = readFileSync(file, 'utf8');
      JSON.parse(text);
      return text;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`electronegativity did not write ${file}`);
}

async function main(): Promise<number> {
  stage();
  // Electronegativity picks its messages by LANG; anything but its own
  // locales (e.g. C.UTF-8) leaves every message blank.
  process.env.LANG = 'en-US';
  const require = createRequire(import.meta.url);
  const run = require('@doyensec/electronegativity/dist/runner.js') as (
    o: object,
    forCli: boolean,
  ) => Promise<void>;
  const parseErrors: string[] = [];
  const origError = console.error;
  console.error = (...args: unknown[]) => {
    const text = args.map(String).join(' ');
    if (/error|unable|could not/i.test(text)) parseErrors.push(text);
    origError(...args);
  };
  try {
    await run(
      {
        input,
        output: report,
        isSarif: true,
        customScan: [],
        excludeFromScan: [],
        isRelative: true,
        isVerbose: false,
        parserPlugins: [],
        electronVersionOverride: (require('electron/package.json') as { version: string }).version,
      },
      true,
    );
  } finally {
    console.error = origError;
  }
  const findings = readSarif(await readWhenWritten(report));
  const acc = AcceptedFile.parse(JSON.parse(readFileSync(acceptedFile, 'utf8')));
  const { accepted, fresh, stale } = compare(findings, acc.accepted);
  console.log(
    `\nelectronegativity: ${findings.length} finding(s): ${accepted.length} accepted, ${fresh.length} not accepted (report: ${path.relative(root, report)})`,
  );
  for (const f of fresh)
    console.log(`  NOT ACCEPTED ${f.check} in ${f.file}${f.line ? `:${f.line}` : ''}: ${f.message}`);
  for (const s of stale)
    console.log(
      `  note: accepted ${s.check} in ${s.file} no longer occurs; remove it from electronegativity-accepted.json`,
    );
  if (parseErrors.length)
    console.log(
      `  ${parseErrors.length} file(s) could not be analysed (see above): fix them or the scan is incomplete`,
    );
  return fresh.length === 0 && parseErrors.length === 0 ? 0 : 1;
}

const isMain = process.argv[1] !== undefined && /electronegativity-check\.ts$/.test(process.argv[1]);
if (isMain) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`electronegativity-check: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
