#!/usr/bin/env bash
# Stage-2 throughput, before and after, alternately in one run (a benchmark, not a test; run it on quiet cores).
#
#   bench/scripts/stage2-throughput.sh BEFORE_COMMIT SEMANTIC_IDS_DIR [ROUNDS]
#
# Builds the `genrec` CLI of BEFORE_COMMIT (a git worktree under /tmp) and of this checkout (Release), then, ROUNDS
# times (default 2), alternates on Beauty with the same semantic IDs and 2 threads:
#   * training: `train --preset cpu` for a fixed number of steps — before: the encoder-decoder cpu preset; after:
#     the same encoder-decoder (--model encoder-decoder) and the decoder-only variant (--model decoder-only) —
#     reading seconds per step and target tokens per second from training_history.json (steps after the 20th);
#   * generation: `evaluate --split valid` of each of those run folders (22,363 users, constrained beam 10 — the
#     after runs pass `--beam 10`, since the decoder-only preset evaluates at beam 20),
#     reading users per second from metrics.json's evaluate_wall_seconds.
# Prints one line per measurement and medians with after/before ratios at the end. Needs GENREC_DATA_DIR.
set -euo pipefail
before=${1:?usage: stage2-throughput.sh BEFORE_COMMIT SEMANTIC_IDS_DIR [ROUNDS]}
ids=${2:?semantic-ids folder}
rounds=${3:-2}
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d /tmp/stage2-throughput.XXXX)
export OMP_NUM_THREADS=2 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== building $before and this checkout ($(git -C "$repo" rev-parse --short HEAD)) into $work"
git -C "$repo" worktree add -f --detach "$work/before-src" "$before" >/dev/null 2>&1
dotnet build "$work/before-src/lib/GenRec.Cli" -c Release -o "$work/before" >/dev/null
dotnet build "$repo/lib/GenRec.Cli" -c Release -o "$work/after" >/dev/null
git -C "$repo" worktree remove --force "$work/before-src"

results="$work/results.tsv"
measure() {   # label cli eval-args train-args...
  local label=$1 cli=$2 eval_args=$3; shift 3
  local out="$work/runs/$label-$round"
  dotnet "$cli" train --semantic-ids "$ids" --seed 0 --device cpu --out "$out" "$@" >/dev/null
  dotnet "$cli" evaluate --run "$out" --split valid --device cpu $eval_args >/dev/null
  python3 - "$label" "$out" <<'PY' | tee -a "$results"
import json, sys, statistics
label, out = sys.argv[1:]
train = json.load(open(out + "/training_history.json"))["train"]
steps = [p for p in train if p["step"] > 20]
seconds = [b["seconds"] - a["seconds"] for a, b in zip(steps, steps[1:])]
per_step = statistics.median(seconds)
config = json.load(open(out + "/config.json"))
batch = config["trainer"]["batch_size"]
tokens = [p.get("target_tokens", 0) for p in steps[1:]]
if not any(tokens): tokens = [batch * 4] * len(seconds)   # the encoder-decoder before: 4 target tokens per example
tokens_per_s = sum(tokens) / sum(seconds)
metrics = json.load(open(out + "/metrics.json"))
users = metrics["valid"]["users"]
print(f"{label}\t{per_step:.4f} s/step\t{tokens_per_s:.0f} target tok/s\t{users / metrics['evaluate_wall_seconds']:.0f} users/s\tbatch {batch}")
PY
}
for round in $(seq 1 "$rounds"); do
  echo "== round $round"
  measure before-encoder-decoder "$work/before/GenRec.Cli.dll" "" --preset cpu --steps 150
  measure after-encoder-decoder "$work/after/GenRec.Cli.dll" "--beam 10" --preset cpu --model encoder-decoder --steps 150
  measure after-decoder-only "$work/after/GenRec.Cli.dll" "--beam 10" --preset cpu --model decoder-only --steps 300
done
echo "== medians (after / before)"
python3 - "$results" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    rows[f[0]].append((float(f[1].split()[0]), float(f[2].split()[0]), float(f[3].split()[0])))
med = {k: tuple(statistics.median(v[i] for v in vs) for i in range(3)) for k, vs in rows.items()}
b = med["before-encoder-decoder"]
for k, (s, t, u) in med.items():
    print(f"{k:24s} {s:.4f} s/step  {t:8.0f} target tok/s (×{t / b[1]:.2f})  {u:6.0f} users/s (×{u / b[2]:.2f})")
PY
echo "(runs and results in $work)"
