#!/usr/bin/env bash
# Cluster smoke test (outside the CI gate): Redis on 127.0.0.1 only, with append-only persistence and an fsync per
# write (--appendonly yes --appendfsync always), worker processes on localhost, a sweep of small real LSTM trials
# through Orleans. Phases:
#   1. one worker process, 40 trials           -> wall time on one node
#   2. three worker processes, 40 trials       -> wall time on three nodes
#   3. three workers; kill -9 one worker mid-sweep, then kill -9 Redis and restart it from its append-only file;
#      kill -9 the client and stop the workers, restart, resume -> judged from the coordinator's state as Redis holds it (read after a
#      further kill -9 and restart of Redis): every trial completed exactly once, none queued or leased
# Usage: build/cluster-smoke.sh   (env: TRIALS=40 EPOCHS=12 REDIS_PORT=6390 REDIS_DOWN=8 seconds KEEP=1 keeps the temp folder)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TRIALS="${TRIALS:-40}"
EPOCHS="${EPOCHS:-12}"
REDIS_PORT="${REDIS_PORT:-6390}"
# Longer than the Redis client's 5 s command timeout, so that writes fail during the outage instead of waiting in the
# client's backlog until Redis is back.
REDIS_DOWN="${REDIS_DOWN:-8}"
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

# redis-server and redis-cli (Debian package redis-server) and jq (reads the coordinator's JSON state), as root or via sudo.
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v jq >/dev/null || missing+=(jq)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo_cmd=(); else sudo_cmd=(sudo -n); fi
  echo "installing ${missing[*]} (Debian packages)"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet build src/Samples -c Release -v q -nologo -nodeReuse:false -p:UseSharedCompilation=false 2>&1 | grep -E " error |rror\(s\)" || true
DLL="$ROOT/src/Samples/bin/Release/net10.0/linux-x64/Samples.dll"
[ -f "$DLL" ] || { echo "build failed: $DLL missing"; exit 1; }

