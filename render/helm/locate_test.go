package helm

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
)

// deployment is a template in the style of helm create, with the actions
// the locator must see through.
const deployment = `{{- if .Values.enabled }}
apiVersion: apps/v1
{{- if .Values.sts }}
kind: StatefulSet
{{- else }}
kind: Deployment
{{- end }}
metadata:
  name: {{ include "x.fullname" . }}
  labels:
    {{- include "x.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  template:
    metadata:
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      {{- /* a comment
      spanning: lines */}}
      serviceAccountName: {{ include "x.sa" . }}
      containers:
      {{- range .Values.sidecars }}
      - name: {{ .name }}
        image: {{ .image }}
      {{- end }}
      - name: app
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        command: ["sh", "-c"]
        args:
        - |
          echo "#{{ .Values.x }}"
          key: not-a-key
        resources:
          {{- toYaml .Values.resources | nindent 10 }}
        securityContext: {{- toYaml .Values.sc | nindent 10 }}
{{- end }}
`

// rendered is what the template renders with two sidecars.
const rendered = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-x
  labels:
    app: x
spec:
  replicas: 1
  template:
    metadata:
      annotations:
        a: b
    spec:
      serviceAccountName: default
      containers:
      - name: s1
        image: s1:latest
      - name: s2
        image: s2:latest
      - name: app
        image: "nginx:latest"
        command: ["sh", "-c"]
        args:
        - |
          echo "#1"
          key: not-a-key
        resources:
          requests:
            cpu: 100m
        securityContext:
          privileged: true
