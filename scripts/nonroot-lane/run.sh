#!/usr/bin/env bash
# The non-root lane (issue 10, item 8): netplumb used by an ordinary user, the
# way the README tells a person to set it up. Run as root (CI is root):
#   1. makes a user (npuser-ci) with a home, gives it its own `git clone` of
#      this checkout and runs `npm install` AS THAT USER (~/.npmrc: nodedir=/usr,
#      ELECTRON_SKIP_BINARY_DOWNLOAD=1), like README "Install";
#   2. the user runs `sudo npx netplumb helper install` in its clone (README
#      "Running without root", step 1) — a temporary sudo right for exactly that
#      command stands in for the admin rights a person has; then a fresh login
#      (runuser -l) picks up the netplumb group (step 2) and `npx netplumb doctor`
#      must be all green (step 3);
#   3. as that user, Playwright runs e2e/nonroot (CLI lab, browser-mode story,
#      refusals), and no file in its home may be root's;
#   4. always cleans up: labs, `sudo npx netplumb helper uninstall`, the user
#      and its home, the temporary sudo right; then checks nothing is left.
# Ends with: nonroot-lane: N passed, N failed, N skipped
# It skips (counted as skipped, with the reason) when it cannot run: not root,
# tools missing, or a netplumb helper/group already on the machine (it will not
# take over or remove a setup it did not make).
set -u
cd "$(dirname "$0")/../.."
SRC=$(pwd)
U=${NETPLUMB_LANE_USER:-npuser-ci}
TAG=$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')   # 4 hex: unique names for this run
SUDO_CI=/etc/sudoers.d/netplumb-lane-ci            # the temporary admin right (no "." in the name: sudo skips such files)
ART=$SRC/e2e/artifacts/nonroot-lane   # screenshots and traces of the user's run, kept after its home is removed
passed=0 failed=0 skipped=0
ok() { echo "  ✓ $1"; passed=$((passed + 1)); }
bad() { echo "  ✗ $1"; failed=$((failed + 1)); }
summary() { echo "nonroot-lane: $passed passed, $failed failed, $skipped skipped${1:+ ($1)}"; }
skip_lane() { echo "nonroot-lane: skipped: $1"; skipped=$((skipped + 1)); summary "skipped: $1"; exit 0; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---- can it run here? -------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip_lane "needs root (it creates a user and installs the helper)"
for t in useradd userdel runuser sudo visudo git node npm ip; do have "$t" || skip_lane "needs $t"; done
[ -e /usr/lib/netplumb ] || [ -e /etc/sudoers.d/netplumb ] || [ -e /usr/share/polkit-1/actions/org.netplumb.helper.policy ] &&
  skip_lane "a netplumb helper is already installed on this machine (/usr/lib/netplumb or its sudo rule); the lane installs and removes its own and will not touch that one"
getent group netplumb >/dev/null && skip_lane "a netplumb group already exists; the lane will not take over a group it did not make"
id "$U" >/dev/null 2>&1 && skip_lane "a user $U already exists; the lane uses only an account it creates (remove it with: userdel -r $U)"
[ -e "$SUDO_CI" ] && skip_lane "$SUDO_CI exists (another lane running?)"

HOMEDIR=/home/$U
CLONE=$HOMEDIR/netplumb
FOREIGN_LAB=lane-$TAG-root     # a lab root applies for the user, whose namespace root then replaces by an unmarked one
FOREIGN_NS=nlr$TAG
ROOT_LAB=lane-$TAG-admin       # a lab root applies for itself: the user may look, not touch
ROOT_NS=nlx$TAG
made_user= installed= cleaned=
# As the user, in a fresh login shell (new groups, the user's own environment).
# Its temporary files go in its home (TMPDIR), so removing the home leaves nothing of a deleted uid in /tmp.
as_user() { runuser -l "$U" -c "mkdir -p ~/tmp && export TMPDIR=~/tmp && $1" </dev/null; }
root_cli() { node "$SRC/bin/netplumb.js" "$@"; }
# Every kernel name of this run is nl<letter><TAG>[letter] (e2e/nonroot/lane.ts): only those are ever removed.
NAME_RE="^nl[a-z]${TAG}[a-z]?\$"
lane_netns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "$NAME_RE"; }
lane_links() { ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "$NAME_RE"; }