mkdir -p "$OUT/redis"
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
start_redis() { # from the append-only file in $OUT/redis, if any
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$OUT/redis" --appendonly yes --appendfsync always --save "" \
    --protected-mode yes >>"$OUT/redis.log" 2>&1 &
  REDIS_PID=$!; PIDS+=("$REDIS_PID")
  for _ in $(seq 100); do [ "$(rcli ping 2>/dev/null)" = PONG ] && return 0; sleep 0.1; done
  echo "redis-server did not answer on $CONN (see $OUT/redis.log)"; exit 1
}
kill9_redis() { kill -9 "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null || true; }
start_redis
rcli flushall >/dev/null

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
sweep_bg() { # sweep-id wait-slots log; SWEEP_PID is the client process itself, so that it can be stopped
  dotnet "$DLL" cluster-sweep --cluster "$CONN" --sweep-id "$1" --trials "$TRIALS" --epochs "$EPOCHS" \
    --results "$OUT/$1.jsonl" --wait-slots "$2" >>"$3" 2>&1 &
  SWEEP_PID=$!; PIDS+=("$SWEEP_PID")
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

echo "== phase 3: kill -9 worker 1 and Redis mid-sweep (Redis restarted from its append-only file), kill -9 the client, stop the workers, restart, resume"
sweep_bg fault 3 "$OUT/fault-1.log"
lines() { [ -f "$OUT/fault.jsonl" ] && grep -c . "$OUT/fault.jsonl" || echo 0; }
wait_lines() { # n: progress trigger only (the verdict is read from the coordinator's state)
  local deadline=$(( $(date +%s) + 1800 ))
  until [ "$(lines)" -ge "$1" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "no progress: $(lines) trials recorded after 30 min, waiting for $1"; exit 1; }
    sleep 0.2
  done
}
wait_lines $(( TRIALS / 5 ))
KILL_MS=$(now_ms)
kill -9 "${WORKER[1]}"; wait "${WORKER[1]}" 2>/dev/null || true
echo "killed worker 1 (pid ${WORKER[1]}) at $KILL_MS ms with $(lines) trials recorded"
wait_lines $(( TRIALS * 7 / 20 ))
kill9_redis
echo "killed redis-server (kill -9) with $(lines) trials recorded; restarting it in $REDIS_DOWN s from its append-only file"
sleep "$REDIS_DOWN"
start_redis
echo "redis-server back with $(rcli dbsize) keys and $(lines) trials recorded"
wait_lines $(( TRIALS / 2 ))
echo "stopping everything with $(lines) trials recorded: kill -9 of the client, workers stopped"
kill -9 "$SWEEP_PID" 2>/dev/null || true; wait "$SWEEP_PID" 2>/dev/null || true
stop_worker 0; stop_worker 2
echo "restarting 3 workers and the sweep"
start_worker 0; start_worker 1; start_worker 2
sweep fault 3 "$OUT/fault-2.log" || true
tail -1 "$OUT/fault-2.log"
stop_worker 0; stop_worker 1; stop_worker 2

# The verdict: the coordinator's state as Redis holds it on disk (kill -9 and restart Redis once more first).
kill9_redis
start_redis
KEY=$(rcli --scan --pattern '*/state/sweepcoordinator/fault/*' | head -1)
[ -n "$KEY" ] || { echo "no coordinator record for sweep 'fault' in Redis"; echo "SMOKE FAILED"; exit 1; }
rcli hget "$KEY" data >"$OUT/fault-state.json"
# Orleans' JSON grain storage wraps collections as {"$type":…, "$values":[…]} and adds "$…" metadata keys.
JQ_DEFS='def vals: if type == "object" and has("$values") then .["$values"] else . end;
  def trials: .Trials | to_entries | map(select(.key | startswith("$") | not));
  def state: .value.State | if type == "number" then ["Queued", "Leased", "Completed", "Withdrawn"][.] else . end;'
jqs() { jq -r "$JQ_DEFS $1" "$OUT/fault-state.json"; }
STATE_COMPLETED=$(jqs '[trials[] | select(state == "Completed")] | length')
STATE_OPEN=$(jqs '[trials[] | select(state == "Queued" or state == "Leased")] | length')
ORDER_LEN=$(jqs '.CompletionOrder | vals | length')
ORDER_DISTINCT=$(jqs '.CompletionOrder | vals | unique | length')
QUEUED=$(jqs '.Queue | vals | length')
STATE_REQUEUED=$(jqs '.Requeued')
jqs '[trials[] | select(state == "Completed") | .key] | .[]' | sort >"$OUT/state-ids"
grep -o '^{"request":{[^}]*"trialId":"[0-9a-f]*"' "$OUT/fault.jsonl" | grep -o '"trialId":"[0-9a-f]*"' | cut -d'"' -f4 | sort -u >"$OUT/file-ids"
NOT_IN_STATE=$(comm -23 "$OUT/file-ids" "$OUT/state-ids" | wc -l)

echo "== results"
echo "coordinator state in Redis ($KEY): $STATE_COMPLETED trials completed, completion order $ORDER_LEN entries ($ORDER_DISTINCT distinct), $STATE_OPEN still queued or leased ($QUEUED in the queue), $STATE_REQUEUED re-queued"
# The client's results file, for comparison only.
TOTAL=$(grep -c . "$OUT/fault.jsonl")
DUPLICATES=$(grep -o '^{"request":{[^}]*"trialId":"[0-9a-f]*"' "$OUT/fault.jsonl" | grep -o '"trialId":"[0-9a-f]*"' | sort | uniq -d | wc -l)
echo "client's results file (a mirror): $TOTAL lines, $DUPLICATES ids recorded more than once, $NOT_IN_STATE results not completed in the coordinator's state"
DEAD_MS=$( (grep -h 'silo dead\|silo unknown' "$OUT"/fault-*.log || true) | grep -o '= [0-9]* ms' | awk '{print $2}' | sort -n | head -1)
if [ -n "$DEAD_MS" ]; then
  echo "re-queue after kill -9: $(( DEAD_MS - KILL_MS )) ms (first lease of the killed node taken back by membership)"
else
  echo "re-queue after kill -9: no lease of the killed node was taken back by membership (it held none, or the lease expired)"
fi
grep -h '^requeue:' "$OUT"/fault-2.log || true
OUTAGE=$(cat "$OUT"/worker*.log | grep -c 'could not write' || true)
echo "coordinator or registry writes refused while Redis was down (each failed the call and replaced the activation): $OUTAGE"
ONE=$(wall_of "$OUT/one-node.log"); THREE=$(wall_of "$OUT/three-nodes.log")
echo "time inside trials: one node $(trial_seconds "$OUT/one-node.log"); three nodes $(trial_seconds "$OUT/three-nodes.log")"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other processes share the cores)"
echo "wall time, $TRIALS trials: one node ${ONE} s, three nodes ${THREE} s, speed-up $(awk -v a="$ONE" -v b="$THREE" 'BEGIN{printf "%.2f", a/b}') on $(nproc) cores"
# Every trial of the sweep completed exactly once in the coordinator (none open, none twice), and every result the
# client recorded is there.
[ "$STATE_COMPLETED" -eq "$TRIALS" ] && [ "$ORDER_LEN" -eq "$TRIALS" ] && [ "$ORDER_DISTINCT" -eq "$TRIALS" ] \
  && [ "$STATE_OPEN" -eq 0 ] && [ "$QUEUED" -eq 0 ] && [ "$NOT_IN_STATE" -eq 0 ] && echo "SMOKE OK" || { echo "SMOKE FAILED"; exit 1; }
