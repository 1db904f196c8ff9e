package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	chartcommon "helm.sh/helm/v4/pkg/chart/common"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/render/helm"
	"github.com/kvet-dev/kvet/render/helm/helmtest"
)

// summary lists an output's templates (name, path or dependency) and
// failures, one per line.
func summary(out helm.Output) string {
	var b strings.Builder
	for _, tp := range out.Templates {
		fmt.Fprintf(&b, "%s -> %s%s\n", tp.Name, tp.Path, tp.Dependency)
	}
	for _, f := range out.Failures {
		fmt.Fprintf(&b, "FAIL %s:%d:%d [%s] %s\n", f.Path, f.Line, f.Column, f.Dependency, f.Message)
	}
	return b.String()
}

func TestRender(t *testing.T) {
	dir := t.TempDir()
	helmtest.Extract(t, "../../../testdata/helm/engine.txtar", dir)
	out := Render(context.Background(), helm.Request{Dir: filepath.Join(dir, "app")})
	want := `app/charts/packed/templates/cm.yaml -> packed
app/charts/packed/templates/job.yaml -> packed
app/charts/sub/templates/sa.yaml -> charts/sub/templates/sa.yaml
app/templates/cronjob.yaml -> templates/cronjob.yaml
`
	if got := summary(out); got != want {
		t.Fatalf("rendered:\n%s\nwant:\n%s", got, want)
	}
	cron := out.Templates[3].Content
	for _, s := range []string{
		"name: release-name-app\n", "namespace: default\n",
		`kube: "` + helm.DefaultKubeVersion + `"`, `policy: "true"`, `lookup: "0"`,
		`schedule: "0 2 * * *"`, "extra: none",
	} {
		if !strings.Contains(cron, s) {
			t.Errorf("cronjob.yaml lacks %q:\n%s", s, cron)
		}
	}
}

func TestRenderOptions(t *testing.T) {
	dir := t.TempDir()
	helmtest.Extract(t, "../../../testdata/helm/engine.txtar", dir)
	app := filepath.Join(dir, "app")
	out := Render(context.Background(), helm.Request{
		Dir: app, ReleaseName: "prod", Namespace: "jobs", KubeVersion: "1.29.3",
		ValuesFiles: []string{filepath.Join(app, "ci/prod-values.yaml")},
		Set:         []string{"extra=yes,sub2.enabled=true"},
	})
	got := summary(out)
	if !strings.Contains(got, "app/charts/sub2/templates/sa.yaml -> charts/sub/templates/sa.yaml\n") {
		t.Errorf("the aliased subchart enabled by --set is not rendered from charts/sub:\n%s", got)
	}
	var cron string
	for _, tp := range out.Templates {
		if tp.Path == "templates/cronjob.yaml" {
			cron = tp.Content
		}
	}
	for _, s := range []string{"name: prod-app\n", "namespace: jobs\n", `kube: "v1.29.3"`, `schedule: "0 3 * * *"`, "extra: yes"} {
		if !strings.Contains(cron, s) {
			t.Errorf("cronjob.yaml lacks %q:\n%s", s, cron)
		}
	}
	// Every document of a values file, merged, the later winning.
	multi := filepath.Join(dir, "multi.yaml")
	analyzertest.WriteFile(t, multi, "schedule: \"0 4 * * *\"\n---\nschedule: \"0 5 * * *\"\n")
	for _, tp := range Render(context.Background(), helm.Request{Dir: app, ValuesFiles: []string{multi}}).Templates {
		if tp.Path == "templates/cronjob.yaml" && !strings.Contains(tp.Content, `schedule: "0 5 * * *"`) {
			t.Errorf("the last document of a values file does not win:\n%s", tp.Content)
		}
	}
	// SetOnly parses the assignments, and loads no chart.
	if out := Render(context.Background(), helm.Request{SetOnly: true, Set: []string{"a=1", "b[x]=2"}}); len(out.Failures) != 1 ||
		out.Failures[0].Message != `--set b[x]=2: error parsing index: strconv.Atoi: parsing "x": invalid syntax` {
		t.Errorf("SetOnly: %s", summary(out))
	}
	if out := Render(context.Background(), helm.Request{SetOnly: true, Set: []string{"a=1,b[0]=2"}}); len(out.Failures) != 0 || len(out.Templates) != 0 {
		t.Errorf("SetOnly, good: %s", summary(out))
	}
	bad := Render(context.Background(), helm.Request{Dir: app, Set: []string{"a"}})
	if len(bad.Failures) != 1 || !strings.Contains(bad.Failures[0].Message, "--set a: key \"a\" has no value") {
		t.Errorf("bad --set: %s", summary(bad))
	}
	missing := Render(context.Background(), helm.Request{Dir: app, ValuesFiles: []string{filepath.Join(app, "nope.yaml")}})
	if len(missing.Failures) != 1 || !strings.Contains(missing.Failures[0].Message, "nope.yaml") {
		t.Errorf("missing values file: %s", summary(missing))
	}
}

