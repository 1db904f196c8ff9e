package analyzer

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// decodePathsSource has the decoder's problems at sibling keys and list
// items, after deeper problems, and 15 elements deep.
const decodePathsSource = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: paths
  labelz: {a: b}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: a
            image: a:1
            resources:
              limits: {cpu: x1}
            envv: []
          - name: b
            image: b:1
            securityContext:
              capabilities:
                add: [1.5]
                dropp: [ALL]
            volumeMounts:
            - {name: v, mountPath: /v, readOnlyy: true}
          affinity:
            podAntiAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 1
                podAffinityTerm:
                  topologyKey: k
                  labelSelector:
                    matchExpressions:
                    - {key: k, operator: In, values: [{a: b}], extra: 1}
  suspendd: false
`

// TestDecodeProblemPaths checks the paths (and positions) of the decoder's
// problems. The decoder passes its paths down in one buffer, siblings
// reusing a slot, so each problem must keep its own; decoding from an
// empty path (every level then appends past its capacity, as paths deeper
// than the buffer do) must give the same problems.
func TestDecodeProblemPaths(t *testing.T) {
	docs, diags := NewLoader(nil).Parse(&File{Path: "paths.yaml", Content: []byte(decodePathsSource)})
	if len(docs) != 1 {
		t.Fatalf("documents %v", docs)
	}
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%d:%d %s %s", d.Range.Start.Line, d.Range.Start.Column, d.RuleID, d.Path))
	}
	const pod = "spec.jobTemplate.spec.template.spec."
	want := []string{
		"5:3 unknown-field metadata.labelz",
		"16:24 invalid-value " + pod + "containers[0].resources.limits.cpu",
		"17:13 unknown-field " + pod + "containers[0].envv",
		"22:23 invalid-value " + pod + "containers[1].securityContext.capabilities.add[0]",
		"23:17 unknown-field " + pod + "containers[1].securityContext.capabilities.dropp",
		"25:40 unknown-field " + pod + "containers[1].volumeMounts[0].readOnlyy",
		"34:55 invalid-value " + pod + "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchExpressions[0].values[0]",
		"34:64 unknown-field " + pod + "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchExpressions[0].extra",
		"35:3 unknown-field spec.suspendd",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	var root yaml.Node
	if err := yaml.Unmarshal([]byte(decodePathsSource), &root); err != nil {
		t.Fatal(err)
	}
	l := NewLoader(nil)
	problems := func(path Path) []string {
		obj := l.kinds["batch/CronJob"].newObject()
		dec := &decoder{types: l.types, strict: true}
		dec.decode(root.Content[0], root.Content[0], reflect.ValueOf(obj).Elem(), path)
		var out []string
		for _, p := range dec.problems {
			out = append(out, p.path.String()+": "+p.message)
		}
		return out
	}
	buffered, unbuffered := problems(make(Path, 0, 16)), problems(nil)
	if len(buffered) != len(want) || !slices.Equal(buffered, unbuffered) {
		t.Errorf("problems decoded from a buffer:\n%s\nfrom an empty path:\n%s", strings.Join(buffered, "\n"), strings.Join(unbuffered, "\n"))
	}
}

// TestDecodeDuplicateKeys checks that of a key written twice the decoder
// keeps the last copy alone, as kubectl does and as positions are
// resolved: a mapping-valued key's copies are not merged.
func TestDecodeDuplicateKeys(t *testing.T) {
	src := `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  backoffLimit: 100
spec:
  activeDeadlineSeconds: 60
  template:
    spec:
      containers:
      - name: c
        image: c:1
        resources:
          limits: {cpu: 1}
        resources:
          requests: {cpu: 1}
`
	docs, _ := NewLoader(nil).Parse(&File{Path: "dup.yaml", Content: []byte(src)})
	if len(docs) != 1 || docs[0].Object == nil {
		t.Fatalf("documents %v", docs)
	}
	job := reflect.ValueOf(docs[0].Object).Elem().FieldByName("Spec")
	if bl := job.FieldByName("BackoffLimit"); !bl.IsNil() {
		t.Errorf("spec.backoffLimit = %d from the first spec, want unset", bl.Elem().Int())
	}
	if ad := job.FieldByName("ActiveDeadlineSeconds"); ad.IsNil() || ad.Elem().Int() != 60 {
		t.Errorf("spec.activeDeadlineSeconds not read from the second spec")
	}
	res := job.FieldByName("Template").FieldByName("Spec").FieldByName("Containers").Index(0).FieldByName("Resources")
	if n := res.FieldByName("Limits").Len(); n != 0 {
		t.Errorf("resources.limits has %d entries from the first resources, want none", n)
	}
	if n := res.FieldByName("Requests").Len(); n != 1 {
		t.Errorf("resources.requests has %d entries, want 1", n)
	}
}

// TestDecodeYAML11Booleans checks that a boolean field written as YAML
// 1.1 writes it (no, Off) holds the value kubectl sends.
func TestDecodeYAML11Booleans(t *testing.T) {
	src := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  automountServiceAccountToken: no\n  hostNetwork: Y\n  enableServiceLinks: OFF\n  containers: [{name: c, image: c:1}]\n"
	docs, diags := NewLoader(nil).Parse(&File{Path: "p.yaml", Content: []byte(src)})
	if len(docs) != 1 || docs[0].Object == nil || len(diags) != 0 {
		t.Fatalf("documents %v, diagnostics %v", docs, diags)
	}
	spec := reflect.ValueOf(docs[0].Object).Elem().FieldByName("Spec")
	for field, want := range map[string]bool{"AutomountServiceAccountToken": false, "HostNetwork": true, "EnableServiceLinks": false} {
		f := spec.FieldByName(field)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				t.Errorf("%s unset, want %t", field, want)
				continue
			}
			f = f.Elem()
		}
		if f.Bool() != want {
			t.Errorf("%s = %t, want %t", field, f.Bool(), want)
		}
	}
}