`

// TestLocate checks the positions in a template of a rendered document's
// fields, with the template's lines ending at LF, CRLF and a lone CR
// (which kvet counts as a line ending, as YAML does).
func TestLocate(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n", "\r"} {
		t.Run(fmt.Sprintf("%q", eol), func(t *testing.T) { testLocate(t, strings.ReplaceAll(deployment, "\n", eol)) })
	}
}

func testLocate(t *testing.T, template string) {
	tmpl := &analyzer.File{Path: "templates/deployment.yaml", Content: []byte(template)}
	s := NewSource(tmpl)
	docs, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "rendered", Content: []byte(rendered)})
	if len(docs) != 1 || len(diags) != 0 {
		t.Fatalf("rendered: %d docs, %v", len(docs), diags)
	}
	s.Add(docs[0])
	containers := analyzer.NewPath("spec", "template", "spec", "containers")
	tests := []struct {
		path  analyzer.Path
		atKey bool
		want  string // line:col-endcol quality
	}{
		// The object itself: its first line.
		{nil, false, "2:1-20 key"},
		{analyzer.NewPath("kind"), false, "6:7-17 key"},
		{analyzer.NewPath("kind"), true, "6:1-5 key"},
		// A templated value: the value text.
		{analyzer.NewPath("spec", "replicas"), false, "14:13-39 key"},
		{analyzer.NewPath("spec", "replicas"), true, "14:3-11 key"},
		// Labels come from an include: their literal ancestor.
		{analyzer.NewPath("metadata", "labels", "app"), false, "10:3-9 ancestor"},
		// Missing field: the nearest existing ancestor, at its key.
		{analyzer.NewPath("spec", "template", "spec", "automountServiceAccountToken"), false, "22:5-9 key"},
		{analyzer.NewPath("spec", "template", "spec", "serviceAccountName"), false, "25:27-49 key"},
		// Items: by name, then the one in a range for the others.
		{containers.Index(2).Key("image"), false, "32:16-72 key"},
		{containers.Index(2), false, "31:9-18 key"},
		{containers.Index(0).Key("image"), false, "29:16-28 key"},
		{containers.Index(1), false, "28:9-26 key"},
		// Inside a block scalar nothing is a key; in a flow sequence, the
		// element.
		{containers.Index(2).Key("command").Index(1), false, "33:25-29 key"},
		{containers.Index(2).Key("args").Index(0), false, "35:11-12 key"},
		// Under a key whose value is an action: that key.
		{containers.Index(2).Key("resources", "requests", "cpu"), false, "38:9-18 ancestor"},
		{containers.Index(2).Key("resources", "limits"), false, "38:9-18 key"},
		{containers.Index(2).Key("securityContext", "privileged"), false, "40:26-63 ancestor"},
	}
	for _, tt := range tests {
		t.Run(tt.path.String(), func(t *testing.T) {
			r, q := s.Locate(docs[0], tt.path, tt.atKey)
			got := fmt.Sprintf("%d:%d-%d %s", r.Start.Line, r.Start.Column, r.End.Column, q)
			if r.End.Line != r.Start.Line {
				got += fmt.Sprintf(" (ends on line %d)", r.End.Line)
			}
			if got != tt.want {
				t.Errorf("Locate(%s) = %s, want %s (line %q)", tt.path, got, tt.want, tmpl.Line(r.Start.Line))
			}
		})
	}
}

func TestMatchSegments(t *testing.T) {
	tmpl := `{{- if .Values.sa.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: a
{{- end }}
---
{{- range .Values.roles }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ . }}
{{- end }}
---
apiVersion: v1
kind: {{ .Values.kind }}
metadata:
  name: last
`
	out := `---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r1
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r2
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: last
`
	s := NewSource(&analyzer.File{Path: "t.yaml", Content: []byte(tmpl)})
	docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "r", Content: []byte(out)})
	for _, d := range docs {
		s.Add(d)
	}
	want := []int{11, 11, 17} // the kind line of each object
	for i, d := range docs {
		r, q := s.Locate(d, analyzer.NewPath("kind"), true)
		if r.Start.Line != want[i] || q != AtKey {
			t.Errorf("%s %s: kind at line %d (%s), want %d", d.Kind, d.Name, r.Start.Line, q, want[i])
		}
	}
}

func TestIsTemplate(t *testing.T) {
	tests := []struct {
		chart, path string
		want        bool
	}{
		{"c", "c/templates/a.yaml", true},
		{"c", "c/templates/sub/a.yaml", true},
		{"c", "c/charts/dep/templates/a.yaml", true},
		{"c", "c/charts/dep/charts/x/templates/a.yaml", true},
		{"c", "c/crds/a.yaml", false},
		{"c", "c/ci/values.yaml", false},
		{"c", "c/charts/dep/values.yaml", false},
		{"c", "c/values.yaml", false},
		{"c", "other/templates/a.yaml", false},
		{".", "templates/a.yaml", true},
		{".", "ci/a.yaml", false},
	}
	for _, tt := range tests {
		if got := IsTemplate(tt.chart, tt.path); got != tt.want {
			t.Errorf("IsTemplate(%q, %q) = %v, want %v", tt.chart, tt.path, got, tt.want)
		}
	}
}

func TestChartRoots(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a/Chart.yaml", "a/templates/x.yaml", "a/charts/b/Chart.yaml", "c/d/Chart.yaml", "e/Chart.yaml", "e/templates/y.yaml", "f/templates/z.yaml"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// e's template named alone marks its chart, as the render stage
	// renders it; f has no Chart.yaml.
	got := ChartRoots([]string{"a/Chart.yaml", "a/templates/x.yaml", "a/charts/b/Chart.yaml", "c/d/Chart.yaml", "Chartx.yaml", "e/templates/y.yaml", "f/templates/z.yaml"}, dir)
	if fmt.Sprint(got) != "[a c/d e]" {
		t.Errorf("ChartRoots = %v, want [a c/d e]", got)
	}
}

func TestRoot(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"app/Chart.yaml", "app/templates/a.yaml", "app/charts/sub/Chart.yaml", "app/charts/sub/templates/b.yaml", "loose/templates/c.yaml"} {
		analyzertest.WriteFile(t, filepath.Join(dir, f), "x: 1\n")
	}
	t.Chdir(dir)
	var r *Renderer
	tests := []struct{ file, want string }{
		{"app/Chart.yaml", "app"},
		{"app/templates/a.yaml", "app"},
		{"app/charts/sub/templates/b.yaml", "app"}, // rendered with its parent
		{"app/charts/sub/Chart.yaml", "app/charts/sub"},
		{"loose/templates/c.yaml", ""},
		{"app/values.yaml", ""},
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		if got := r.Root(tt.file, wd); got != tt.want {
			t.Errorf("Root(%q) = %q, want %q", tt.file, got, tt.want)
		}
	}
	t.Chdir(filepath.Join(dir, "app", "templates"))
	if got := r.Root("a.yaml", filepath.Join(wd, "app", "templates")); got != ".." {
		t.Errorf("Root(a.yaml) from templates/ = %q, want ..", got)
	}
}

// TestLocateDuplicateKey: of a key a rendered mapping holds twice (a
// duplicate-key error), kvet's decoder reads the last copy, as kubectl
// does; its positions are those of the last copy in the template.
func TestLocateDuplicateKey(t *testing.T) {
	const template = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: old
  labels:
    app: {{ .Values.app }}
spec:
  replicas: 1
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
      {{- if .Values.first }}
      - name: one
        image: img:1
      {{- end }}
      - name: {{ .Values.name }}
        name: two
        image: {{ .Values.image }}
`
	// Rendered without the first container.
	const rendered = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: old
  labels:
    app: web
spec:
  replicas: 1
  replicas: 3
  template:
    spec:
      containers:
      - name: x
        name: two
        image: img:1
`
	s := NewSource(&analyzer.File{Path: "templates/deployment.yaml", Content: []byte(template)})
	docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "rendered", Content: []byte(rendered)})
	if len(docs) != 1 {
		t.Fatalf("rendered: %d docs", len(docs))
	}
	s.Add(docs[0])
	containers := analyzer.NewPath("spec", "template", "spec", "containers")
	tests := []struct {
		path  analyzer.Path
		atKey bool
		want  string // line:col-endcol quality
	}{
		{analyzer.NewPath("metadata", "labels"), true, "7:3-9 key"},
		{analyzer.NewPath("metadata", "labels", "app"), false, "8:10-27 key"},
		{analyzer.NewPath("spec", "replicas"), false, "11:13-35 key"},
		// The item named by its last name, "two".
		{containers.Index(0), false, "19:9-33 key"},
		{containers.Index(0).Key("image"), false, "21:16-35 key"},
	}
	for _, tt := range tests {
		t.Run(tt.path.String(), func(t *testing.T) {
			r, q := s.Locate(docs[0], tt.path, tt.atKey)
			if got := fmt.Sprintf("%d:%d-%d %s", r.Start.Line, r.Start.Column, r.End.Column, q); got != tt.want {
				t.Errorf("Locate(%s) = %s, want %s", tt.path, got, tt.want)
			}
		})
	}
}

// TestMatchSegmentsByName checks that an object an {{ if }} dropped leaves
// its segment empty: the later objects of its kind keep theirs, told
// apart by their names.
func TestMatchSegmentsByName(t *testing.T) {
	tmpl := `{{- if .Values.first }}
apiVersion: batch/v1
kind: Job
metadata:
  name: first
spec:
  backoffLimit: 1
{{- end }}
---
apiVersion: batch/v1
kind: Job
metadata:
  labels:
    app: x
  name: "{{ .Release.Name }}-second"
spec:
  backoffLimit: 10
---
{{- range .Values.extra }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: extra-{{- . }}
spec:
  backoffLimit: 3
{{- end }}
`
	tests := []struct {
		name     string
		rendered []string // the names of the rendered Jobs
		want     []int    // the line of each one's backoffLimit
	}{
		{"all", []string{"first", "rel-second", "extra-a", "extra-b"}, []int{7, 17, 26, 26}},
		{"first dropped", []string{"rel-second", "extra-a"}, []int{17, 26}},
		{"first dropped, no extra", []string{"rel-second"}, []int{17}},
		{"only extra", []string{"extra-a", "extra-b", "extra-c"}, []int{26, 26, 26}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			for _, n := range tt.rendered {
				fmt.Fprintf(&out, "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: %s\nspec:\n  backoffLimit: 2\n", n)
			}
			s := NewSource(&analyzer.File{Path: "t.yaml", Content: []byte(tmpl)})
			docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "r", Content: []byte(out.String())})
			for _, d := range docs {
				s.Add(d)
			}
			for i, d := range docs {
				r, _ := s.Locate(d, analyzer.NewPath("spec", "backoffLimit"), false)
				if r.Start.Line != tt.want[i] {
					t.Errorf("Job %s: backoffLimit at line %d, want %d", d.Name, r.Start.Line, tt.want[i])
				}
			}
		})
	}
}

func TestNamePattern(t *testing.T) {
	tests := []struct {
		text     string
		want     string // "" for nil
		matches  []string
		mismatch []string
	}{
		{"first", "^first$", []string{"first"}, []string{"first-x", "xfirst"}},
		{"{{ .Release.Name }}-job", "^.*-job$", []string{"rel-job", "-job"}, []string{"rel-jobs"}},
		{"{{ include \"x\" . }}", "", nil, nil},
		{"{{ .a }}{{ .b }}", "", nil, nil},
		{"a-{{ .x }}-{{ .y }}.b", `^a-.*-.*\.b$`, []string{"a-1-2.b"}, []string{"a-1-2xb"}},
		{"extra- {{- . }}", "^extra-.*$", []string{"extra-a"}, nil},
		{"{{ . -}} -x", "^.*-x$", []string{"a-x"}, nil},
		{"a-{{ .x", "", nil, nil},
	}
	for _, tt := range tests {
		re := namePattern(tt.text)
		got := ""
		if re != nil {
			got = re.String()
		}
		if got != tt.want {
			t.Errorf("namePattern(%q) = %q, want %q", tt.text, got, tt.want)
			continue
		}
		for _, m := range tt.matches {
			if !re.MatchString(m) {
				t.Errorf("namePattern(%q) does not match %q", tt.text, m)
			}
		}
		for _, m := range tt.mismatch {
			if re.MatchString(m) {
				t.Errorf("namePattern(%q) matches %q", tt.text, m)
			}
		}
	}
}

// TestLocateBranchesAndFlowItems checks the template line chosen for a
// rendered item or entry that several lines could have written: a flow
// mapping item (`- {name: a, ...}`) is read for its name and keys; of
// items or mapping entries written in {{ if }} and {{ else }} branches,
// the branch that writes the rendered values.
func TestLocateBranchesAndFlowItems(t *testing.T) {
	tmpl := `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - {name: a, image: "a:latest"}
  - name: b
    image: "b:1"
  {{- if .Values.pinned }}
  - name: c
    image: "c:1"
    resources:
      limits: {cpu: 1}
      requests: {cpu: 1}
  {{- else }}
  - name: c
    image: "c:latest"
    resources:
      requests: {cpu: 1}
  {{- end }}
`
	out := `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - {name: a, image: "a:latest"}
  - name: b
    image: "b:1"
  - name: c
    image: "c:latest"
    resources:
      requests: {cpu: 1}
`
	s := NewSource(&analyzer.File{Path: "t.yaml", Content: []byte(tmpl)})
	docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "r", Content: []byte(out)})
	if len(docs) != 1 {
		t.Fatalf("%d documents", len(docs))
	}
	s.Add(docs[0])
	containers := analyzer.NewPath("spec", "containers")
	for _, tt := range []struct {
		path analyzer.Path
		line int
	}{
		{containers.Index(0), 7},
		{containers.Index(0).Key("image"), 7},
		{containers.Index(1).Key("image"), 9},
		{containers.Index(2), 17},
		{containers.Index(2).Key("image"), 18},
		{containers.Index(2).Key("resources"), 19},
		{containers.Index(2).Key("resources", "limits"), 19},
	} {
		if r, _ := s.Locate(docs[0], tt.path, false); r.Start.Line != tt.line {
			t.Errorf("Locate(%s) at line %d, want %d", tt.path, r.Start.Line, tt.line)
		}
	}
	// An entry written in both branches with mapping values: the branch
	// whose keys were rendered.
	tmpl2 := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: c:1\n" +
		"    {{- if .Values.limits }}\n    resources:\n      limits: {cpu: 1}\n      requests: {cpu: 1}\n" +
		"    {{- else }}\n    resources:\n      requests: {cpu: 1}\n    {{- end }}\n"
	out2 := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: c:1\n    resources:\n      requests: {cpu: 1}\n"
	s2 := NewSource(&analyzer.File{Path: "t2.yaml", Content: []byte(tmpl2)})
	docs2, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "r2", Content: []byte(out2)})
	s2.Add(docs2[0])
	if r, _ := s2.Locate(docs2[0], containers.Index(0).Key("resources", "limits"), false); r.Start.Line != 14 {
		t.Errorf("missing limits at line %d, want 14 (the else branch's resources)", r.Start.Line)
	}
}

// TestMatchSegmentsByContent: of documents whose names an include writes
// (nothing of the name is literal), a rendered object goes to the
// document that writes its keys and values, so one an {{ if }} left out
// does not take the next one's findings.
func TestMatchSegmentsByContent(t *testing.T) {
	tmpl := `{{- if .Values.migrate.enabled }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "c.migrateName" . }}
spec:
  backoffLimit: 1
  activeDeadlineSeconds: 100
  ttlSecondsAfterFinished: 100
  template:
    spec:
      serviceAccountName: sa
      restartPolicy: Never
      containers:
        - name: migrate
          image: migrate:1
          resources:
            limits: {cpu: 1, memory: 1Gi}
            requests: {cpu: 1, memory: 1Gi}
---
{{- end }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "c.cleanupName" . }}
spec:
  backoffLimit: 50
  template:
    spec:
      serviceAccountName: sa
      restartPolicy: Never
      containers:
        - name: cleanup
          image: cleanup:1
