#!/usr/bin/env bash
# Runs every fuzz target briefly (CI runs it after the tests):
#
#   bash scripts/fuzz.sh [SECONDS]      # default: 5 seconds per target
#
# A failure leaves the failing input under the package's testdata/fuzz/,
# where `go test` replays it from then on: commit it with the fix.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-5}"

# package target
targets=(
	"./analyzer FuzzParse"
	"./analyzer FuzzSuppress"
	"./report FuzzFormats"
	"./internal/linter FuzzLint"
	"./internal/linter FuzzFix"
	"./internal/linter FuzzRender"
	"./internal/jsonstream FuzzAppendIndent"
)
status=0
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "scripts/fuzz.sh: $name ($pkg) for ${seconds}s" >&2
	if ! go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "${seconds}s"; then
		echo "FAILED: $name" >&2
		status=1
	fi
done
exit "$status"
