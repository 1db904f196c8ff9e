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
# Environment:
#   KVET_CACHE_DIR         where the multitool goes (default: <repo>/.cache)
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