`
	migrate := `apiVersion: batch/v1
kind: Job
metadata:
  name: rel-migrate
spec:
  backoffLimit: 1
  activeDeadlineSeconds: 100
  ttlSecondsAfterFinished: 100
  template:
    spec:
      serviceAccountName: sa
      restartPolicy: Never
      containers:
        - name: migrate
          image: migrate:1
          resources:
            limits: {cpu: 1, memory: 1Gi}
            requests: {cpu: 1, memory: 1Gi}
`
	cleanup := `apiVersion: batch/v1
kind: Job
metadata:
  name: rel-cleanup
spec:
  backoffLimit: 50
  template:
    spec:
      serviceAccountName: sa
      restartPolicy: Never
      containers:
        - name: cleanup
          image: cleanup:1
`
	paths := []analyzer.Path{
		analyzer.NewPath("spec", "activeDeadlineSeconds"),
		analyzer.NewPath("spec", "backoffLimit"),
		analyzer.NewPath("spec", "template", "spec", "containers").Index(0),
	}
	tests := []struct {
		name     string
		rendered string
		want     []string // per document, the position of each path
	}{
		{"migrate left out", cleanup, []string{"26:1 27:17 33:11"}},
		{"both", migrate + "---\n" + cleanup, []string{"8:26 7:17 15:11", "26:1 27:17 33:11"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSource(&analyzer.File{Path: "templates/jobs.yaml", Content: []byte(tmpl)})
			docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "r", Content: []byte(tt.rendered)})
			if len(docs) != len(tt.want) {
				t.Fatalf("%d documents rendered, want %d", len(docs), len(tt.want))
			}
			for _, d := range docs {
				s.Add(d)
			}
			for i, d := range docs {
				var got []string
				for _, p := range paths {
					r, _ := s.Locate(d, p, false)
					got = append(got, fmt.Sprintf("%d:%d", r.Start.Line, r.Start.Column))
				}
				if g := strings.Join(got, " "); g != tt.want[i] {
					t.Errorf("Job %s: %s at %s, want %s", d.Name, paths, g, tt.want[i])
				}
			}
		})
	}
}

// TestLocateItemLeftOut: a sequence item that an {{ if }} left out does
// not take the next item's findings: an item whose literal name is not
// the rendered one is never chosen, and of items that tie on what they
// write of the rendered item, the one that writes nothing else wins.
func TestLocateItemLeftOut(t *testing.T) {
	tmpl := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers:
        {{- if .Values.sidecar.enabled }}
        - name: sidecar
          image: "envoy:v1"
          ports: [{containerPort: 15001, protocol: TCP}]
          resources:
            limits:
              cpu: 1
        {{- end }}
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default "latest" }}"
          ports:
            {{- if .Values.metrics }}
            - containerPort: 9090
              protocol: TCP
            {{- end }}
            - containerPort: {{ .Values.port }}
              protocol: TCP
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
`
	out := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers:
        - name: c
          image: "nginx:latest"
          ports:
            - containerPort: 8080
              protocol: TCP
          resources:
            {}
