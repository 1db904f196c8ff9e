package analyzer

// Position is a 1-based line and column (columns count Unicode code points).
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Range is a region of a file. End is exclusive: it is the position just
// after the last character of the region.
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// ObjectRef names the Kubernetes object a diagnostic is about.
type ObjectRef struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name,omitempty"`
}

// TextEdit replaces the bytes [Offset, End) of a file with NewText.
type TextEdit struct {
	Offset  int    `json:"offset"`
	End     int    `json:"end"`
	NewText string `json:"newText"`

	// file is the file the edit was made for (set by the fix helpers): a
	// rendered document's fixes edit its source files.
	file *File
	// rendered is, for an edit of a rendered document's source file, the
	// same edit of the document's rendered text: what the fix is to do to
	// the rendered object, which the source edit is checked against (see
	// checkFixes).
	rendered *TextEdit
}

// SuggestedFix is an edit that resolves a diagnostic without changing
// anything else in the file (comments and indentation are preserved).
type SuggestedFix struct {
	Message string     `json:"message"`
	Edits   []TextEdit `json:"edits"`
}

// Diagnostic is one finding, resolved to a file range.
type Diagnostic struct {
	RuleID   string
	Severity Severity
	Message  string
	File     string
	Range    Range
	// Path is the field path the rule reported; the range points at it or
	// at its nearest existing ancestor.
	Path   Path
	Object ObjectRef
	Fix    *SuggestedFix
	// Related are the places that explain the diagnostic, in the order a
	// reader follows them (the hops of a chain across documents); nil for
	// most rules. Diagnostics of one run may share the slice: do not modify
	// it.
	Related []RelatedLocation
	// Suppression is set when a kvet:ignore comment, the kvet.dev/ignore
	// annotation or a baseline suppresses the diagnostic. Suppressed
	// diagnostics are kept (SARIF reports them) but never count as findings.
	Suppression *Suppression

	// origin is set for the diagnostics of renderings (nil for documents
	// read as they are, so that a run's many diagnostics stay small).
	origin *origin
}

// origin says which rendering reported a diagnostic.
type origin struct {
	// doc is the rendered document the diagnostic is about (nil for a
	// rendering's own diagnostics), and from the rendering that reported
	// it.
	doc  *Document
	from *Rendering
	// source is the source document the diagnostic's position is in (a
	// resource or patch as a source file writes it), when the rendering's
	// source map names one; the fingerprint names the object as it does.
	source *Document
	// also are the other objects a merged finding stands for (see
	// Objects).
	also []ObjectRef
}

// renderedDoc returns the rendered document the diagnostic is about, or
// nil.
func (d *Diagnostic) renderedDoc() *Document {
	if d.origin == nil {
		return nil
	}
	return d.origin.doc
}

// Objects returns the objects the finding is about: Object, and when
// several rendered objects have the same finding at one source line (a
// base rendered by several overlays, or instantiated several times by
// one), which kvet reports once, the others too.
func (d *Diagnostic) Objects() []ObjectRef {
	out := []ObjectRef{d.Object}
	if d.origin != nil {
		out = append(out, d.origin.also...)
	}
	return out
}

// RelatedLocation is a place that explains a diagnostic, resolved like the
// diagnostic's own range (see Finding.Related).
type RelatedLocation struct {
	File  string
	Range Range
	// Path is the field path in the related document; Range points at it or
	// at its nearest existing ancestor.
	Path    Path
	Object  ObjectRef
	Message string
}

// Suppression kinds, as SARIF names them.
const (
	// SuppressionInSource is a suppression written in the manifest: a
	// kvet:ignore comment or the kvet.dev/ignore annotation.
	SuppressionInSource = "inSource"
	// SuppressionExternal is a suppression kept outside the manifest: a
	// baseline file.
	SuppressionExternal = "external"
)

// Suppression says how and why a diagnostic is suppressed.
type Suppression struct {
	// Kind is SuppressionInSource or SuppressionExternal.
	Kind string
	// Justification is the reason given (the text after "--" in a
	// kvet:ignore comment), or a description of the baseline; it may be
	// empty.
	Justification string
}

// Suppressed reports whether the diagnostic is suppressed.
func (d *Diagnostic) Suppressed() bool { return d.Suppression != nil }

// Fingerprint identifies a diagnostic independently of its line: file,
// object, rule and field path. The fingerprints of the report formats
// (SARIF partialFingerprints, JSON, GitLab) are its hashes.
//
// The object of a rendered finding whose position is in a source document
// is that document's kind, namespace and name as it writes them (empty
// when unset), not the rendered object's: a base shared by overlays is
// reported as the object of whichever overlay sorts first, whose name and
// namespace the overlay may change, and adding, renaming or changing an
// overlay must not change the fingerprints of the base's findings. A
// source document that names no object (a kustomization, whose inline
// patches each write another object) leaves the rendered object's.
func (d *Diagnostic) Fingerprint() string {
	o := d.Object
	if d.origin != nil && d.origin.source != nil && d.origin.source.Name != "" {
		s := d.origin.source
		o = ObjectRef{Kind: s.Kind, Namespace: s.Namespace, Name: s.Name}
	}
	return d.File + "\x00" + o.Kind + "\x00" + o.Namespace + "\x00" + o.Name +
		"\x00" + d.RuleID + "\x00" + d.Path.String()
}

// Less orders diagnostics by file, line, column, rule ID and message.
func Less(a, b *Diagnostic) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Range.Start.Line != b.Range.Start.Line {
		return a.Range.Start.Line < b.Range.Start.Line
	}
	if a.Range.Start.Column != b.Range.Start.Column {
		return a.Range.Start.Column < b.Range.Start.Column
	}
	if a.RuleID != b.RuleID {
		return a.RuleID < b.RuleID
	}
	return a.Message < b.Message
}
