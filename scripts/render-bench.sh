#!/usr/bin/env bash
# Measure kvet on every subtree of ../shared/corpus/repos (issue 9) against
# the tools that render the same roots: `kustomize build ROOT` (what
# `kubectl kustomize` runs) per kustomization root and `helm template`
# per chart that kvet renders. Prints the table of files, roots, objects
# rendered, yaml-syntax findings and all findings before rendering
# (`kvet lint --no-render .`) and after (`kvet lint .`), CPU time
# (user+sys, children included, medians of alternating runs) and peak RSS:
#
#   bash scripts/render-bench.sh [RUNS]      # default 5
#
# It builds kvet and kvet-helm, installs the kustomize CLI of the
# kustomize/api release kvet links (v5.8.2) and the helm CLI of the Helm
# release kvet-helm links (v4.3.1) into .cache unless KVET_KUSTOMIZE /
# KVET_HELM name binaries, and needs ../shared beside the repository.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repos="$root/../shared/corpus/repos"
[ -d "$repos" ] || { echo "render-bench: $repos not found" >&2; exit 1; }
cache="${KVET_CACHE_DIR:-$root/.cache}"
mkdir -p "$cache"
# install NAME VERSION PACKAGE: go install PACKAGE@VERSION into the cache.
install() {
	local bin="$cache/$1-$2/$1"
	if [ ! -x "$bin" ]; then
		echo "render-bench: installing $3@$2 into $(dirname "$bin")" >&2
		mkdir -p "$(dirname "$bin")"
		(cd "$(dirname "$bin")" && GOBIN="$(pwd)" GOFLAGS=-mod=mod go install "$3@$2")
	fi
	printf '%s\n' "$bin"
}
kz="${KVET_KUSTOMIZE:-$(install kustomize v5.8.2 sigs.k8s.io/kustomize/kustomize/v5)}"
helm="${KVET_HELM:-$(install helm v4.3.1 helm.sh/helm/v4/cmd/helm)}"
(cd "$root" && go build -o "$cache/kvet" ./cmd/kvet && go build -o "$cache/kvet-helm" ./cmd/kvet-helm &&
	go build -o "$cache/renderbench" ./internal/tools/renderbench)
# shellcheck source=scripts/settle.sh
. "$root/scripts/settle.sh"
settle "$cache/kvet" "$cache/kvet-helm" "$kz" "$helm"
cd "$repos"
"$cache/renderbench" -kvet "$cache/kvet" -kvet-helm "$cache/kvet-helm" -kustomize "$kz" -helm "$helm" -runs "${1:-5}" \
	kubeflow-profiles kubeflow-katib kubeflow-oauth2-proxy argo-cd-manifests kustomize-examples konflux-mintmaker \
	nfd-deployment kube-state-metrics prometheus-node-exporter ingress-nginx bitnami-postgresql