`
	s := NewSource(&analyzer.File{Path: "templates/deploy.yaml", Content: []byte(tmpl)})
	docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "r", Content: []byte(out)})
	if len(docs) != 1 {
		t.Fatalf("%d documents", len(docs))
	}
	s.Add(docs[0])
	c := analyzer.NewPath("spec", "template", "spec", "containers").Index(0)
	for _, tt := range []struct {
		path analyzer.Path
		want string
	}{
		{c, "22:11"},
		{c.Key("image"), "23:18"},
		{c.Key("resources", "limits"), "31:11"},
		{c.Key("ports").Index(0), "29:15"},
		{c.Key("ports").Index(0).Key("containerPort"), "29:30"},
	} {
		r, _ := s.Locate(docs[0], tt.path, false)
		if got := fmt.Sprintf("%d:%d", r.Start.Line, r.Start.Column); got != tt.want {
			t.Errorf("Locate(%s) at %s, want %s (line %q)", tt.path, got, tt.want, strings.TrimSpace(string(s.File().Line(r.Start.Line))))
		}
	}
}

// TestLocateFlowElements: in a flow collection that a template writes
// literally, a finding points at the element, key or value, as in a plain
// manifest; in one with template actions, at the whole value.
func TestLocateFlowElements(t *testing.T) {
	tmpl := `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  labels: {app: é, tier: "a\u00e9"}
