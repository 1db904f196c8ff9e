package analyzer_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

func parseOne(t *testing.T, src string) *analyzer.Document {
	t.Helper()
	docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "x.yaml", Content: []byte(src)})
	if len(docs) != 1 {
		t.Fatalf("documents = %d, want 1", len(docs))
	}
	return docs[0]
}

// Value gives the object as JSON decoding would: typed scalars, expanded
// aliases and merge keys (explicit keys win), nulls.
func TestDocumentValue(t *testing.T) {
	doc := parseOne(t, `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r
  labels: &labels {team: data}
  annotations:
    <<: *labels
    team: override
    extra: "01"
rules:
- apiGroups: [""]
  resources: [pods, "secrets"]
  verbs: &read [get, list]
  weight: 3
  ratio: 0.5
  hex: 0x10
  on: true
  none: null
  inf: .inf
- verbs: *read
`)
	got, err := doc.Value()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"apiVersion": "rbac.authorization.k8s.io/v1",
		"kind":       "Role",
		"metadata": map[string]any{
			"name":        "r",
			"labels":      map[string]any{"team": "data"},
			"annotations": map[string]any{"team": "override", "extra": "01"},
		},
		"rules": []any{
			map[string]any{
				"apiGroups": []any{""}, "resources": []any{"pods", "secrets"}, "verbs": []any{"get", "list"},
				"weight": int64(3), "ratio": 0.5, "hex": int64(16), "on": true, "none": nil, "inf": ".inf",
			},
			map[string]any{"verbs": []any{"get", "list"}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Value() =\n%#v\nwant\n%#v", got, want)
	}
}

// An alias bomb is refused instead of being expanded.
func TestDocumentValueAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "  l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	doc := parseOne(t, b.String())
	if _, err := doc.Value(); err == nil || !strings.Contains(err.Error(), "ConfigMap bomb") {
		t.Errorf("Value() error = %v, want a budget error naming the object", err)
	}
}

// Pass.Fail records a run error naming the rule and the document; the run
// goes on, and the rule's findings on other documents are kept.
func TestPassFail(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": sa("slow") + "---\n" + sa("fine")})
	r := testRule("flaky", func(p *analyzer.Pass) {
		if p.Doc.Name == "slow" {
			p.Fail(errors.New("evaluation exceeded its time limit"))
			return
		}
		p.Reportf(analyzer.NewPath("metadata", "name"), "saw %s", p.Doc.Name)
	})
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, []*analyzer.Rule{r}, analyzer.Options{})
	want := "rule flaky on " + dir + "/a.yaml (document 1, ServiceAccount slow): evaluation exceeded its time limit"
	if len(res.Errors) != 1 || res.Errors[0].Error() != want {
		t.Errorf("errors = %v, want [%s]", res.Errors, want)
	}
	if got := format(res.Diagnostics); got != dir+"/a.yaml:9:9 warning flaky saw fine\n" {
		t.Errorf("diagnostics:\n%s", got)
	}
}
