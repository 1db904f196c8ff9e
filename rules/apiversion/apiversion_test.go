package apiversion_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules/apiversion"
)

func rules() []*analyzer.Rule { return []*analyzer.Rule{apiversion.DeprecatedAPIVersion()} }

// TestDeprecatedAPIVersion checks the fixtures: testdata/latest for the
// newest release kvet knows, testdata/kube-1.21 for Kubernetes 1.21.
func TestDeprecatedAPIVersion(t *testing.T) {
	analyzertest.Run(t, rules(), "testdata")
}

// lint runs the rule on one document of apiVersion and kind for a target
// release and returns its findings.
func lint(t *testing.T, apiVersion, kind string, target analyzer.KubeVersion) []analyzer.Diagnostic {
	t.Helper()
	src := fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata:\n  name: x\n", apiVersion, kind)
	f := &analyzer.File{Path: "x.yaml", Content: []byte(src)}
	docs, _ := analyzer.NewLoader(nil).Parse(f)
	res := analyzer.Run(context.Background(), &analyzer.Set{Files: []*analyzer.File{f}, Docs: docs}, rules(), analyzer.Options{KubeVersion: target})
	return res.Diagnostics
}

// TestEveryEntry lints each removed group/version/kind of the table: it is
// reported on its apiVersion value from the release that removed it (and
// on the newest release), naming a replacement that release serves, and
// not on the release before.
func TestEveryEntry(t *testing.T) {
	removals := apiversion.Removals()
	byKey := map[string]apiversion.Removal{}
	for _, r := range removals {
		byKey[r.APIVersion+" "+r.Kind] = r
	}
	// served reports whether target serves apiVersion as a replacement
	// of r (directly, or of a replacement that was removed in turn).
	var served func(r apiversion.Removal, apiVersion string, target analyzer.KubeVersion) bool
	served = func(r apiversion.Removal, apiVersion string, target analyzer.KubeVersion) bool {
		for _, x := range r.Replacements {
			gone, removed := byKey[x.APIVersion+" "+r.Kind]
			switch {
			case removed && target.AtLeast(gone.RemovedIn):
				if served(gone, apiVersion, target) {
					return true
				}
			case x.APIVersion == apiVersion && target.AtLeast(x.Since):
				return true
			}
		}
		return false
	}
	for _, r := range removals {
		t.Run(r.APIVersion+"/"+r.Kind, func(t *testing.T) {
			before := analyzer.KubeVersion{Major: 1, Minor: r.RemovedIn - 1}
			if got := lint(t, r.APIVersion, r.Kind, before); len(got) != 0 {
				t.Errorf("reported on %s, which still serves it: %v", before, got)
			}
			for _, target := range []analyzer.KubeVersion{{Major: 1, Minor: r.RemovedIn}, analyzer.NewestKubeVersion} {
				got := lint(t, r.APIVersion, r.Kind, target)
				if len(got) != 1 {
					t.Fatalf("target %s: %d findings, want 1: %v", target, len(got), got)
				}
				d := got[0]
				wantRange := analyzer.Range{Start: analyzer.Position{Line: 1, Column: 13}, End: analyzer.Position{Line: 1, Column: 13 + len(r.APIVersion)}}
				if d.Range != wantRange || d.Severity != analyzer.SeverityError {
					t.Errorf("target %s: %s at %v, want error at %v", target, d.Severity, d.Range, wantRange)
				}
				prefix := fmt.Sprintf("%s %s was removed in Kubernetes 1.%d", r.APIVersion, r.Kind, r.RemovedIn)
				if !strings.HasPrefix(d.Message, prefix) {
					t.Errorf("target %s: message %q, want it to start with %q", target, d.Message, prefix)
				}
				_, use, ok := strings.Cut(d.Message, "; use apiVersion: ")
				if !ok {
					if !strings.Contains(d.Message, "has no replacement") {
						t.Errorf("target %s: message %q names no replacement", target, d.Message)
					}
					continue
				}
				if !served(r, use, target) {
					t.Errorf("target %s: replacement %q is not served by it", target, use)
				}
			}
		})
	}
}

