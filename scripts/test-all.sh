#!/usr/bin/env bash
# npm test: every suite, then one closing line `tests: N passed, N failed, N skipped`.
#   1. checks: type check, lint (layer boundaries), Electron security (electronegativity)
#   2. vitest: unit, property and real-kernel integration tests
#   3. Playwright: the browser-mode user stories (and the Electron project, which
#      reports itself skipped where the Electron binary is absent)
#   4. the non-root lane: an ordinary user installs netplumb as the README says
#      and uses it through the privileged helper (after vitest and Playwright:
#      vitest's real helper install test skips while another install is present)
#   5. the full-kernel lane in a VM (netem, VLAN filtering, 802.1Q), when
#      NETPLUMB_SKIP_VM is not set
set -u
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
passed=0 failed=0 skipped=0
add() { passed=$((passed + $1)); failed=$((failed + $2)); skipped=$((skipped + $3)); }
# What failed, one line each, repeated just above the closing line (a CI log is
# often read from its end).
: >"$out/failures"
failure() { echo "$*" >>"$out/failures"; }

check() { # name, command...
  local name=$1; shift
  echo "== check: $name"
  if "$@"; then add 1 0 0; else echo "check failed: $name"; add 0 1 0; failure "check $name"; fi
}
check typecheck npx tsc -p tsconfig.json --noEmit
check lint npx eslint .
check format npx prettier --check --log-level warn .
[ -f scripts/electronegativity-check.ts ] && check electronegativity npx tsx scripts/electronegativity-check.ts

run_vm=
[ -f scripts/kernel-vm/run.ts ] && [ -z "${NETPLUMB_SKIP_VM:-}" ] && run_vm=1
# Tests that need a full distribution kernel (*.kernel.test.ts) run once, in the
# VM lane, when it runs; otherwise here, where they report themselves skipped.
vm_exclude=()
[ -n "$run_vm" ] && vm_exclude=(--exclude '**/*.kernel.test.ts')

echo "== vitest"
npx vitest run "${vm_exclude[@]}" --reporter=default --reporter=json --outputFile.json="$out/vitest.json"
vrc=$?
if [ -f "$out/vitest.json" ]; then
  read -r p f s < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests,r.numFailedTests,r.numPendingTests+r.numTodoTests)' "$out/vitest.json")
  add "$p" "$f" "$s"
  node -e '
    const r = require(process.argv[1]);
    for (const file of r.testResults ?? []) {
      const name = require("path").relative(process.cwd(), file.name);
      const failed = (file.assertionResults ?? []).filter((t) => t.status === "failed");
      // The first line, and for a property (fast-check) its seed, counterexample and cause.
      const said = (m) => {
        const lines = String(m ?? "").replace(/\u001b\[[0-9;]*m/g, "").split("\n");
        const more = lines.slice(1).filter((l) => /^(\{ seed:|Counterexample:|Caused by:|Got error:)/.test(l.trim()));
        return [lines[0].slice(0, 600), ...more.map((l) => l.trim().slice(0, 200))].join(" | ");
      };
      for (const t of failed) console.log(`vitest ${name} > ${t.fullName}: ${said(t.failureMessages?.[0])}`);
      if (file.status === "failed" && failed.length === 0) console.log(`vitest ${name}: ${String(file.message ?? "").split("\n")[0].slice(0, 300)}`);
    }' "$out/vitest.json" >>"$out/failures"
  [ "$vrc" -ne 0 ] && [ "$f" -eq 0 ] && { echo "vitest exited $vrc without a failed test (an error outside tests)"; add 0 1 0; failure "vitest exited $vrc without a failed test (an error outside tests: see the vitest output above)"; }
else
  echo "vitest wrote no report (exit $vrc)"; add 0 1 0; failure "vitest wrote no report (exit $vrc)"
fi

if [ -f playwright.config.ts ]; then
  echo "== playwright"
  npm run build:renderer --silent >/dev/null 2>&1 || { echo "renderer build failed"; npm run build:renderer; }
  PLAYWRIGHT_JSON_OUTPUT_NAME="$out/pw.json" npx playwright test --reporter=list,json
  prc=$?
  if [ -f "$out/pw.json" ]; then
    read -r p f s < <(node -e 'const r=require(process.argv[1]).stats;console.log(r.expected+r.flaky,r.unexpected,r.skipped)' "$out/pw.json")
    add "$p" "$f" "$s"
    node -e '
      const r = require(process.argv[1]);
      const walk = (suite, path) => {
        for (const spec of suite.specs ?? [])
          for (const t of spec.tests ?? [])
            if (t.status === "unexpected") {
              const err = (t.results ?? []).map((x) => x.error?.message ?? "").find(Boolean) ?? "";
              console.log(`playwright [${t.projectName}] ${spec.file}:${spec.line} > ${spec.title}: ${err.replace(/\u001b\[[0-9;]*m/g, "").split("\n")[0].slice(0, 300)}`);
            }
        for (const s of suite.suites ?? []) walk(s);
      };
      for (const s of r.suites ?? []) walk(s);
      for (const e of r.errors ?? []) console.log(`playwright: ${String(e.message ?? "").split("\n")[0].slice(0, 300)}`);' "$out/pw.json" >>"$out/failures"
    [ "$prc" -ne 0 ] && [ "$f" -eq 0 ] && { echo "playwright exited $prc without a failed test"; add 0 1 0; failure "playwright exited $prc without a failed test"; }
  else
    echo "playwright wrote no report (exit $prc)"; add 0 1 0; failure "playwright wrote no report (exit $prc)"
  fi
fi

# Prints the summary numbers "P F S" of a lane's "NAME: N passed, N failed, N skipped" line.
lane_counts() { # name, log
  local line
  line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped" "$2" | tail -1)
  [ -n "$line" ] && echo "$line" | sed -E "s/^$1: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/"
}

if [ -f scripts/nonroot-lane/run.sh ]; then
  echo "== non-root lane"
  bash scripts/nonroot-lane/run.sh 2>&1 | tee "$out/nonroot.log"
  if counts=$(lane_counts nonroot-lane "$out/nonroot.log"); then
    read -r p f s <<<"$counts"
    add "$p" "$f" "$s"
  else
    echo "the non-root lane printed no summary"; add 0 1 0; failure "the non-root lane printed no summary"
  fi
  grep -E '^\s*✗' "$out/nonroot.log" | sed 's/^\s*/nonroot-lane /' >>"$out/failures"
fi

if [ -n "$run_vm" ]; then
  echo "== kernel VM lane"
  npx tsx scripts/kernel-vm/run.ts 2>&1 | tee "$out/vm.log"
  line=$(grep -E '^kernel-vm: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$out/vm.log" | tail -1)
  if [ -n "$line" ]; then
    read -r p f s < <(echo "$line" | sed -E 's/^kernel-vm: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/')
    add "$p" "$f" "$s"
  else
    echo "the kernel VM lane printed no summary"; add 0 1 0; failure "the kernel VM lane printed no summary"
  fi
  grep -E '^ *(×|FAIL) ' "$out/vm.log" | sed -E 's/^ */kernel-vm /' | sort -u >>"$out/failures"
fi

if [ -s "$out/failures" ]; then
  echo "== what failed"
  sed 's/^/  /' "$out/failures"
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