rules:
  - apiGroups: [""]
    resources: ["pods", 'secrets']
    verbs: ["get", "*"]
  - {apiGroups: [apps], resources: [deployments], verbs: [get, {{ .Values.verb }}]}
  - {apiGroups: [batch], resources: [jobs], verbs: [create]}
`
	out := `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  labels: {app: é, tier: "a\u00e9"}
rules:
  - apiGroups: [""]
    resources: ["pods", 'secrets']
    verbs: ["get", "*"]
  - {apiGroups: [apps], resources: [deployments], verbs: [get, list]}
  - {apiGroups: [batch], resources: [jobs], verbs: [create]}
`
	s := NewSource(&analyzer.File{Path: "templates/role.yaml", Content: []byte(tmpl)})
	docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "r", Content: []byte(out)})
	if len(docs) != 1 {
		t.Fatalf("%d documents", len(docs))
	}
	s.Add(docs[0])
	rules := analyzer.NewPath("rules")
	for _, tt := range []struct {
		path  analyzer.Path
		atKey bool
		want  string // line:col-endcol quality
	}{
		{rules.Index(0).Key("apiGroups").Index(0), false, "7:17-19 key"},
		{rules.Index(0).Key("resources").Index(0), false, "8:17-23 key"},
		{rules.Index(0).Key("resources").Index(1), false, "8:25-34 key"},
		{rules.Index(0).Key("verbs").Index(1), false, "9:20-23 key"},
		{analyzer.NewPath("metadata", "labels", "tier"), false, "5:26-35 key"},
		{analyzer.NewPath("metadata", "labels", "tier"), true, "5:20-24 key"},
		// A key missing from a flow mapping: its nearest existing key.
		{analyzer.NewPath("metadata", "labels", "app", "x"), false, "5:12-15 key"},
		// A flow item: its keys and elements.
		{rules.Index(2).Key("verbs").Index(0), false, "11:53-59 key"},
		{rules.Index(2).Key("resources"), false, "11:26-35 key"},
		// An action in the flow: the whole item.
		{rules.Index(1).Key("verbs").Index(0), false, "10:5-84 ancestor"},
	} {
		r, q := s.Locate(docs[0], tt.path, tt.atKey)
		if got := fmt.Sprintf("%d:%d-%d %s", r.Start.Line, r.Start.Column, r.End.Column, q); got != tt.want {
			t.Errorf("Locate(%s, %v) = %s, want %s", tt.path, tt.atKey, got, tt.want)
		}
	}
}

// TestLocateMultiLineFlow: a flow collection written literally over
// several lines is read and located as one written on one line: a
// finding in it points at its element, not at the next item (which a
// rule's finding went to when the collection's first line did not parse
// alone) nor at its opening brace.
func TestLocateMultiLineFlow(t *testing.T) {
	head := `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ .Release.Name }}-r