cleanup() {
  [ -n "$cleaned" ] && return
  cleaned=1
  echo "== nonroot lane: cleanup"
  if [ -n "$made_user" ]; then
    # The user's processes (a server or browser left by a failed test), by id.
    pids=$(ps -o pid= -u "$U" 2>/dev/null | tr '\n' ' ')
    [ -n "${pids// /}" ] && kill $pids 2>/dev/null && sleep 1
    pids=$(ps -o pid= -u "$U" 2>/dev/null | tr '\n' ' ')
    [ -n "${pids// /}" ] && kill -9 $pids 2>/dev/null
  fi
  # Every lab of this run (they all carry the tag), then anything of ours left by name.
  if [ -f "$SRC/dist/cli.cjs" ]; then
    for lab in $(root_cli list --json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{for(const l of JSON.parse(s).labs)console.log(l.name)}catch{}})' | grep -- "-$TAG-"); do
      root_cli destroy "$lab" >/dev/null 2>&1 || echo "  could not destroy lab $lab"
    done
  fi
  for ns in $(lane_netns); do ip netns del "$ns"; done
  for dev in $(lane_links); do ip link del dev "$dev" 2>/dev/null; done
  if [ -n "$installed" ] && [ -f /usr/lib/netplumb/install-manifest.json ]; then
    # README: `sudo npx netplumb helper uninstall`; if the user's copy cannot, root uses the checkout's.
    as_user "cd ~/netplumb && sudo npx netplumb helper uninstall" || true
    [ -f /usr/lib/netplumb/install-manifest.json ] && root_cli helper uninstall
  fi
  rm -f "$SUDO_CI"
  if [ -n "$made_user" ]; then
    rm -rf "$ART" && mkdir -p "$ART" && cp -r "$HOMEDIR/netplumb/test-results/." "$ART/" 2>/dev/null
    userdel -r "$U" 2>/dev/null || userdel -r -f "$U"
  fi
  rm -rf "$LOGS"
}
LOGS=$(mktemp -d)   # root's own logs, never in the user's home (they would be root-owned files there)
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== nonroot lane: user $U, names tagged $TAG"
[ -n "$(git status --porcelain 2>/dev/null)" ] && echo "   note: the user's clone has this checkout's last commit; uncommitted changes are not in it"
t0=$(date +%s)

# ---- 1. the user and its own copy, installed as the README says -------------
useradd -m -s /bin/bash "$U" && made_user=1 || { bad "useradd $U"; summary; exit 1; }
UID_U=$(id -u "$U")
# Files a removed account with the same uid left behind are not this user's doing.
strays_before=$(find /tmp /var/tmp /dev/shm -xdev -uid "$UID_U" -printf '%p\n' 2>/dev/null | sort)
# The checkout may sit where the user cannot read (/root/...): root clones, then hands it over.
# --no-hardlinks: a local clone hard-links the object files, and the chown would then change
# the owner of the source repository's own objects (the same inodes).
git clone -q --no-hardlinks "$SRC" "$CLONE" && chown -R "$U:" "$CLONE" || { bad "git clone into $CLONE"; summary; exit 1; }
as_user 'echo nodedir=/usr > ~/.npmrc'
echo "== nonroot lane: npm install as $U"
if as_user "cd ~/netplumb && ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error" > "$LOGS/npm-install.log" 2>&1 &&
   [ -f "$CLONE/dist/cli.cjs" ]; then
  ok "npm install as $U builds dist/ ($(($(date +%s) - t0)) s so far)"
else
  tail -30 "$LOGS/npm-install.log"; bad "npm install as $U"; summary; exit 1
fi

# ---- 2. `sudo npx netplumb helper install`, then log in again, then doctor ---
# A person has admin rights through sudo; this right is for exactly the README's two commands.
NPX=$(command -v npx)
printf '%s ALL=(root) NOPASSWD: %s netplumb helper install, %s netplumb helper uninstall\n' "$U" "$NPX" "$NPX" > "$SUDO_CI.tmp"
chmod 0440 "$SUDO_CI.tmp"
visudo -cqf "$SUDO_CI.tmp" && mv "$SUDO_CI.tmp" "$SUDO_CI" || { rm -f "$SUDO_CI.tmp"; bad "temporary sudo right"; summary; exit 1; }
installed=1
if out=$(as_user "cd ~/netplumb && sudo npx netplumb helper install" 2>&1) && echo "$out" | grep -q "$U is in the group" &&
   getent group netplumb | cut -d: -f4 | tr ',' '\n' | grep -qx "$U"; then
  ok "sudo npx netplumb helper install (as $U) makes $U a member of netplumb"
else
  echo "$out"; bad "sudo npx netplumb helper install"
fi
if out=$(as_user 'cd ~/netplumb && id -nG && NO_COLOR=1 npx netplumb doctor' 2>&1) && echo "$out" | head -1 | tr ' ' '\n' | grep -qx netplumb; then
  echo "$out" | sed 's/^/    /'
  ok "after a new login, $U is in netplumb and npx netplumb doctor is all green"
else
  echo "$out"; bad "npx netplumb doctor after a new login"
fi

# ---- 3. the user's suite ----------------------------------------------------
# A lab root applied whose namespace is then replaced by one without the lab's mark:
# live work on it must be refused (e2e/nonroot/refusals.spec.ts).
printf 'version: 1\nname: %s\nnodes:\n  - { id: n1, name: %s, kind: namespace }\n  - { id: n2, name: nls%s, kind: namespace }\nlinks:\n  - id: l1\n    a: { node: n1, ifname: eth0, addresses: [10.219.0.1/30] }\n    b: { node: n2, ifname: eth0, addresses: [10.219.0.2/30] }\n' \
  "$FOREIGN_LAB" "$FOREIGN_NS" "$TAG" > "$LOGS/foreign.yaml"
