#!/usr/bin/env bash
# Kill safety of `genrec run` on Beauty (issue 13, part 3; a check on real data, not a test — run it on quiet cores).
#
#   bench/scripts/kill-resume.sh [KILLS] [SEED]        (defaults: 6 kills, kill moments drawn with seed 1)
#
# Runs `run` twice into a fresh temporary folder with a small configuration (--tiger-steps 300 --tiger-eval-every 100
# --sasrec-epochs 1 --seed 0 --device cpu, each with its own empty cache folder so every stage computes):
#   1. uninterrupted; its timings.json gives each stage's length;
#   2. SIGKILLed KILLS times, then restarted until it finishes. The kill moments are KILLS seeded random points of the
#      uninterrupted run's stage time (semantic IDs, TIGER training, TIGER evaluation, SASRec control), sorted, so
#      longer stages get more kills: attempt i waits until its stage starts (its "== …" line, or a later stage's),
#      sleeps the point's offset into that stage and sends SIGKILL; the next attempt resumes what is finished.
# Prints one line per kill (the stage aimed at and the offset, the stage actually running = the attempt's last "=="
# line, its last output line, the stage markers present), then a verdict: SAME when metrics.json, predictions_test.tsv,
# tiger/predictions_{valid,test}.tsv, sasrec/predictions_{valid,test}.tsv and semantic-ids/semantic_ids.parquet of
# the two runs are byte-identical, else DIFFERENT naming the files. Exit status 0 for SAME, 1 otherwise. Takes about
# 2–3 times the uninterrupted run; the work folder (logs of every attempt) is printed and kept.
#
# Environment: GENREC_DATA_DIR (default ../shared/data/amazon2014 beside the repository); DATASET (default beauty);
# EXTRA (more `run` options, e.g. "--semantic-ids rqvae --rqvae-steps 30" for a dataset under 256 items: point
# GENREC_DATA_DIR and DATASET at a tiny prepared dataset to try the script in a minute); EMBEDDINGS (default 1: copy
# the repository's cached item embeddings, artifacts/cache/embeddings, into both cache folders so MiniLM does not run
# twice; 0: compute them in both runs); GENREC_CLI (default lib/GenRec.Cli/bin/Release/net10.0/GenRec.Cli.dll, built
# when missing).
set -euo pipefail
kills=${1:-6}
seed=${2:-1}
repo="$(cd "$(dirname "$0")/../.." && pwd)"
export GENREC_DATA_DIR=${GENREC_DATA_DIR:-$repo/../shared/data/amazon2014}
dataset=${DATASET:-beauty}
cli=${GENREC_CLI:-$repo/lib/GenRec.Cli/bin/Release/net10.0/GenRec.Cli.dll}
export GENREC_PROGRESS_SECONDS=${GENREC_PROGRESS_SECONDS:-10} DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[ -f "$cli" ] || dotnet build "$repo/lib/GenRec.Cli" -c Release >/dev/null
work=$(mktemp -d /tmp/kill-resume.XXXX)
echo "== $dataset from $GENREC_DATA_DIR, $kills kills (seed $seed), work folder $work"

args() {   # run-folder cache-folder
  echo run --dataset "$dataset" --out "$1" --cache-dir "$2" --seed 0 --device cpu \
    --tiger-steps 300 --tiger-eval-every 100 --sasrec-epochs 1 ${EXTRA:-}
}
for name in reference killed; do
  mkdir -p "$work/$name-cache"
  if [ "${EMBEDDINGS:-1}" = 1 ] && [ -d "$repo/artifacts/cache/embeddings" ]; then cp -r "$repo/artifacts/cache/embeddings" "$work/$name-cache/"; fi
done

start=$(date +%s.%N)
dotnet "$cli" $(args "$work/reference" "$work/reference-cache") > "$work/reference.log" 2>&1 \
  || { echo "the uninterrupted run failed:"; tail -n 20 "$work/reference.log"; exit 1; }
echo "uninterrupted run: $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }') s"

# The kill plan: "stage-index seconds-into-stage stage-name" per kill, in pipeline order.
stages=("semantic IDs" "TIGER training" "TIGER evaluation" "SASRec control")
mapfile -t plan < <(python3 - "$work/reference/timings.json" "$kills" "$seed" "${stages[@]}" <<'PY'
import json, random, sys
timings, kills, seed, names = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
seconds = {s["stage"]: s["seconds"] for s in json.load(open(timings))["stages"]}
lengths = [max(seconds.get(n, 0.0), 0.0) for n in names]
total = sum(lengths)
rng = random.Random(seed)
for point in sorted(rng.uniform(0, total) for _ in range(kills)):
    for i, length in enumerate(lengths):
        if point <= length or i == len(lengths) - 1:
            print(f"{i} {min(point, length):.1f} {names[i]}")
            break
        point -= length
PY
)
stage_index() {   # the index of the latest stage an attempt's log has announced (-1: none yet)
  local last=-1 i
  for i in "${!stages[@]}"; do grep -q "^== ${stages[$i]}" "$1" && last=$i; done
  echo "$last"
}

landed=0
for i in $(seq 1 "$kills"); do
  read -r target offset name <<<"${plan[$((i - 1))]}"
  log="$work/attempt-$i.log"
  dotnet "$cli" $(args "$work/killed" "$work/killed-cache") > "$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && [ "$(stage_index "$log")" -lt "$target" ]; do sleep 0.2; done
  sleep "$offset"
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    landed=$((landed + 1))
    running=$(grep '^== ' "$log" | tail -n 1 | cut -c4-60)
    last=$(grep -v '^\s*$' "$log" | tail -n 1 | cut -c1-90)
    markers=$(cd "$work/killed" 2>/dev/null && find . -name '*stage.json' | sed 's|^\./||' | sort | tr '\n' ' ')
    echo "kill $i: aimed ${offset} s into ${name}; running: ${running:-data/embeddings}; last line: $last; markers: ${markers:-none}"
  else
    wait "$pid" && rc=0 || rc=$?
    echo "kill $i: attempt $i finished (exit $rc) before its kill (${offset} s into ${name}); no more kills"
    [ "$rc" = 0 ] || { tail -n 20 "$log"; exit 1; }
    break
  fi
done
dotnet "$cli" $(args "$work/killed" "$work/killed-cache") > "$work/final.log" 2>&1 \
  || { echo "the last restart failed:"; tail -n 20 "$work/final.log"; exit 1; }
grep -q 'resumed from step' "$work"/attempt-*.log "$work/final.log" && echo "TIGER training resumed from a checkpoint at least once" || true

different=()
for file in metrics.json predictions_test.tsv tiger/predictions_valid.tsv tiger/predictions_test.tsv \
            sasrec/predictions_valid.tsv sasrec/predictions_test.tsv semantic-ids/semantic_ids.parquet; do
  cmp -s "$work/reference/$file" "$work/killed/$file" || different+=("$file")
done
if [ ${#different[@]} -eq 0 ]; then
  echo "SAME: $landed kills, then restarted to the end: metrics.json, 5 predictions files and semantic_ids.parquet byte-identical to the uninterrupted run"
else
  echo "DIFFERENT: $landed kills; differing: ${different[*]}"
  exit 1
fi
