package report

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/kvet-dev/kvet/analyzer"
)

// Fingerprint is a short stable hash of the diagnostic's identity (file,
// object, rule and field path, not its line), so it survives edits that
// shift lines. The file is taken relative to the report's base directory,
// so that linting `k8s/` and `$PWD/k8s/` (or the file through a symbolic
// link) gives the same fingerprints.
func (r *Report) Fingerprint(d *analyzer.Diagnostic) string {
	return r.fingerprint(d, r.artifactOf(nil, d.File))
}

func (r *Report) fingerprint(d *analyzer.Diagnostic, a artifact) string {
	id := *d
	id.File = a.id(d.File)
	sum := sha256.Sum256([]byte(id.Fingerprint()))
	return hex.EncodeToString(sum[:16])
}

// fingerprintCount numbers equal fingerprints in the order a report
// writes them: the same rule on the same field twice would otherwise give
// two results one fingerprint, and code scanning (SARIF) and GitLab merge
// results that share one.
type fingerprintCount map[string]int

// numbered returns "fp:N", N counting the fingerprints fp so far.
func (c fingerprintCount) numbered(fp string) string {
	c[fp]++
	return fp + ":" + strconv.Itoa(c[fp])
}
