package analyzer_test

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kvet-dev/kvet/analyzer"
)

// TestIsDNSSubdomain checks IsDNSSubdomain against apimachinery's
// IsDNS1123Subdomain (the API server's check of a ServiceAccount's name).
func TestIsDNSSubdomain(t *testing.T) {
	names := []string{
		"", "a", "app", "app-1", "1app", "a.b", "a.b.c", "a-b.c-d", "my.app-2.x9",
		"-a", "a-", "a..b", ".a", "a.", "a.-b", "a-.b", "A", "app_1", "app 1", "app/x", "ä",
		"a.b-", "0", "0.0", "--", "a--b", strings.Repeat("a", 253), strings.Repeat("a", 254),
		strings.Repeat("a", 63) + "." + strings.Repeat("b", 63), strings.Repeat("a", 64),
	}
	for _, n := range names {
		want := len(validation.IsDNS1123Subdomain(n)) == 0
		if got := analyzer.IsDNSSubdomain(n); got != want {
			t.Errorf("IsDNSSubdomain(%q) = %v, want %v (apimachinery)", n, got, want)
		}
	}
}
