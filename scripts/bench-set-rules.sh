#!/usr/bin/env bash
# The cost of kvet's cross-document (set) rules on the benchmark corpus:
# `kvet lint` with every rule, and with the set rules disabled, in paired
# alternating runs; prints the median CPU time (user+sys) and peak RSS of
# each, their ratio, and the median of the pairs' ratios with a bootstrap
# 90 % interval. The machine is shared, so CPU time, not wall time.
#
#   bash scripts/bench-set-rules.sh [PAIRS]      # default 9 pairs
#
# Environment: KVET_BENCH_CORPUS (default: a temporary directory, generated
# with internal/tools/gencorpus: 10,000 documents in 1,000 files).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pairs="${1:-9}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
corpus="${KVET_BENCH_CORPUS:-$work/corpus}"
cd "$root"
[ -d "$corpus" ] || go run ./internal/tools/gencorpus "$corpus" >&2
go build -o "$work/kvet" ./cmd/kvet
# shellcheck source=scripts/settle.sh
. "$root/scripts/settle.sh"
settle "$work/kvet"

# kvet's set rules (rules.All's rules with RunSet).
set_rules="rbac-role-ref-not-found,rbac-role-ref-kind-invalid,rbac-clusterrole-could-be-role,workload-excessive-permissions,service-account-not-found,rbac-aggregation-leak,service-headless-load-balancing"

run() { # label, extra args...
	local label="$1"
	shift
	/usr/bin/time -f "$label %U %S %M" "$work/kvet" lint "$@" "$corpus" >/dev/null 2>>"$work/times" || true
}
for ((i = 0; i < pairs; i++)); do
	run with
	run without --disable "$set_rules"
done
python3 - "$work/times" <<'PY'
import random, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 4 and f[0] in ("with", "without"):
        rows.setdefault(f[0], []).append((float(f[1]) + float(f[2]), int(f[3])))
cpu = {k: statistics.median(c for c, _ in v) for k, v in rows.items()}
rss = {k: max(m for _, m in v) / 1024 for k, v in rows.items()}
for k in ("without", "with"):
    print(f"{k:8} set rules: median CPU {cpu[k]:.2f} s, peak RSS {rss[k]:.0f} MiB ({len(rows[k])} runs)")
print(f"ratio with/without: {cpu['with'] / cpu['without']:.3f} (of the medians)")
# Each pair ran back to back, under the same load: the median of the
# pairs' ratios is less moved by a load that comes and goes than the
# ratio of the medians. Its 90 % interval is a bootstrap's (fixed seed).
pairs = [w / o for (w, _), (o, _) in zip(rows["with"], rows["without"])]
med = statistics.median(pairs)
random.seed(1)
boot = sorted(statistics.median(random.choices(pairs, k=len(pairs))) for _ in range(2000))
print(f"median of the {len(pairs)} pairs' ratios: {med:.3f} (90 % interval {boot[100]:.3f}-{boot[1899]:.3f})")
PY