# SUDO_UID: root applies it *for* the user (as `sudo netplumb apply` would), so the lab is the user's
# and only the namespace's missing mark refuses the live work.
if SUDO_UID=$UID_U root_cli apply "$LOGS/foreign.yaml" >/dev/null 2>&1 && ip netns del "$FOREIGN_NS" && ip netns add "$FOREIGN_NS"; then
  foreign="NETPLUMB_LANE_FOREIGN_LAB=$FOREIGN_LAB NETPLUMB_LANE_FOREIGN_NS=$FOREIGN_NS"
else
  bad "setting up a namespace the lab does not own"; foreign=
fi
# A lab of root's own (no SUDO_UID): the user may list it and read its status, never change it or work in it.
printf 'version: 1\nname: %s\nnodes:\n  - { id: n1, name: %s, kind: namespace }\n  - { id: n2, name: nly%s, kind: namespace }\nlinks:\n  - id: l1\n    a: { node: n1, ifname: eth0, addresses: [10.219.2.1/30] }\n    b: { node: n2, ifname: eth0, addresses: [10.219.2.2/30] }\n' \
  "$ROOT_LAB" "$ROOT_NS" "$TAG" > "$LOGS/admin.yaml"
if (unset SUDO_UID PKEXEC_UID; root_cli apply "$LOGS/admin.yaml" >/dev/null 2>&1) && cp "$LOGS/admin.yaml" "$HOMEDIR/admin-lab.yaml" && chown "$U": "$HOMEDIR/admin-lab.yaml"; then
  foreign+=" NETPLUMB_LANE_ROOT_LAB=$ROOT_LAB NETPLUMB_LANE_ROOT_FILE=$HOMEDIR/admin-lab.yaml"
else
  bad "setting up a lab of root's"
fi
echo "== nonroot lane: Playwright as $U (e2e/nonroot)"
as_user "cd ~/netplumb && CI=true NETPLUMB_LANE_TAG=$TAG $foreign PLAYWRIGHT_JSON_OUTPUT_NAME=\$HOME/lane-report.json npx playwright test -c e2e/nonroot/playwright.config.ts --reporter=list,json"
prc=$?
if [ -f "$HOMEDIR/lane-report.json" ]; then
  read -r p f s < <(node -e 'const r=require(process.argv[1]).stats;console.log(r.expected+r.flaky,r.unexpected,r.skipped)' "$HOMEDIR/lane-report.json")
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  [ "$prc" -ne 0 ] && [ "$f" -eq 0 ] && bad "playwright exited $prc without a failed test"
  rm -f "$HOMEDIR/lane-report.json"
else
  bad "the user's Playwright run wrote no report (exit $prc)"
fi

rootowned=$(find "$HOMEDIR" \( -uid 0 -o -gid 0 \) -printf '%p\n' 2>/dev/null | head -20)
if [ -z "$rootowned" ]; then ok "no file in $HOMEDIR is root's"; else echo "$rootowned"; bad "root-owned files in $HOMEDIR"; fi

# Removing the account later would leave such files to whoever gets its uid next.
strays=$(comm -13 <(echo "$strays_before") <(find /tmp /var/tmp /dev/shm -xdev -uid "$UID_U" -printf '%p\n' 2>/dev/null | sort) | sed '/^$/d' | head -20)
if [ -z "$strays" ]; then ok "no file of $U outside its home (/tmp, /var/tmp, /dev/shm)"; else echo "$strays"; bad "files of $U outside its home"; fi

# ---- 4. cleanup, and nothing left behind -------------------------------------
cleanup
left=
[ -n "$(lane_netns)" ] && left+=" namespaces: $(lane_netns | tr '\n' ' ')"
[ -n "$(lane_links)" ] && left+=" interfaces: $(lane_links | tr '\n' ' ')"
[ -e /usr/lib/netplumb ] && left+=" /usr/lib/netplumb"
[ -e /etc/sudoers.d/netplumb ] && left+=" /etc/sudoers.d/netplumb"
[ -e /usr/share/polkit-1/actions/org.netplumb.helper.policy ] && left+=" polkit-action"
[ -e "$SUDO_CI" ] && left+=" $SUDO_CI"
getent group netplumb >/dev/null && left+=" group-netplumb"
id "$U" >/dev/null 2>&1 && left+=" user-$U"
[ -e "$HOMEDIR" ] && left+=" $HOMEDIR"
if [ -z "$left" ]; then ok "helper uninstall and cleanup leave nothing behind"; else bad "left behind:$left"; fi
echo "== nonroot lane took $(($(date +%s) - t0)) s; screenshots in $ART"
summary
[ "$failed" -eq 0 ]
