package pod_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules/pod"
)

// TestRequestLimitPositions checks where resource-request-exceeds-limit
// points: at the request value for a request and its limit, at the
// pod-level request or limit value for what the containers need together,
// and at the container's limit value for a limit above the pod's.
func TestRequestLimitPositions(t *testing.T) {
	diags := analyzertest.Run(t, []*analyzer.Rule{pod.ResourceRequestExceedsLimit()}, "testdata/resource-request-exceeds-limit/podlevel.yaml")
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%d:%d-%d:%d %s", d.Range.Start.Line, d.Range.Start.Column, d.Range.End.Line, d.Range.End.Column, d.Path))
	}
	want := []string{
		"9:12-9:16 spec.resources.requests.cpu",
		"10:15-10:18 spec.resources.requests.memory",
		"18:14-18:15 spec.containers[0].resources.limits.cpu",
		"19:17-19:20 spec.containers[0].resources.limits.memory",
		"37:16-37:19 spec.template.spec.resources.requests.cpu",
		"38:19-38:22 spec.template.spec.resources.requests.memory",
		"39:56-39:59 spec.template.spec.resources.limits.hugepages-2Mi",
	}
	if !slices.Equal(got, want) {
		t.Errorf("positions:\n got %q\nwant %q", got, want)
	}
}