// An overlay (an editor's unsaved buffers) replaces files of the chart,
// of a vendored subchart and values files; the files on disk are left as
// they are.
func TestRenderOverlay(t *testing.T) {
	dir := t.TempDir()
	helmtest.Extract(t, "../../../testdata/helm/engine.txtar", dir)
	app := filepath.Join(dir, "app")
	prod := filepath.Join(app, "ci/prod-values.yaml")
	slash := filepath.ToSlash
	out := Render(context.Background(), helm.Request{
		Dir: app, ValuesFiles: []string{prod},
		Overlay: map[string]string{
			slash(filepath.Join(app, "values.yaml")):            "schedule: \"*/5 * * * *\"\nsub2:\n  enabled: true\n",
			slash(filepath.Join(app, "templates/cronjob.yaml")): "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: edited\nspec:\n  schedule: {{ .Values.schedule | quote }}\n  extra: {{ .Values.extra }}\n",
			slash(prod): "extra: from-buffer\n",
			slash(filepath.Join(app, "charts/sub/templates/sa.yaml")):     "{{ fail \"edited subchart\" }}\n",
			slash(filepath.Join(dir, "elsewhere/templates/cronjob.yaml")): "not this chart's",
		},
	})
	cronjob := func(out helm.Output) string {
		for _, tp := range out.Templates {
			if tp.Path == "templates/cronjob.yaml" {
				return tp.Content
			}
		}
		return ""
	}
	cron := cronjob(out)
	for _, s := range []string{"name: edited\n", `schedule: "*/5 * * * *"`, "extra: from-buffer"} {
		if !strings.Contains(cron, s) {
			t.Errorf("cronjob.yaml lacks %q:\n%s", s, cron)
		}
	}
	if got := summary(out); !strings.Contains(got, "FAIL charts/sub/templates/sa.yaml:1:") || !strings.Contains(got, "edited subchart") {
		t.Errorf("the subchart's buffer was not rendered:\n%s", got)
	}
	disk := Render(context.Background(), helm.Request{Dir: app})
	if got := summary(disk); strings.Contains(got, "FAIL") || !strings.Contains(cronjob(disk), "name: release-name-app") {
		t.Errorf("without the overlay:\n%s", got)
	}
}

