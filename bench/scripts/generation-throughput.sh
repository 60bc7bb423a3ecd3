#!/usr/bin/env bash
# Generation throughput, before and after, alternately in one run (a benchmark, not a test; run it on quiet cores).
#
#   bench/scripts/generation-throughput.sh BEFORE_CLI_DLL TRAINED_TIGER_DIR [ROUNDS] [BEAM]
#
# Builds the `genrec` CLI of this checkout (Release) and, ROUNDS times (default 2), alternates `evaluate --split
# valid --beam BEAM` (default 10: constrained beam search over every validation user, 2 threads) of BEFORE_CLI_DLL
# (a GenRec.Cli.dll built from the code to compare against) and of this checkout, each on its own copy of
# TRAINED_TIGER_DIR (a tiger/ folder written by `train` or `run`; evaluate rewrites its metrics.json, so the
# original is never touched). Prints users per second (metrics.json's evaluate_wall_seconds) per evaluation,
# the medians and their after/before ratio, and checks both evaluations give the same metrics. Needs GENREC_DATA_DIR.
set -euo pipefail
before=${1:?usage: generation-throughput.sh BEFORE_CLI_DLL TRAINED_TIGER_DIR [ROUNDS] [BEAM]}
tiger=${2:?trained tiger/ folder}
rounds=${3:-2}
beam=${4:-10}
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d /tmp/generation-throughput.XXXX)
export OMP_NUM_THREADS=2 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== building this checkout ($(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet || echo ', with uncommitted changes')) into $work/after"
dotnet build "$repo/lib/GenRec.Cli" -c Release -o "$work/after" >/dev/null
results="$work/results.tsv"
measure() {   # label cli
  local label=$1 cli=$2 out="$work/$1-$round"
  rm -rf "$out" && mkdir -p "$out" && cp -r "$tiger"/. "$out"/
  dotnet "$cli" evaluate --run "$out" --split valid --device cpu --beam "$beam" >/dev/null
  python3 - "$label" "$out" <<'PY' | tee -a "$results"
import json, sys
label, out = sys.argv[1:]
m = json.load(open(out + "/metrics.json"))
v = m["valid"]
print(f"{label}\t{v['users'] / m['evaluate_wall_seconds']:.1f}\t{m['evaluate_wall_seconds']:.1f}\t{json.dumps({k: v[k] for k in sorted(v) if k.startswith(('recall', 'ndcg'))})}")
PY
}
for round in $(seq 1 "$rounds"); do
  echo "== round $round (users/s, seconds, metrics)"
  measure before "$before"
  measure after "$work/after/GenRec.Cli.dll"
done
echo "== medians"
python3 - "$results" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list); metrics = collections.defaultdict(set)
for line in open(sys.argv[1]):
    label, users_per_s, _, m = line.rstrip("\n").split("\t")
    rows[label].append(float(users_per_s)); metrics[label].add(m)
med = {k: statistics.median(v) for k, v in rows.items()}
for k, v in med.items(): print(f"{k:8s} {v:7.1f} users/s (×{v / med['before']:.2f})")
print("same metrics before and after:", metrics["before"] == metrics["after"], *sorted(metrics["before"] | metrics["after"]), sep="\n  ")
PY
echo "(copies and results in $work)"