// TestReplacementChoice checks which replacement is named, release by
// release, where there are several.
func TestReplacementChoice(t *testing.T) {
	v := func(minor int) analyzer.KubeVersion { return analyzer.KubeVersion{Major: 1, Minor: minor} }
	tests := []struct {
		apiVersion, kind string
		target           analyzer.KubeVersion
		want             string
	}{
		{"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", v(26), "; use apiVersion: flowcontrol.apiserver.k8s.io/v1beta3"},
		{"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", v(28), "; use apiVersion: flowcontrol.apiserver.k8s.io/v1beta3"},
		{"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", v(29), "; use apiVersion: flowcontrol.apiserver.k8s.io/v1"},
		{"flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", v(29), "; use apiVersion: flowcontrol.apiserver.k8s.io/v1"},
		{"storage.k8s.io/v1alpha1", "VolumeAttributesClass", v(35), "; use apiVersion: storage.k8s.io/v1"},
		{"extensions/v1beta1", "PodSecurityPolicy", v(24), "; use apiVersion: policy/v1beta1"},
		{"extensions/v1beta1", "PodSecurityPolicy", v(25), " and has no replacement: enforce the Pod Security Standards with Pod Security Admission"},
		{"certificates.k8s.io/v1alpha1", "ClusterTrustBundle", v(37), "; use apiVersion: certificates.k8s.io/v1"},
	}
	for _, tt := range tests {
		got := lint(t, tt.apiVersion, tt.kind, tt.target)
		if len(got) != 1 || !strings.Contains(got[0].Message, tt.want) {
			t.Errorf("%s %s on %s: %v, want a message with %q", tt.apiVersion, tt.kind, tt.target, got, tt.want)
		}
	}
	// Kinds of a removed group version that never existed in it are not
	// guessed at, and current versions are fine on every release.
	for _, c := range [][2]string{{"extensions/v1beta1", "NotAKind"}, {"batch/v1", "CronJob"}, {"policy/v1", "PodDisruptionBudget"}} {
		if got := lint(t, c[0], c[1], analyzer.NewestKubeVersion); len(got) != 0 {
			t.Errorf("%s %s: %v", c[0], c[1], got)
		}
	}
}

// TestNeverServed checks that a version Kubernetes never served, of a kind
// kvet knows, is reported on its apiVersion value on every release, naming
// the version to use; a removal the target still serves is not.
func TestNeverServed(t *testing.T) {
	v := func(minor int) analyzer.KubeVersion { return analyzer.KubeVersion{Major: 1, Minor: minor} }
	for _, tt := range []struct {
		apiVersion, kind string
		target           analyzer.KubeVersion
		want             string // "" for no finding
	}{
		{"batch/v2", "Job", analyzer.NewestKubeVersion, "; use apiVersion: batch/v1"},
		{"batch/v2", "Job", v(10), "; use apiVersion: batch/v1"},
		{"apps/v1beta3", "Deployment", analyzer.NewestKubeVersion, "; use apiVersion: apps/v1"},
		{"extensions/v1beta2", "DaemonSet", analyzer.NewestKubeVersion, "; use apiVersion: apps/v1"},
		{"rbac.authorization.k8s.io/v2", "Role", analyzer.NewestKubeVersion, "; use apiVersion: rbac.authorization.k8s.io/v1"},
		{"extensions/v1beta1", "Job", v(5), ""},
		{"apps/v1beta2", "Deployment", v(15), ""},
	} {
		got := lint(t, tt.apiVersion, tt.kind, tt.target)
		if tt.want == "" {
			if len(got) != 0 {
				t.Errorf("%s %s on %s: %v, want nothing", tt.apiVersion, tt.kind, tt.target, got)
			}
			continue
		}
		wantRange := analyzer.Range{Start: analyzer.Position{Line: 1, Column: 13}, End: analyzer.Position{Line: 1, Column: 13 + len(tt.apiVersion)}}
		if len(got) != 1 || got[0].Range != wantRange || !strings.HasSuffix(got[0].Message, tt.want) ||
			!strings.HasPrefix(got[0].Message, tt.apiVersion+" "+tt.kind+" is not served by any Kubernetes release kvet knows") {
			t.Errorf("%s %s on %s: %v, want one finding at %v ending %q", tt.apiVersion, tt.kind, tt.target, got, wantRange, tt.want)
		}
	}
}
