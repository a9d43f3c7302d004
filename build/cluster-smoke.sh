#!/usr/bin/env bash
# Cluster smoke test (outside the CI gate): Redis on 127.0.0.1 only, worker processes on localhost, a sweep of
# small real LSTM trials through Orleans. Phases:
#   1. one worker process, 40 trials           -> wall time on one node
#   2. three worker processes, 40 trials       -> wall time on three nodes
#   3. three workers, kill -9 one mid-sweep, stop everything, restart -> every trial exactly once in the results
# Usage: build/cluster-smoke.sh            (env: TRIALS=40 EPOCHS=12 REDIS_PORT=6390 KEEP=1 keeps the temp folder)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TRIALS="${TRIALS:-40}"
EPOCHS="${EPOCHS:-12}"
REDIS_PORT="${REDIS_PORT:-6390}"
CONN="127.0.0.1:${REDIS_PORT}"
OUT="$(mktemp -d /tmp/sp-cluster-smoke.XXXXXX)"
export OMP_WAIT_POLICY=PASSIVE
PIDS=()

cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$OUT"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

if ! command -v redis-server >/dev/null; then
  echo "installing redis-server (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

dotnet build src/Samples -c Release -v q -nologo 2>&1 | grep -E " error |rror\(s\)" || true
DLL="$ROOT/src/Samples/bin/Release/net10.0/linux-x64/Samples.dll"
[ -f "$DLL" ] || { echo "build failed: $DLL missing"; exit 1; }

redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --dir "$OUT" --protected-mode yes >"$OUT/redis.log" 2>&1 &
REDIS_PID=$!; PIDS+=("$REDIS_PID")
for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null

declare -A WORKER
start_worker() { # instance
  dotnet "$DLL" worker --cluster "$CONN" --instance "$1" --slots 1 >>"$OUT/worker$1.log" 2>&1 &
  WORKER[$1]=$!; PIDS+=("$!")
}
stop_worker() { # instance (graceful: running trials are handed back)
  kill -TERM "${WORKER[$1]}" 2>/dev/null || true
  wait "${WORKER[$1]}" 2>/dev/null || true
}
sweep() { # sweep-id wait-slots log
  dotnet "$DLL" cluster-sweep --cluster "$CONN" --sweep-id "$1" --trials "$TRIALS" --epochs "$EPOCHS" \
    --results "$OUT/$1.jsonl" --wait-slots "$2" >>"$3" 2>&1
}
wall_of() { grep -o 'wall [0-9.]* s' "$1" | tail -1 | awk '{print $2}'; }
trial_seconds() { grep -o ' ([0-9.]* s)$' "$1" | tr -d '(s)' | awk '{s+=$1; n++} END {printf "%.1f s over %d trials (mean %.2f s)", s, n, s/n}'; }

echo "== phase 1: one worker process, $TRIALS trials"
start_worker 0
sweep one-node 1 "$OUT/one-node.log"
tail -2 "$OUT/one-node.log"
stop_worker 0

echo "== phase 2: three worker processes, $TRIALS trials"
start_worker 0; start_worker 1; start_worker 2
sweep three-nodes 3 "$OUT/three-nodes.log"
tail -2 "$OUT/three-nodes.log"

echo "== phase 3: kill -9 worker 1 mid-sweep, stop everything, restart, resume"
sweep fault 3 "$OUT/fault-1.log" &
SWEEP_PID=$!; PIDS+=("$SWEEP_PID")
lines() { [ -f "$OUT/fault.jsonl" ] && grep -c . "$OUT/fault.jsonl" || echo 0; }
until [ "$(lines)" -ge 8 ]; do sleep 0.2; done
KILL_MS=$(now_ms)
kill -9 "${WORKER[1]}"; wait "${WORKER[1]}" 2>/dev/null || true
echo "killed worker 1 (pid ${WORKER[1]}) at $KILL_MS ms with $(lines) trials recorded"
until [ "$(lines)" -ge 20 ]; do sleep 0.2; done
echo "stopping everything with $(lines) trials recorded"
kill -TERM "$SWEEP_PID" 2>/dev/null || true; wait "$SWEEP_PID" 2>/dev/null || true
stop_worker 0; stop_worker 2
echo "restarting 3 workers and the sweep"
start_worker 0; start_worker 1; start_worker 2
sweep fault 3 "$OUT/fault-2.log"
tail -1 "$OUT/fault-2.log"

echo "== results"
TOTAL=$(grep -c . "$OUT/fault.jsonl")
DISTINCT=$(grep -o '"trialId":"[0-9a-f]*"' "$OUT/fault.jsonl" | sort | uniq -c | awk '$1 >= 1' | wc -l)
# Each line holds the id twice (request and result); count lines per id.
DUPLICATES=$(grep -o '^{"request":{[^}]*"trialId":"[0-9a-f]*"' "$OUT/fault.jsonl" | grep -o '"trialId":"[0-9a-f]*"' | sort | uniq -d | wc -l)
echo "fault sweep: $TOTAL result lines, $DISTINCT distinct trial ids, $DUPLICATES ids recorded more than once"
DEAD_MS=$(grep -h 'silo dead\|silo unknown' "$OUT"/fault-*.log | grep -o '= [0-9]* ms' | awk '{print $2}' | sort -n | head -1)
if [ -n "$DEAD_MS" ]; then
  echo "re-queue after kill -9: $(( DEAD_MS - KILL_MS )) ms (first lease of the killed node taken back by membership)"
else
  echo "re-queue after kill -9: no lease of the killed node was taken back by membership (it held none, or the lease expired)"
fi
grep -h '^requeue:' "$OUT"/fault-2.log || true
ONE=$(wall_of "$OUT/one-node.log"); THREE=$(wall_of "$OUT/three-nodes.log")
echo "time inside trials: one node $(trial_seconds "$OUT/one-node.log"); three nodes $(trial_seconds "$OUT/three-nodes.log")"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other processes share the cores)"
echo "wall time, $TRIALS trials: one node ${ONE} s, three nodes ${THREE} s, speed-up $(awk -v a="$ONE" -v b="$THREE" 'BEGIN{printf "%.2f", a/b}') on $(nproc) cores"
[ "$TOTAL" -eq "$TRIALS" ] && [ "$DISTINCT" -eq "$TRIALS" ] && [ "$DUPLICATES" -eq 0 ] && echo "SMOKE OK" || { echo "SMOKE FAILED"; exit 1; }
