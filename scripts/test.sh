#!/usr/bin/env bash
# The project's test command (README: "Testing"):
#
#   bash scripts/test.sh [go test arguments]    # default: ./...
#
# It installs Microsoft's SARIF multitool (npm package
# @microsoft/sarif-multitool) into a cache directory that is not committed,
# exports its path as KVET_SARIF_MULTITOOL so that the SARIF tests validate
# kvet's output against the SARIF 2.1.0 schema, and runs go test.
#
# It also installs the other consumers the tests check kvet's output with,
# when they are missing: reviewdog (go install, into the cache directory),
# Debian's python3-junitparser and vim (apt-get, when run as root), and
# Debian's neovim, whose built-in LSP client drives kvet lsp in the
# language server's end-to-end test (cmd/kvet/lsp_nvim_test.go), and
# Debian's chromium and chromium-driver, in which the HTML access report is
# checked (access/browser_test.go; KVET_ARTIFACTS names a directory for
# its screenshot).
#
# It installs the kustomize CLI (go install, into the cache directory) at
# the release of the kustomize/api kvet links, and exports it as
# KVET_KUSTOMIZE: the render tests compare what kvet reports on rendered
# overlays with what it reports on `kustomize build` output (without it,
# they use kustomize's Go API with the CLI's defaults, and say so).
#
# Environment:
#   KVET_CACHE_DIR         where the multitool, reviewdog and kustomize go (default: <repo>/.cache)
#   KVET_KUSTOMIZE         path of a kustomize binary: skip its install
#   KVET_REVIEWDOG         path of a reviewdog binary: skip its install; set it
#                          to the empty string to skip the checkstyle consumer test
#   KVET_MERMAID_JS        path of mermaid.min.js: skip its install; set it
#                          to the empty string to skip the Mermaid graph test
#   KVET_SARIF_MULTITOOL   path of an installed Sarif.Multitool: skip the
#                          install; set it to the empty string to skip the
#                          schema validation (the tests then say so)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
multitool_version="5.7.0"

install_multitool() {
	local dir="${KVET_CACHE_DIR:-$root/.cache}/sarif-multitool-$multitool_version"
	local pkg="$dir/node_modules/@microsoft/sarif-multitool"
	if [ ! -f "$pkg/package.json" ]; then
		if ! command -v npm >/dev/null 2>&1; then
			echo "scripts/test.sh: npm is needed to install @microsoft/sarif-multitool (or set KVET_SARIF_MULTITOOL= to skip SARIF schema validation)" >&2
			return 1
		fi
		echo "scripts/test.sh: installing @microsoft/sarif-multitool@$multitool_version into $dir" >&2
		mkdir -p "$dir"
		npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error \
			"@microsoft/sarif-multitool@$multitool_version" >&2
	fi
	# The package resolves the executable of this platform's package.
	local exe
	exe="$(cd "$dir" && node -p "require('@microsoft/sarif-multitool')")"
	if [ ! -f "$exe" ]; then
		echo "scripts/test.sh: the multitool package has no executable for this platform ($exe)" >&2
		return 1
	fi
	# npm may skip the package's postinstall script that sets the mode.
	[ -x "$exe" ] || chmod u+x "$exe"
	printf '%s\n' "$exe"
}

# The consumers the CI formats are checked with (report/formats_test.go):
# reviewdog reads the checkstyle report, Debian's python3-junitparser the
# JUnit report. A consumer that cannot be installed is skipped by its test,
# which says so.
reviewdog_version="v0.21.0"

install_reviewdog() {
	local bin="${KVET_CACHE_DIR:-$root/.cache}/reviewdog-$reviewdog_version"
	if [ ! -x "$bin/reviewdog" ]; then
		echo "scripts/test.sh: installing reviewdog $reviewdog_version into $bin" >&2
		mkdir -p "$bin"
		(cd "$bin" && GOBIN="$bin" GOFLAGS=-mod=mod go install "github.com/reviewdog/reviewdog/cmd/reviewdog@$reviewdog_version") >&2 || return 1
	fi
	printf '%s\n' "$bin/reviewdog"
}

