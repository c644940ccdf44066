#!/usr/bin/env bash
# The whole suite (scripts/test-all.sh, arguments passed through) on a deliberately slowed machine: every
# process of the run (jest and its workers, PostgreSQL, Chromium, gateway subprocesses) is pinned to one CPU
# that busy loops started here also occupy, so the suite gets a fraction of one core. A test that passes
# only because the machine was fast fails here; run this before relying on a time margin.
set -uo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/test-slow.sh [--help] [ARGS...]
       npm run test:slow [-- ARGS...]

Runs `bash scripts/test-all.sh ARGS...` pinned to one CPU (taskset) that busy loops share with it.
ARGS go to jest as in test-all.sh (e.g. a path or -t 'test name').

Environment:
  SLOW_CPU          the CPU to pin everything to (default: the first one this shell may use)
  SLOW_BUSY_LOOPS   busy loops on that CPU (default 2: the suite gets about a third of one core,
                    like the host of issue 9, whose CPU was about three times slower than usual)

The busy loops are started here, and killed by their PIDs when the run ends, however it ends.
EOF
}
case "${1:-}" in
  -h | --help)
    usage
    exit 0
    ;;
esac
cd "$(dirname "$0")/.."

if ! command -v taskset >/dev/null; then
  echo "ERROR: taskset (Debian's util-linux package) is needed to pin the run to one CPU" >&2
  exit 2
fi
# The first CPU of this shell's own affinity list, e.g. "0" of "0-3" or "2" of "2,5".
cpu=${SLOW_CPU:-$(taskset -pc $$ | sed 's/.*: *//' | cut -d, -f1 | cut -d- -f1)}
loops=${SLOW_BUSY_LOOPS:-2}
if ! [[ $cpu =~ ^[0-9]+$ && $loops =~ ^[0-9]+$ ]]; then
  echo "ERROR: SLOW_CPU and SLOW_BUSY_LOOPS must be whole numbers (got '$cpu' and '$loops')" >&2
  exit 2
fi

busy_pids=()
stop_loops() {
  for pid in "${busy_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${busy_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  busy_pids=()
}
trap stop_loops EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for ((i = 0; i < loops; i++)); do
  # taskset execs the loop, so $! is the loop's own PID. The loop also ends by itself once this script is
  # gone, should it be killed in a way no trap sees (SIGKILL).
  taskset -c "$cpu" bash -c 'while kill -0 "$1" 2>/dev/null; do :; done' busy-loop $$ </dev/null >/dev/null 2>&1 &
  busy_pids+=("$!")
done
echo "slowed run: everything on CPU $cpu, shared with $loops busy loop(s) (PIDs ${busy_pids[*]:-none})"

started=$(date +%s)
taskset -c "$cpu" bash scripts/test-all.sh "$@" </dev/null
status=$?
echo "slowed run: exit $status after $(($(date +%s) - started)) s"
exit $status
