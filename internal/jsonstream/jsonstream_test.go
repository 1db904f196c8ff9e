package jsonstream

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

type item struct {
	Name  string            `json:"name"`
	Tags  []string          `json:"tags,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
	Inner *item             `json:"inner,omitempty"`
}

type run struct {
	Tool    string `json:"tool"`
	Results []item `json:"results"`
}

type log struct {
	Schema string `json:"$schema"`
	Runs   []run  `json:"runs"`
}

type flat struct {
	Version  int    `json:"version"`
	Findings []item `json:"findings"`
}

// encoded is the whole document as json.Encoder writes it.
func encoded(t *testing.T, doc any, escapeHTML bool) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestWriteIsTheEncodersText checks Write against json.Encoder on whole
// documents: the array nested in an array of objects (SARIF's results),
// at the top of an object (kvet's JSON and baselines), and the document
// itself (GitLab's), with no element, one and several, with the
// characters each escaping setting treats differently, and an array of
// the same name earlier in the document.
func TestWriteIsTheEncodersText(t *testing.T) {
	items := []item{
		{Name: "a"},
		{Name: `<tag> & "quote" é \u2028`, Tags: []string{"x", "y"}, Attrs: map[string]string{"k": "v", "a": "b"}, Inner: &item{Name: "in", Tags: []string{}}},
		{Name: "last\nline", Tags: []string{"results"}},
	}
	for _, escapeHTML := range []bool{true, false} {
		for n := range len(items) + 1 {
			some := items[:n]
			cases := []struct {
				name      string
				full, doc any
				key       string
			}{
				{"nested", log{Schema: "s", Runs: []run{{Tool: "t", Results: some}}}, log{Schema: "s", Runs: []run{{Tool: "t", Results: []item{}}}}, "results"},
				{"top", flat{Version: 1, Findings: some}, flat{Version: 1, Findings: []item{}}, "findings"},
				{"document", append([]item{}, some...), []item{}, ""},
				{"earlier array of the same name", map[string]any{"a": map[string]any{"results": []item{}}, "results": some},
					map[string]any{"a": map[string]any{"results": []item{}}, "results": []item{}}, "results"},
			}
			for _, c := range cases {
				var got strings.Builder
				if err := Write(&got, c.doc, c.key, n, func(i int) any { return some[i] }, Options{EscapeHTML: escapeHTML}); err != nil {
					t.Fatalf("%s, %d elements: %v", c.name, n, err)
				}
				if want := encoded(t, c.full, escapeHTML); got.String() != want {
					t.Errorf("%s, %d elements, escapeHTML %v:\ngot\n%s\nwant\n%s", c.name, n, escapeHTML, got.String(), want)
				}
			}
		}
	}
}

// TestWriteWithoutArray checks that a document without the empty array is
// an error, not a wrong text.
func TestWriteWithoutArray(t *testing.T) {
	var b strings.Builder
	if err := Write(&b, flat{Version: 1, Findings: nil}, "findings", 1, func(int) any { return item{} }, Options{}); err == nil {
		t.Errorf("no error for a null array; wrote %q", b.String())
	}
	if err := Write(&b, map[string]int{"a": 1}, "", 1, func(int) any { return item{} }, Options{}); err == nil {
		t.Error("no error for a document that is not an empty array")
	}
}

// TestWriteCallsElemInOrder checks that elem is called once for each
// index, in order, each element written before the next call: the
// report formats build each element as they go and number repeated
// fingerprints in order.
func TestWriteCallsElemInOrder(t *testing.T) {
	var out strings.Builder
	var calls []int
	err := Write(&out, flat{Version: 1, Findings: []item{}}, "findings", 4, func(i int) any {
		if i > 0 && !strings.Contains(out.String(), `"name": "`+string(rune('a'+i-1))+`"`) {
			t.Errorf("element %d asked for before element %d was written", i, i-1)
		}
		calls = append(calls, i)
		return item{Name: string(rune('a' + i))}
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 4 || calls[0] != 0 || calls[1] != 1 || calls[2] != 2 || calls[3] != 3 {
		t.Errorf("elem called for %v, want 0, 1, 2, 3", calls)
	}
}
