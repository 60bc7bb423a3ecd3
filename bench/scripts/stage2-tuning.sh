#!/usr/bin/env bash
# Stage-2 tuning on the validation split (a benchmark, not a test): trains one variant of a preset into a run
# folder, then evaluates it on ALL validation users (`evaluate --split valid`; the test split is never touched), and
# appends one line to a results file: full-validation Recall/NDCG@5/10, training seconds and steps, and the curve
# of periodic validations (step:training seconds:Recall@10 on the seeded 2,000-user subset).
#
#   bench/scripts/stage2-tuning.sh RESULTS.tsv NAME [train options...]
#   e.g. bench/scripts/stage2-tuning.sh tuning.tsv lr4e3 --model decoder-only --semantic-ids runs/ids --steps 2500 --learning-rate 0.004
#
# THREADS (default 1) sets the torch threads: two variants side by side at 1 thread each get more work out of 2
# cores than one at 2 threads; their quality depends only on the step count, and wall times are then not comparable
# with a quiet 2-thread run (measure time separately, on quiet cores: stage2-throughput.sh). Needs GENREC_DATA_DIR
# and a Release build of lib/GenRec.Cli (GENREC_CLI overrides the dll).
set -euo pipefail
results=${1:?usage: stage2-tuning.sh RESULTS.tsv NAME [train options...]}
name=${2:?variant name}
shift 2
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cli=${GENREC_CLI:-$repo/lib/GenRec.Cli/bin/Release/net10.0/GenRec.Cli.dll}
export OMP_NUM_THREADS=${THREADS:-1} MKL_NUM_THREADS=${THREADS:-1}
out="$(dirname "$results")/runs/$name"
mkdir -p "$(dirname "$out")"
dotnet "$cli" train "$@" --out "$out" > "$out.log" 2>&1
dotnet "$cli" evaluate --run "$out" --split valid >> "$out.log" 2>&1
python3 - "$name" "$out" "$*" <<'PY' >> "$results"
import json, sys
name, out, args = sys.argv[1:]
m = json.load(open(out + "/metrics.json"))["valid"]
h = json.load(open(out + "/training_history.json"))
curve = " ".join(f"{v['step']}:{v['seconds']:.0f}s:{v['recall@10']:.4f}" for v in h["validation"])
print(f"{name}\tR@10 {m['recall@10']:.4f}\tN@10 {m['ndcg@10']:.4f}\tR@5 {m['recall@5']:.4f}\tN@5 {m['ndcg@5']:.4f}\t"
      f"train {h['train'][-1]['seconds']:.0f}s/{h['train'][-1]['step']} steps\t{args}\t{curve}")
PY
tail -n 1 "$results"
