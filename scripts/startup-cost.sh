#!/usr/bin/env bash
# What linking the render stage costs every start (issue 9: at most 2 ms
# added to `kvet lint job.yaml`). Builds three kvet binaries:
#   before  the revision REV (default 97502dc, the last one without a
#           render stage);
#   nokz    this tree with the kustomize renderer unlinked;
#   now     this tree;
# and prints, for `kvet lint job.yaml` (one small Job, no finding):
#   - callgrind instruction counts (GOMAXPROCS=1, 3 runs each; needs
#     valgrind), the machine-independent measure;
#   - the init clock that the packages only `now` initialises add
#     (GODEBUG=inittrace=1, median of 41 runs);
#   - task-clock medians of alternating runs (perf stat, when available).
# Helm is not linked at all (kvet-helm runs it; TestHelmNotLinked).
#
#   bash scripts/startup-cost.sh [REV]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rev="${1:-97502dc}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/before" "$work/nokz"
git -C "$root" archive "$rev" | tar -x -C "$work/before"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -x -C "$work/nokz"
# Unlink the kustomize renderer where the stage is wired.
wiring="$(cd "$work/nokz" && grep -rl --include='*.go' '"github.com/kvet-dev/kvet/render/kustomize"' internal cmd | grep -v -e _test.go -e internal/tools/ || true)"
[ -n "$wiring" ] || { echo "startup-cost: no file wires the kustomize renderer" >&2; exit 1; }
for f in $wiring; do
	sed -i -e '\#"github.com/kvet-dev/kvet/render/kustomize"#d' -e 's/kustomize\.New[A-Za-z]*([^)]*), //' \
		-e 's/kustomize\.FileNames()/[]string{"kustomization.yaml", "kustomization.yml", "Kustomization"}/' "$work/nokz/$f"
done
(cd "$work/before" && go build -o "$work/kvet-before" ./cmd/kvet)
(cd "$work/nokz" && go build -o "$work/kvet-nokz" ./cmd/kvet)
(cd "$root" && go build -o "$work/kvet-now" ./cmd/kvet)
# shellcheck source=scripts/settle.sh
. "$root/scripts/settle.sh"
settle "$work/kvet-before" "$work/kvet-nokz" "$work/kvet-now"
if go version -m "$work/kvet-nokz" | grep -q sigs.k8s.io/kustomize/api; then
	echo "startup-cost: kvet-nokz still links kustomize" >&2
	exit 1
fi
cat >"$work/job.yaml" <<'YAML'
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  backoffLimit: 2
  activeDeadlineSeconds: 600
  ttlSecondsAfterFinished: 3600
  template:
    spec:
      serviceAccountName: migrate
      restartPolicy: Never
      containers:
      - name: migrate
        image: registry.example.com/migrate:1.2.3
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 100m, memory: 64Mi}
YAML
cd "$work"
if command -v valgrind >/dev/null; then
	echo "callgrind instructions, kvet lint job.yaml (GOMAXPROCS=1):"
	for v in before nokz now; do
		counts=()
		for _ in 1 2 3; do
			# asyncpreemptoff: callgrind aborts on Go's preemption signals.
			counts+=("$(GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
				./kvet-$v lint job.yaml 2>&1 >/dev/null | sed -n 's/.*Collected : //p')")
		done
		echo "  $v: ${counts[*]}"
	done
else
	echo "startup-cost: valgrind not found: no instruction counts" >&2
fi
python3 - <<'PY'
import os, re, shutil, statistics, subprocess
def trace(b):
    p = subprocess.run([b, "lint", "job.yaml"], env=dict(os.environ, GODEBUG="inittrace=1"), capture_output=True, text=True)
    out = {}
    for line in p.stderr.splitlines():
        m = re.match(r"init (\S+) @\S+ ms, ([\d.]+) ms clock", line)
        if m:
            out[m.group(1)] = out.get(m.group(1), 0) + float(m.group(2))
    return out
base = set(trace("./kvet-nokz"))
sums, per = [], {}
for _ in range(41):
    t = trace("./kvet-now")
    added = [k for k in t if k not in base]
    sums.append(sum(t[k] for k in added))
    for k in added:
        per.setdefault(k, []).append(t[k])
print(f"init clock of the {len(per)} packages kustomize adds (GODEBUG=inittrace=1, 41 runs): median {statistics.median(sums):.3f} ms, min {min(sums):.3f} ms")
for k, v in sorted(per.items(), key=lambda kv: -statistics.median(kv[1]))[:3]:
    print(f"  {k}: {statistics.median(v):.3f} ms")
if shutil.which("perf"):
    res = {b: [] for b in ("before", "nokz", "now")}
    for i in range(41):
        for b in (list(res) if i % 2 == 0 else list(res)[::-1]):
            p = subprocess.run(["perf", "stat", "-x,", "-e", "task-clock", "./kvet-" + b, "lint", "job.yaml"], capture_output=True, text=True)
            for line in p.stderr.splitlines():
                f = line.split(",")
                if len(f) > 2 and f[2].startswith("task-clock"):
                    res[b].append(float(f[0]))
    print("task-clock medians (perf stat, 41 alternating runs): " + ", ".join(f"{b} {statistics.median(v):.2f} ms" for b, v in res.items()))
PY
