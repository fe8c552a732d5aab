/**
 * The command registry: every `netplumb` command once, gathered from the
 * file of its area. `netplumb --help`, `netplumb help exit-codes` and the
 * README's exit-code table are made here from the commands and from
 * EXIT_CODES (command.ts), so they cannot drift from what the commands do;
 * registry.test.ts fails when the README's copy differs.
 *
 * Loaded by main.ts once a command (or help) is asked for. The heavy areas
 * (formats, helper, serve) register a small entry that loads their work only
 * when it runs.
 */
import { EXIT, EXIT_CODES, EXIT_PASSTHROUGH, type Command, type Section } from './command';
import { ENGINE_COMMAND } from './engine-help';
import { FORMAT_COMMANDS } from './formats-help';
import { GRADE_COMMAND } from './grade-help';
import { HELPER_COMMANDS } from './helper-help';
import { HOST_COMMANDS } from './host-help';
import { LAB_COMMANDS } from './lab-commands';
import { LIVE_COMMANDS } from './live-commands';
import { SERVE_COMMAND } from './serve-help';

/** The areas, in the order `netplumb --help` lists them within each section. */
const AREAS: Record<string, Command>[] = [
  LAB_COMMANDS,
  FORMAT_COMMANDS,
  HOST_COMMANDS,
  { serve: SERVE_COMMAND },
  HELPER_COMMANDS,
  { engine: ENGINE_COMMAND },
  LIVE_COMMANDS,
  { grade: GRADE_COMMAND },
];

function gather(areas: Record<string, Command>[]): Record<string, Command> {
  const all: Record<string, Command> = {};
  for (const area of areas)
    for (const [name, cmd] of Object.entries(area)) {
      // Two areas claiming one name would silently hide a command.
      if (Object.hasOwn(all, name)) throw new Error(`netplumb command "${name}" is registered twice`);
      all[name] = cmd;
    }
  return all;
}

/** Every command by name. */
export const COMMANDS: Readonly<Record<string, Command>> = gather(AREAS);

const SECTIONS: Record<Section, string> = {
  lab: 'Commands:',
  setup: 'Setup:',
  live: 'Inside an applied lab (root):',
};

/** `  usage               summary` (the summary at column 24, or two spaces after a long usage). */
function synopsisLines(cmd: Command): string[] {
  return cmd.synopsis.flatMap(({ usage, summary }) => {
    const [first, ...more] = typeof summary === 'string' ? [summary] : summary;
    const head = usage.length <= 20 ? usage.padEnd(20) + ' ' : usage + '  ';
    return [`  ${head}${first}`, ...more.map((m) => ' '.repeat(23) + m)];
  });
}

const codes = () => Object.keys(EXIT) as (keyof typeof EXIT)[];

/** "Exit codes: 0 ok/in sync, 1 …", wrapped at 72 columns between codes. */
function exitSummary(): string {
  const parts = codes().map(
    (k, i, all) => `${EXIT[k]} ${EXIT_CODES[k].short}${i < all.length - 1 ? ',' : '.'}`,
  );
  const lines = ['Exit codes:'];
  for (const p of parts) {
    const last = lines.length - 1;
    if (lines[last].length + 1 + p.length > 72) lines.push(p);
    else lines[last] += ' ' + p;
  }
  return lines.join('\n');
}

/** `netplumb --help`. */
export const USAGE = [
  'netplumb — draw Linux network labs and apply them to the kernel',
  '',
  'usage: netplumb <command> [options]',
  ...(Object.keys(SECTIONS) as Section[]).flatMap((s) => [
    '',
    SECTIONS[s],
    ...Object.values(COMMANDS)
      .filter((c) => c.section === s)
      .flatMap(synopsisLines),
  ]),
  '',
  'Shared machines: --prefix P (or "prefix" in ~/.config/netplumb/config.json)',
  'puts P in front of every kernel name of the lab; --no-prefix turns it off.',
  '',
  'Every command takes --help and --json.',
  exitSummary(),
].join('\n');

const plain = (markdown: string) => markdown.replace(/`/g, '');

/** `netplumb help exit-codes`. */
export const EXIT_CODES_HELP = [
  'Exit codes of every netplumb command:',
  ...codes().map((k) => `  ${EXIT[k]}  ${plain(EXIT_CODES[k].long)}`),
  plain(EXIT_PASSTHROUGH),
].join('\n');

/** Help topics that are not commands: `netplumb help TOPIC`. */
export const HELP_TOPICS: Readonly<Record<string, string>> = { 'exit-codes': EXIT_CODES_HELP };

/** The text `netplumb help TOPIC` prints: a command's help, a topic, else the overview. */
export function helpFor(topic: string | undefined): string {
  if (topic !== undefined && Object.hasOwn(COMMANDS, topic)) return COMMANDS[topic].help;
  if (topic !== undefined && Object.hasOwn(HELP_TOPICS, topic)) return HELP_TOPICS[topic];
  return USAGE;
}

/** First and last line of the README's generated exit-code block. */
export const README_EXIT_MARKS = {
  begin:
    '<!-- exit codes: made from EXIT_CODES in electron/cli/command.ts; electron/cli/registry.test.ts fails when they differ -->',
  end: '<!-- end of exit codes -->',
} as const;

/** The README's exit-code table (Markdown), between its marks. */
export function readmeExitTable(): string {
  return [
    README_EXIT_MARKS.begin,
    '| exit | meaning |',
    '|---|---|',
    ...codes().map((k) => `| \`${EXIT[k]}\` | ${EXIT_CODES[k].long} |`),
    '',
    EXIT_PASSTHROUGH,
    README_EXIT_MARKS.end,
  ].join('\n');
}
