/**
 * Many processes from one spawn. Starting a process from Node costs a few
 * milliseconds of the event loop each; a 200-namespace lab read or apply
 * needs one `ip` per namespace. So one `bash` is spawned, and it starts the
 * jobs itself (at most `concurrency` at a time), each with its own stdin,
 * stdout, stderr and exit code kept apart in a private temporary directory.
 *
 * Security: the jobs' argv reach bash as positional arguments and run as
 * "${cmd[@]}" — never interpolated into the script text — and inputs are
 * files, so no namespace name, address or alias is ever parsed as shell.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FanJob, FanOptions, RunOptions, RunResult } from './run-types';

/**
 * The fan-out script. Arguments: DIR MAX. DIR/jobs holds, NUL-separated, per
 * job: ARGC INPUT ARGV... (INPUT is a file name in DIR, or "-" for none).
 * Each job is one fork+exec of its command (no subshell around it: measured
 * about twice as fast on a busy 2-core host), its stdout and stderr in
 * DIR/I.o and DIR/I.e. `wait -n` keeps at most MAX running; at the end
 * `wait PID` gives each job's exit code (bash keeps the status of reaped
 * background jobs), printed as "INDEX CODE" lines.
 */
export const FAN_OUT_SCRIPT = `
dir=$1; max=$2
mapfile -d '' -t a <"$dir/jobs"
i=0; p=0; running=0; pids=()
while (( p < \${#a[@]} )); do
  n=\${a[p]}; inp=\${a[p+1]}
  cmd=("\${a[@]:p+2:n}"); p=$((p+2+n))
  if (( running >= max )); then wait -n; running=$((running-1)); fi
  if [[ $inp == - ]]; then src=/dev/null; else src=$dir/$inp; fi
  "\${cmd[@]}" <"$src" >"$dir/$i.o" 2>"$dir/$i.e" & pids[i]=$!
  running=$((running+1)); i=$((i+1))
done
for i in "\${!pids[@]}"; do wait "\${pids[i]}"; echo "$i $?"; done
`;

/** Runs `jobs` through one bash started by `spawn` (the runner's single-process primitive). */
export async function fanOutOnce(
  spawn: (argv: readonly string[], opts?: RunOptions) => Promise<RunResult>,
  jobs: readonly FanJob[],
  opts: FanOptions = {},
): Promise<RunResult[]> {
  if (jobs.length === 0) return [];
  const dir = mkdtempSync(join(scratchBase(), 'netplumb-fan-'));
  try {
    const inputs = new Map<string, string>();
    const fields: string[] = [];
    for (const j of jobs) {
      if (j.argv.length === 0) throw new Error('empty command');
      let inp = '-';
      if (j.input !== undefined) {
        inp = inputs.get(j.input) ?? `in${inputs.size}`;
        if (!inputs.has(j.input)) {
          inputs.set(j.input, inp);
          writeFileSync(join(dir, inp), j.input);
        }
      }
      for (const f of j.argv) if (f.includes('\0')) throw new Error('a command argument contains a NUL byte');
      fields.push(String(j.argv.length), inp, ...j.argv);
    }
    writeFileSync(join(dir, 'jobs'), fields.map((f) => f + '\0').join(''));
    const max = String(Math.max(1, opts.concurrency ?? 4));
    const r = await spawn(['bash', '-c', FAN_OUT_SCRIPT, 'netplumb-fan-out', dir, max], {
      timeoutMs: opts.timeoutMs ?? 120_000,
    });
    const codes = new Map<number, number>();
    for (const line of r.stdout.split('\n')) {
      const m = /^(\d+) (\d+)$/.exec(line);
      if (m) codes.set(Number(m[1]), Number(m[2]));
    }
    return jobs.map((j, i) => {
      const code = codes.get(i);
      if (code === undefined) {
        // The fan-out itself failed (bash missing, killed by the timeout): say so for each job.
        return {
          exitCode: r.exitCode || 127,
          stdout: '',
          stderr: `\`${j.argv.join(' ')}\` did not run: ${r.stderr.trim() || 'the fan-out process ended early'}`,
        };
      }
      return { exitCode: code, stdout: readOr(join(dir, `${i}.o`)), stderr: readOr(join(dir, `${i}.e`)) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where the private job directory goes: /dev/shm (memory) when it is there,
 * since each job's output is written and read back once; else the temp dir.
 * mkdtemp makes it 0700 with a random name either way.
 */
function scratchBase(): string {
  try {
    if (statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    // no /dev/shm: fall back
  }
  return tmpdir();
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
