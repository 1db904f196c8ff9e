package access

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

// JSONVersion is the version of the JSON format; it changes when a field
// changes meaning or goes away.
const JSONVersion = 1

// JSON writes the report as one JSON object: {"version": 1, "sets":
// [...]}, every list present (empty rather than null), indented by two
// spaces. It is written permission by permission, so that a large report
// is never held in memory twice.
func JSON(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	j := &jsonWriter{w: bw}
	j.raw("{\n  \"version\": ")
	j.value(JSONVersion, "  ")
	j.raw(",\n  \"sets\": [")
	for i, set := range r.Sets {
		if i > 0 {
			j.raw(",")
		}
		j.raw("\n    {\n      \"root\": ")
		j.value(set.Root, "      ")
		if set.RootKind != "" {
			j.raw(",\n      \"rootKind\": ")
			j.value(set.RootKind, "      ")
		}
		j.raw(",\n      \"namespaces\": ")
		j.value(set.Namespaces, "      ")
		j.raw(",\n      \"subjects\": [")
		for k, s := range set.Subjects {
			if k > 0 {
				j.raw(",")
			}
			j.raw("\n        ")
			j.subject(s, "        ")
		}
		if len(set.Subjects) > 0 {
			j.raw("\n      ")
		}
		j.raw("],\n      \"problems\": ")
		j.value(set.Problems, "      ")
		j.raw("\n    }")
	}
	if len(r.Sets) > 0 {
		j.raw("\n  ")
	}
	j.raw("]\n}\n")
	if j.err != nil {
		return j.err
	}
	return bw.Flush()
}

// jsonWriter writes JSON values indented as encoding/json indents them
// (HTML characters unescaped), remembering the first error.
type jsonWriter struct {
	w   *bufio.Writer
	buf bytes.Buffer
	err error
}

func (j *jsonWriter) raw(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

// value writes v indented for a line that starts with prefix.
func (j *jsonWriter) value(v any, prefix string) {
	if j.err != nil {
		return
	}
	j.buf.Reset()
	enc := json.NewEncoder(&j.buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if j.err = enc.Encode(v); j.err != nil {
		return
	}
	_, j.err = j.w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
}

// permissionsKey is how a subject's encoding names its (empty) list of
// permissions; inside a string the quotes would be escaped.
const permissionsKey = `"permissions": [`

// subject writes s indented for a line that starts with prefix: its other
// fields encoded at once, and its permissions one by one.
func (j *jsonWriter) subject(s *Subject, prefix string) {
	if j.err != nil {
		return
	}
	rest := *s
	rest.Permissions = []Permission{}
	j.buf.Reset()
	enc := json.NewEncoder(&j.buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if j.err = enc.Encode(&rest); j.err != nil {
		return
	}
	text := string(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	head, tail, _ := strings.Cut(text, permissionsKey)
	j.raw(head + permissionsKey)
	inner := prefix + "    "
	for i := range s.Permissions {
		if i > 0 {
			j.raw(",")
		}
		j.raw("\n" + inner)
		j.value(&s.Permissions[i], inner)
	}
	if len(s.Permissions) > 0 {
		j.raw("\n" + prefix + "  ")
	}
	j.raw(tail)
}