rules:
- {apiGroups: [""], resources: ["configmaps",
    "secrets"], verbs: ["get"]}   # a comment
`
	next := `- apiGroups: [""]
  resources: ["services"]
  verbs: ["get"]
`
	rules := analyzer.NewPath("rules")
	for _, tt := range []struct {
		name, tmpl string
		path       analyzer.Path
		want       string // line:col-endcol quality
	}{
		{"followed", head + next, rules.Index(0).Key("resources").Index(1), "7:5-14 key"},
		{"followed", head + next, rules.Index(0).Key("verbs").Index(0), "7:25-30 key"},
		{"followed", head + next, rules.Index(0).Key("resources").Index(0), "6:33-45 key"},
		{"followed", head + next, rules.Index(1).Key("resources").Index(0), "9:15-25 key"},
		{"alone", head, rules.Index(0).Key("resources").Index(1), "7:5-14 key"},
	} {
		out := strings.ReplaceAll(tt.tmpl, "{{ .Release.Name }}", "release-name")
		s := NewSource(&analyzer.File{Path: "templates/role.yaml", Content: []byte(tt.tmpl)})
		docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "r", Content: []byte(out)})
		if len(docs) != 1 {
			t.Fatalf("%s: %d documents", tt.name, len(docs))
		}
		s.Add(docs[0])
		r, q := s.Locate(docs[0], tt.path, false)
		if got := fmt.Sprintf("%d:%d-%d %s", r.Start.Line, r.Start.Column, r.End.Column, q); got != tt.want {
			t.Errorf("%s: Locate(%s) = %s, want %s", tt.name, tt.path, got, tt.want)
		}
	}
}