func TestRenderFailures(t *testing.T) {
	dir := t.TempDir()
	helmtest.Extract(t, "../../../testdata/helm/failures.txtar", dir)
	tests := []struct {
		chart, want string
	}{
		{"missing", `FAIL Chart.yaml:0:0 [common] found in Chart.yaml, but missing in charts/ directory: common (run helm dependency build to vendor it; kvet never downloads charts)
`},
		// The template that does not parse and the one whose required
		// value is missing fail at their lines; the third still renders.
		{"broken", `broken/templates/c-fine.yaml -> templates/c-fine.yaml
FAIL templates/a-parse.yaml:4:0 [] parse error at (broken/templates/a-parse.yaml:5): unclosed action started at broken/templates/a-parse.yaml:4
FAIL templates/b-required.yaml:6:15 [] execution error at (broken/templates/b-required.yaml:6:15): password is required
`},
		// The failing template's defines still serve the template that
		// includes them.
		{"defines", `defines/templates/b.yaml -> templates/b.yaml
FAIL templates/a.yaml:9:12 [] execution error at (defines/templates/a.yaml:9:12): need tok
`},
		{"old", `FAIL Chart.yaml:4:0 [] chart requires kubeVersion: <1.20.0 which is incompatible with Kubernetes v1.37.0
`},
		// Of a key written twice, Helm reads the last: the failure is there.
		{"oldtwice", `FAIL Chart.yaml:6:0 [] chart requires kubeVersion: <1.20.0 which is incompatible with Kubernetes v1.37.0
`},
		// A dependency without a name: at its entry (the byte after its
		// "- ", where a missing named one is), not Helm's "missing in
		// charts/ directory: " with nothing after it.
		{"noname", `FAIL Chart.yaml:7:2 [] Chart.yaml: dependency 2 has no name (Helm finds each dependency under charts/ by its name)
`},
		{"oldnoname", `FAIL requirements.yaml:2:4 [] requirements.yaml: dependency 1 has no name (Helm finds each dependency under charts/ by its name)
`},
	}
	for _, tt := range tests {
		t.Run(tt.chart, func(t *testing.T) {
			out := Render(context.Background(), helm.Request{Dir: filepath.Join(dir, tt.chart)})
			if got := summary(out); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			if tt.chart == "defines" && len(out.Templates) == 1 && !strings.Contains(out.Templates[0].Content, "name: release-name-app\n  labels: \n    app: release-name-app") {
				t.Errorf("b.yaml rendered without a.yaml's defines:\n%s", out.Templates[0].Content)
			}
		})
	}
}

// TestRenderTemplateTooLarge: a template whose text is over the limit
// (--max-file-size, as for a file) is a failure at its file and is not
// sent; the chart's other templates are.
func TestRenderTemplateTooLarge(t *testing.T) {
	dir := t.TempDir()
	helmtest.Extract(t, "../../../testdata/helm/failures.txtar", dir)
	chart := filepath.Join(dir, "large")
	out := Render(context.Background(), helm.Request{Dir: chart, MaxTemplateSize: 2048})
	want := `large/templates/sa.yaml -> templates/sa.yaml
FAIL templates/cm.yaml:1:0 [] large/templates/cm.yaml renders 3.2 KiB, over the 2 KiB limit (--max-file-size); not linted
`
	if got := summary(out); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// Under the default limit, both templates are rendered.
	if got := summary(Render(context.Background(), helm.Request{Dir: chart})); strings.Contains(got, "FAIL") || !strings.Contains(got, "templates/cm.yaml") {
		t.Errorf("default limit:\n%s", got)
	}
}

