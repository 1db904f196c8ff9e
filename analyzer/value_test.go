package analyzer_test

import (
	"context"
	"errors"
	"reflect"
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

// Value gives the object as JSON decoding of kubectl's conversion would:
// typed scalars (plain yes/no/on/off/y/n booleans, YAML 1.1), expanded
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
  y11: [yes, "no", 'on', Off, n, yess]
- verbs: *read
`)
	got := doc.Value()
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
				"y11": []any{true, "no", "on", false, false, "yess"}, // plain YAML 1.1 booleans, as kubectl reads them
			},
			map[string]any{"verbs": []any{"get", "list"}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Value() =\n%#v\nwant\n%#v", got, want)
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
