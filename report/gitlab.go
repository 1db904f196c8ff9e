package report

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/jsonstream"
)

// GitLab writes a GitLab Code Quality report (artifacts:reports:
// codequality), a JSON array of Code Climate issues: description,
// check_name (the rule ID), fingerprint (unique per issue and stable when
// lines move, from kvet's fingerprint), severity (error → critical,
// warning → major, info → info), and location.path (relative to the
// repository root) with location.lines.begin. Suppressed findings are left
// out.
type GitLab struct{}

type gitlabIssue struct {
	Type        string         `json:"type"`
	CheckName   string         `json:"check_name"`
	Description string         `json:"description"`
	Categories  []string       `json:"categories"`
	Severity    string         `json:"severity"`
	Fingerprint string         `json:"fingerprint"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
	End   int `json:"end"`
}

func gitlabSeverity(s analyzer.Severity) string {
	switch s {
	case analyzer.SeverityError:
		return "critical"
	case analyzer.SeverityWarning:
		return "major"
	}
	return "info"
}

// Format implements Formatter.
func (GitLab) Format(w io.Writer, r *Report) error {
	files := r.artifacts()
	var shown []int // the unsuppressed diagnostics
	for i := range r.Diagnostics {
		if !r.Diagnostics[i].Suppressed() {
			shown = append(shown, i)
		}
	}
	// Each issue is built as it is written (in order, once; see SARIF).
	seen := fingerprintCount{}
	issue := func(i int) any {
		d := &r.Diagnostics[shown[i]]
		a := files[d.File]
		sum := sha256.Sum256([]byte(seen.numbered(r.fingerprint(d, a))))
		category := "Bug Risk"
		if strings.HasPrefix(d.RuleID, "rbac-") {
			category = "Security"
		}
		return &gitlabIssue{
			Type: "issue", CheckName: d.RuleID, Description: oneLine(d.Message),
			Categories: []string{category}, Severity: gitlabSeverity(d.Severity),
			Fingerprint: hex.EncodeToString(sum[:16]),
			Location: gitlabLocation{
				Path:  a.id(d.File),
				Lines: gitlabLines{Begin: d.Range.Start.Line, End: max(d.Range.End.Line, d.Range.Start.Line)},
			},
		}
	}
	return jsonstream.Write(w, []gitlabIssue{}, "", len(shown), issue, jsonstream.Options{})
}
