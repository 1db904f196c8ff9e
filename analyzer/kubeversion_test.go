package analyzer_test

import (
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

func TestParseKubeVersion(t *testing.T) {
	for in, want := range map[string]string{"1.29": "1.29", "v1.29": "1.29", "1.29.3": "1.29", "v1.30.0": "1.30", "1.3": "1.3"} {
		got, err := analyzer.ParseKubeVersion(in)
		if err != nil || got.String() != want {
			t.Errorf("ParseKubeVersion(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1", "1.", "1.x", "01.2", "1.02", "1.2.3.4", "2.0", "0.37", "1.-1", "1.+2", "vv1.2", "1.29-rc.1"} {
		if v, err := analyzer.ParseKubeVersion(in); err == nil {
			t.Errorf("ParseKubeVersion(%q) = %v, want an error", in, v)
		}
	}
	v := func(minor int) analyzer.KubeVersion { return analyzer.KubeVersion{Major: 1, Minor: minor} }
	if !v(9).Less(v(10)) || v(10).Less(v(9)) || !v(27).AtLeast(27) || v(26).AtLeast(27) {
		t.Error("Less/AtLeast compare minor releases numerically")
	}
	if (analyzer.KubeVersion{}).OrNewest() != analyzer.NewestKubeVersion || v(21).OrNewest() != v(21) {
		t.Error("OrNewest")
	}
}

// TestFeatureNote checks what advice to set a field says at each stage of
// its history: nothing once GA, beta, behind its gate in alpha, and absent
// before (where no gate brings it).
func TestFeatureNote(t *testing.T) {
	f := analyzer.Feature{Field: "spec.timeZone", Gate: "CronJobTimeZone", Alpha: 24, Beta: 25, GA: 27}
	for minor, want := range map[int]string{
		27: "",
		26: " (spec.timeZone is GA in Kubernetes 1.27; the target 1.26 has it in beta, on by default)",
		25: " (spec.timeZone is GA in Kubernetes 1.27; the target 1.25 has it in beta, on by default)",
		24: " (spec.timeZone needs Kubernetes 1.27, where it is GA, or 1.25, where it is beta: the target 1.24 ignores it unless the CronJobTimeZone feature gate is on)",
		23: " (spec.timeZone needs Kubernetes 1.27, where it is GA, or 1.25, where it is beta: the target 1.23 ignores it, as the field arrived in 1.24, in alpha)",
		21: " (spec.timeZone needs Kubernetes 1.27, where it is GA, or 1.25, where it is beta: the target 1.21 ignores it, as the field arrived in 1.24, in alpha)",
	} {
		if got := f.Note(analyzer.KubeVersion{Major: 1, Minor: minor}); got != want {
			t.Errorf("target 1.%d: Note = %q, want %q", minor, got, want)
		}
	}
	// A field not GA in any release kvet knows (GA: 0).
	f = analyzer.Feature{Field: "spec.resources", Gate: "PodLevelResources", Alpha: 32, Beta: 34}
	for minor, want := range map[int]string{
		37: " (spec.resources is beta, on by default, in the target 1.37)",
		34: " (spec.resources is beta, on by default, in the target 1.34)",
		33: " (spec.resources needs Kubernetes 1.34, where it is beta: the target 1.33 ignores it unless the PodLevelResources feature gate is on)",
		31: " (spec.resources needs Kubernetes 1.34, where it is beta: the target 1.31 ignores it, as the field arrived in 1.32, in alpha)",
	} {
		if got := f.Note(analyzer.KubeVersion{Major: 1, Minor: minor}); got != want {
			t.Errorf("target 1.%d: Note = %q, want %q", minor, got, want)
		}
	}
}