# The kustomize CLI of the kustomize/api release in go.mod (v0.21.2).
kustomize_version="v5.8.2"

install_kustomize() {
	local bin="${KVET_CACHE_DIR:-$root/.cache}/kustomize-$kustomize_version"
	if [ ! -x "$bin/kustomize" ]; then
		echo "scripts/test.sh: installing kustomize $kustomize_version into $bin" >&2
		mkdir -p "$bin"
		(cd "$bin" && GOBIN="$bin" GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$kustomize_version") >&2 || return 1
	fi
	printf '%s\n' "$bin/kustomize"
}

install_debian() { # package, module or command to check
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "scripts/test.sh: installing Debian's $1" >&2
		{ apt-get install -y -qq "$1" || { apt-get update -qq && apt-get install -y -qq "$1"; }; } >/dev/null 2>&1 ||
			echo "scripts/test.sh: could not install $1; the tests that need it are skipped" >&2
	else
		echo "scripts/test.sh: $1 is not installed and cannot be (not root or no apt-get); the tests that need it are skipped" >&2
	fi
}

if [ -z "${KVET_REVIEWDOG+set}" ]; then
	KVET_REVIEWDOG="$(install_reviewdog)" || {
		echo "scripts/test.sh: reviewdog could not be installed; the checkstyle consumer test is skipped" >&2
		KVET_REVIEWDOG=""
	}
fi
export KVET_REVIEWDOG
if [ -z "${KVET_KUSTOMIZE+set}" ]; then
	KVET_KUSTOMIZE="$(install_kustomize)" || {
		echo "scripts/test.sh: kustomize could not be installed; the render tests use kustomize's Go API as the reference" >&2
		KVET_KUSTOMIZE=""
	}
fi
export KVET_KUSTOMIZE
if ! /usr/bin/python3 -c 'import junitparser' >/dev/null 2>&1; then
	install_debian python3-junitparser
fi
# The editor recipes of docs/editors are tested in Vim (and Neovim and
# Emacs when they are there).
if ! command -v vim >/dev/null 2>&1; then
	install_debian vim
fi

if ! command -v nvim >/dev/null 2>&1; then
	install_debian neovim
fi

# The HTML access report is checked in headless Chromium, driven by
# chromedriver (access/browser_test.go).
if ! command -v chromium >/dev/null 2>&1; then
	install_debian chromium
fi
if ! command -v chromedriver >/dev/null 2>&1; then
	install_debian chromium-driver
fi

# The Mermaid graph of the Markdown access report is rendered by Mermaid
# itself (npm package mermaid, into the cache) in headless Chromium
# (access/browser_test.go).
mermaid_version="12.3.0"

install_mermaid() {
	local dir="${KVET_CACHE_DIR:-$root/.cache}/mermaid-$mermaid_version"
	local js="$dir/node_modules/mermaid/dist/mermaid.min.js"
	if [ ! -f "$js" ]; then
		command -v npm >/dev/null 2>&1 || return 1
		echo "scripts/test.sh: installing mermaid@$mermaid_version into $dir" >&2
		mkdir -p "$dir"
		npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "mermaid@$mermaid_version" >&2 || return 1
	fi
	printf '%s\n' "$js"
}

if [ -z "${KVET_MERMAID_JS+set}" ]; then
	KVET_MERMAID_JS="$(install_mermaid)" || {
		echo "scripts/test.sh: mermaid could not be installed; the Mermaid graph test is skipped" >&2
		KVET_MERMAID_JS=""
	}
fi
export KVET_MERMAID_JS

if [ -z "${KVET_SARIF_MULTITOOL+set}" ]; then
	KVET_SARIF_MULTITOOL="$(install_multitool)"
fi
export KVET_SARIF_MULTITOOL
if [ -n "$KVET_SARIF_MULTITOOL" ]; then
	echo "scripts/test.sh: SARIF schema validation with $KVET_SARIF_MULTITOOL" >&2
else
	echo "scripts/test.sh: KVET_SARIF_MULTITOOL is empty: SARIF schema validation skipped" >&2
fi

cd "$root"
if [ "$#" -eq 0 ]; then
	set -- ./...
fi
exec go test "$@"
