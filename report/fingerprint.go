package report

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/kvet-dev/kvet/analyzer"
)

// Fingerprint is a short stable hash of the diagnostic's identity (file,
// object, rule and field path, not its line), so it survives edits that
// shift lines.
func Fingerprint(d *analyzer.Diagnostic) string {
	sum := sha256.Sum256([]byte(d.Fingerprint()))
	return hex.EncodeToString(sum[:16])
}