// TestRenderSubchartValuesNotAMap: Helm formats the value of a subchart
// that is not a map with %t ("type mismatch on sub: %!t(string=str)");
// kvet says what is wrong in words.
func TestRenderSubchartValuesNotAMap(t *testing.T) {
	dir := t.TempDir()
	helmtest.Extract(t, "../../../testdata/helm/failures.txtar", dir)
	chart := filepath.Join(dir, "mismatch")
	values := filepath.ToSlash(filepath.Join(chart, "values.yaml"))
	tests := []struct {
		values, want string // values.yaml ("": the chart's own); what sub is said to be
	}{
		{"", `the string "str"`},
		{"sub: 3\n", "the number 3"},
		{"sub: true\n", "the boolean true"},
		{"sub:\n", "null"},
		{"sub: [a, b]\n", "the list [a b]"},
		{"sub: [{a: 1}]\n", "the list [map[a:1]]"},
		{`sub: "a(b)=c"` + "\n", `the string "a(b)=c"`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			req := helm.Request{Dir: chart}
			if tt.values != "" {
				req.Overlay = map[string]string{values: tt.values}
			}
			out := Render(context.Background(), req)
			// At the key in the chart's values.yaml.
			want := "FAIL values.yaml:1:0 [] processing dependencies: the values of subchart sub must be a map, not " + tt.want + "\n"
			if got := summary(out); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	// Set by a values file of the request: at the key in the last one
	// that sets it (a path relative to the chart); by --set: Chart.yaml.
	prod, other := filepath.Join(dir, "prod.yaml"), filepath.Join(dir, "other.yaml")
	analyzertest.WriteFile(t, prod, "image: x\nsub: 3\n")
	analyzertest.WriteFile(t, other, "image: y\n")
	// A map merges with values.yaml's string (Helm keeps the string);
	// null removes the key.
	asMap, asNull := filepath.Join(dir, "map.yaml"), filepath.Join(dir, "null.yaml")
	analyzertest.WriteFile(t, asMap, "sub:\n  a: 1\n")
	analyzertest.WriteFile(t, asNull, "sub: ~\n")
	// Helm merges every document of a values file, later ones winning.
	multiLast, multiMap := filepath.Join(dir, "multi-last.yaml"), filepath.Join(dir, "multi-map.yaml")
	analyzertest.WriteFile(t, multiLast, "image: z\n---\nsub: 4\n")
	analyzertest.WriteFile(t, multiMap, "sub: 3\n---\nsub:\n  a: 1\n")
	for _, tt := range []struct {
		req  helm.Request
		want string
	}{
		{helm.Request{Dir: chart, ValuesFiles: []string{prod}}, "FAIL ../prod.yaml:2:0 [] "},
		{helm.Request{Dir: chart, ValuesFiles: []string{prod, other}}, "FAIL ../prod.yaml:2:0 [] "},
		{helm.Request{Dir: chart, ValuesFiles: []string{other}}, "FAIL values.yaml:1:0 [] "},
		{helm.Request{Dir: chart, ValuesFiles: []string{asMap}}, "FAIL values.yaml:1:0 [] "},
		{helm.Request{Dir: chart, ValuesFiles: []string{prod, asMap}}, "FAIL values.yaml:1:0 [] "},
		{helm.Request{Dir: chart, ValuesFiles: []string{asMap, prod, asNull, other}}, "FAIL values.yaml:1:0 [] "},
		{helm.Request{Dir: chart, ValuesFiles: []string{asNull, prod}}, "FAIL ../prod.yaml:2:0 [] "},
		{helm.Request{Dir: chart, ValuesFiles: []string{prod}, Set: []string{"sub=4"}}, "FAIL Chart.yaml:0:0 [] "},
		{helm.Request{Dir: chart, ValuesFiles: []string{multiLast}}, "FAIL ../multi-last.yaml:3:0 [] "},
		{helm.Request{Dir: chart, ValuesFiles: []string{prod, multiMap}}, "FAIL values.yaml:1:0 [] "},
	} {
		if got := summary(Render(context.Background(), tt.req)); !strings.HasPrefix(got, tt.want+"processing dependencies: ") {
			t.Errorf("values %v, set %v:\n%s\nwant %s", tt.req.ValuesFiles, tt.req.Set, got, tt.want)
		}
	}
	// A second key before it: the line moves.
	req := helm.Request{Dir: chart, Overlay: map[string]string{values: "image: x\nsub: str\n"}}
	if got := summary(Render(context.Background(), req)); !strings.HasPrefix(got, "FAIL values.yaml:2:0 [] ") {
		t.Errorf("line 2:\n%s", got)
	}
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	helmtest.Extract(t, "../../../testdata/helm/failures.txtar", dir)
	in := fmt.Sprintf(`{"protocol": %d, "requests": [{"dir": %q}]}`, helm.Protocol, filepath.Join(dir, "old"))
	var out bytes.Buffer
	if err := Serve(context.Background(), strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"outputs":[{"failures":[{"path":"Chart.yaml","line":4,"message":"chart requires kubeVersion`) {
		t.Errorf("reply: %s", out.String())
	}
	out.Reset()
	if err := Serve(context.Background(), strings.NewReader(`{"protocol": 99}`), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), fmt.Sprintf(`"error":"protocol 99 requested, this kvet-helm speaks %d"`, helm.Protocol)) {
		t.Errorf("reply: %s", out.String())
	}
}

// TestServePanic: a chart whose rendering panics in Helm's code fails
// alone, with the panic named; the charts before and after it in the
// batch are rendered.
func TestServePanic(t *testing.T) {
	dir := t.TempDir()
	helmtest.Extract(t, "../../../testdata/helm/engine.txtar", dir)
	app, sub := filepath.Join(dir, "app"), filepath.Join(dir, "app", "charts", "sub")
	bad := filepath.Join(dir, "bad")
	render := func(ctx context.Context, req helm.Request) helm.Output {
		if req.Dir == bad {
			panic("a bug in Helm")
		}
		return Render(ctx, req)
	}
	in, err := json.Marshal(helm.Batch{Protocol: helm.Protocol, Requests: []helm.Request{{Dir: app}, {Dir: bad}, {Dir: sub}}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	exit := func(int) { t.Error("exit called: no chart is over its limits") }
	if err := serve(context.Background(), bytes.NewReader(in), &out, render, exit); err != nil {
		t.Fatal(err)
	}
	var reply helm.Reply
	if err := json.Unmarshal(out.Bytes(), &reply); err != nil || reply.Error != "" || len(reply.Outputs) != 3 {
		t.Fatalf("reply %s: %v", out.String(), err)
	}
	for _, i := range []int{0, 2} {
		if o := reply.Outputs[i]; len(o.Templates) == 0 || len(o.Failures) != 0 {
			t.Errorf("chart %d not rendered:\n%s", i, summary(o))
		}
	}
	want := "FAIL Chart.yaml:0:0 [] internal error in Helm's rendering: a bug in Helm\n"
	if got := summary(reply.Outputs[1]); got != want {
		t.Errorf("panicking chart:\n%s\nwant:\n%s", got, want)
	}
}

// TestRenderValuesPipe: kvet-helm reads values files with the bounded
// read, so a values file that is a named pipe is a failure, not a hang.
func TestRenderValuesPipe(t *testing.T) {
	dir := t.TempDir()
	helmtest.Extract(t, "../../../testdata/helm/engine.txtar", dir)
	pipe := filepath.Join(dir, "values-pipe.yaml")
	if err := mkfifo(pipe); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan helm.Output, 1)
	go func() {
		done <- Render(context.Background(), helm.Request{Dir: filepath.Join(dir, "app"), ValuesFiles: []string{pipe}})
	}()
	select {
	case out := <-done:
		if len(out.Failures) != 1 || !strings.Contains(out.Failures[0].Message, "not a regular file (a named pipe)") {
			t.Errorf("failures %+v, want the values file named as a named pipe", out.Failures)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("rendering hung on a values file that is a named pipe")
	}
}

// TestServeLimits: Helm's template engine cannot be stopped, so a chart
// whose rendering runs too long or takes too much memory (a template
// ranging over `until 100000000`) is answered by the watchdog: the charts
// before it rendered, it failed at its Chart.yaml with the reason, the
// later ones not rendered, and the process ended.
func TestServeLimits(t *testing.T) {
	dir := t.TempDir()
	helmtest.Extract(t, "../../../testdata/helm/engine.txtar", dir)
	app, sub := filepath.Join(dir, "app"), filepath.Join(dir, "app", "charts", "sub")
	bomb := filepath.Join(dir, "bomb")
	var kept [][]byte
	tests := []struct {
		name  string
		limit helm.Request // the bomb's limits
		grow  bool         // the bomb allocates, else it only takes time
		want  string
	}{
		{"time", helm.Request{Timeout: 100 * time.Millisecond}, false,
			"FAIL Chart.yaml:0:0 [] rendering stopped: it ran longer than 100ms (a template looping too long?); helm: timeout: in .kvet.yaml raises the limit\n"},
		{"memory", helm.Request{MaxMemory: 16 << 20}, true,
			"FAIL Chart.yaml:0:0 [] rendering stopped: it took more than 16 MiB of memory (a template ranging over a huge list?); helm: max-memory: in .kvet.yaml raises the limit\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			render := func(ctx context.Context, req helm.Request) helm.Output {
				if req.Dir != bomb {
					return Render(ctx, req)
				}
				// Runs until the process would have ended.
				for {
					select {
					case <-release:
						return helm.Output{}
					case <-time.After(time.Millisecond):
					}
					if tt.grow {
						kept = append(kept, bytes.Repeat([]byte("x"), 1<<20))
					}
				}
			}
			req := tt.limit
			req.Dir = bomb
			in, err := json.Marshal(helm.Batch{Protocol: helm.Protocol, Requests: []helm.Request{{Dir: app}, req, {Dir: sub}}})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			exited := -1
			exit := func(code int) { exited = code; close(release) }
			if err := serve(context.Background(), bytes.NewReader(in), &out, render, exit); err != nil {
				t.Fatal(err)
			}
			kept = nil
			if exited != 0 {
				t.Fatalf("exit(%d), want exit(0) after the reply", exited)
			}
			var reply helm.Reply
			dec := json.NewDecoder(&out)
			if err := dec.Decode(&reply); err != nil || len(reply.Outputs) != 3 || dec.More() {
				t.Fatalf("want one reply of 3 outputs, got %s (%v)", out.String(), err)
			}
			if o := reply.Outputs[0]; len(o.Templates) == 0 || len(o.Failures) != 0 {
				t.Errorf("the chart before the bomb is not rendered:\n%s", summary(o))
			}
			if got := summary(reply.Outputs[1]); got != tt.want {
				t.Errorf("the bomb:\n%s\nwant:\n%s", got, tt.want)
			}
			if got, want := summary(reply.Outputs[2]), "FAIL Chart.yaml:0:0 [] not rendered: kvet-helm stopped while rendering "+bomb+"\n"; got != want {
				t.Errorf("the chart after the bomb:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestRenderAPIVersions: .Capabilities.APIVersions follows the target
// release, as a cluster's discovery would: the group/versions and
// group/version/Kinds it serves, not those removed before it nor those
// newer, so the common CronJob idiom picks batch/v1 from 1.21 on.
func TestRenderAPIVersions(t *testing.T) {
	dir := t.TempDir()
	analyzertest.WriteFile(t, filepath.Join(dir, "c", "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n")
	analyzertest.WriteFile(t, filepath.Join(dir, "c", "templates", "cronjob.yaml"),
		`apiVersion: {{ if .Capabilities.APIVersions.Has "batch/v1/CronJob" }}batch/v1{{ else }}batch/v1beta1{{ end }}
kind: CronJob
metadata:
  name: c
  annotations:
{{- range list "v1" "v1/Pod" "apps/v1/Deployment" "batch/v1beta1" "batch/v1beta1/CronJob" "policy/v1beta1" "autoscaling/v2" }}
    {{ . }}: {{ $.Capabilities.APIVersions.Has . | quote }}
{{- end }}
`)
	tests := []struct {
		kube string
		want string
	}{
		{"", `apiVersion: batch/v1
kind: CronJob
metadata:
  name: c
  annotations:
    v1: "true"
    v1/Pod: "true"
    apps/v1/Deployment: "true"
    batch/v1beta1: "false"
    batch/v1beta1/CronJob: "false"
    policy/v1beta1: "false"
    autoscaling/v2: "true"
`},
		{"1.21.0", `apiVersion: batch/v1
kind: CronJob
metadata:
  name: c
  annotations:
    v1: "true"
    v1/Pod: "true"
    apps/v1/Deployment: "true"
    batch/v1beta1: "true"
    batch/v1beta1/CronJob: "true"
    policy/v1beta1: "true"
    autoscaling/v2: "false"
`},
		{"1.20.0", `apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: c
  annotations:
    v1: "true"
    v1/Pod: "true"
    apps/v1/Deployment: "true"
    batch/v1beta1: "true"
    batch/v1beta1/CronJob: "true"
    policy/v1beta1: "true"
    autoscaling/v2: "false"
`},
	}
	for _, tt := range tests {
		out := Render(context.Background(), helm.Request{Dir: filepath.Join(dir, "c"), KubeVersion: tt.kube})
		if len(out.Templates) != 1 || len(out.Failures) != 0 {
			t.Fatalf("kube %q: %s", tt.kube, summary(out))
		}
		if got := out.Templates[0].Content; got != tt.want {
			t.Errorf("kube %q: rendered\n%s\nwant\n%s", tt.kube, got, tt.want)
		}
	}
}

// TestRenderAPIVersionsRemovedTypes: the APIs that deprecated-api-version's
// table says the target serves are listed even where client-go's scheme no
// longer has their types (autoscaling/v2beta1 and v2beta2, policy/v1beta1
// PodSecurityPolicy, batch/v2alpha1), from their first release as another's
// replacement (policy/v1beta1 PodSecurityPolicy from 1.10) until their
// removal.
func TestRenderAPIVersionsRemovedTypes(t *testing.T) {
	dir := t.TempDir()
	analyzertest.WriteFile(t, filepath.Join(dir, "c", "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n")
	analyzertest.WriteFile(t, filepath.Join(dir, "c", "templates", "cm.yaml"),
		`apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
{{- range list "autoscaling/v2beta1" "autoscaling/v2beta1/HorizontalPodAutoscaler" "autoscaling/v2beta2" "autoscaling/v2beta2/HorizontalPodAutoscaler" "autoscaling/v2" "policy/v1beta1" "policy/v1beta1/PodSecurityPolicy" "extensions/v1beta1/PodSecurityPolicy" "batch/v2alpha1" "batch/v2alpha1/CronJob" "extensions/v1beta1/Job" }}
  {{ . }}: {{ $.Capabilities.APIVersions.Has . | quote }}
{{- end }}
`)
	tests := []struct {
		kube string
		want string
	}{
		{"1.24.0", `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  autoscaling/v2beta1: "true"
  autoscaling/v2beta1/HorizontalPodAutoscaler: "true"
  autoscaling/v2beta2: "true"
  autoscaling/v2beta2/HorizontalPodAutoscaler: "true"
  autoscaling/v2: "true"
  policy/v1beta1: "true"
  policy/v1beta1/PodSecurityPolicy: "true"
  extensions/v1beta1/PodSecurityPolicy: "false"
  batch/v2alpha1: "false"
  batch/v2alpha1/CronJob: "false"
  extensions/v1beta1/Job: "false"
`},
		{"1.18.0", `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  autoscaling/v2beta1: "true"
  autoscaling/v2beta1/HorizontalPodAutoscaler: "true"
  autoscaling/v2beta2: "true"
  autoscaling/v2beta2/HorizontalPodAutoscaler: "true"
  autoscaling/v2: "false"
  policy/v1beta1: "true"
  policy/v1beta1/PodSecurityPolicy: "true"
  extensions/v1beta1/PodSecurityPolicy: "false"
  batch/v2alpha1: "true"
  batch/v2alpha1/CronJob: "true"
  extensions/v1beta1/Job: "false"
`},
		{"1.15.0", `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  autoscaling/v2beta1: "true"
  autoscaling/v2beta1/HorizontalPodAutoscaler: "true"
  autoscaling/v2beta2: "true"
  autoscaling/v2beta2/HorizontalPodAutoscaler: "true"
  autoscaling/v2: "false"
  policy/v1beta1: "true"
  policy/v1beta1/PodSecurityPolicy: "true"
  extensions/v1beta1/PodSecurityPolicy: "true"
  batch/v2alpha1: "true"
  batch/v2alpha1/CronJob: "true"
  extensions/v1beta1/Job: "false"
`},
	}
	for _, tt := range tests {
		out := Render(context.Background(), helm.Request{Dir: filepath.Join(dir, "c"), KubeVersion: tt.kube})
		if len(out.Templates) != 1 || len(out.Failures) != 0 {
			t.Fatalf("kube %q: %s", tt.kube, summary(out))
		}
		if got := out.Templates[0].Content; got != tt.want {
			t.Errorf("kube %q: rendered\n%s\nwant\n%s", tt.kube, got, tt.want)
		}
	}
	// policy/v1beta1 serves PodSecurityPolicy from 1.10, as the
	// replacement of extensions/v1beta1's.
	for kube, want := range map[string]map[string]bool{
		"1.9":  {"policy/v1beta1/PodSecurityPolicy": false, "extensions/v1beta1/PodSecurityPolicy": true},
		"1.10": {"policy/v1beta1/PodSecurityPolicy": true, "extensions/v1beta1/PodSecurityPolicy": true},
	} {
		target, err := analyzer.ParseKubeVersion(kube)
		if err != nil {
			t.Fatal(err)
		}
		set := chartcommon.VersionSet(apiVersions(target))
		for v, w := range want {
			if got := set.Has(v); got != w {
				t.Errorf("kube %s: Has(%q) = %v, want %v", kube, v, got, w)
			}
		}
	}
}
