package access

import (
	"encoding/json"
	"io"
)

// JSONVersion is the version of the JSON format; it changes when a field
// changes meaning or goes away.
const JSONVersion = 1

// JSON writes the report as one JSON object: {"version": 1, "sets":
// [...]}, every list present (empty rather than null), indented.
func JSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		Version int    `json:"version"`
		Sets    []*Set `json:"sets"`
	}{JSONVersion, r.Sets})
}
