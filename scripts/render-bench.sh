#!/usr/bin/env bash
# Time kvet on the Kustomize subtrees of ../shared/corpus/repos against the
# kustomize CLI rendering the same roots (issue 9's target: at most 2×),
# and print the table of files, roots, objects rendered, findings and CPU
# time (user+sys, medians of alternating runs):
#
#   bash scripts/render-bench.sh [RUNS]      # default 5
#
# It builds kvet, installs the kustomize CLI of the kustomize/api release
# kvet links (v5.8.2) into .cache when KVET_KUSTOMIZE does not name one,
# and needs ../shared beside the repository.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repos="$root/../shared/corpus/repos"
[ -d "$repos" ] || { echo "render-bench: $repos not found" >&2; exit 1; }
cache="${KVET_CACHE_DIR:-$root/.cache}"
kz="${KVET_KUSTOMIZE:-}"
if [ -z "$kz" ]; then
	kz="$cache/kustomize-v5.8.2/kustomize"
	[ -x "$kz" ] || (mkdir -p "$(dirname "$kz")" && cd "$(dirname "$kz")" &&
		GOBIN="$(pwd)" GOFLAGS=-mod=mod go install sigs.k8s.io/kustomize/kustomize/v5@v5.8.2)
fi
mkdir -p "$cache"
(cd "$root" && go build -o "$cache/kvet" ./cmd/kvet && go build -o "$cache/renderbench" ./internal/tools/renderbench)
cd "$repos"
"$cache/renderbench" -kvet "$cache/kvet" -kustomize "$kz" -runs "${1:-5}" \
	kubeflow-profiles kubeflow-katib kubeflow-oauth2-proxy argo-cd-manifests kustomize-examples konflux-mintmaker
