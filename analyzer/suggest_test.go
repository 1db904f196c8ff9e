package analyzer_test

import (
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"backofLimit", "backoffLimit", 3, 1},
		{"restartPolicy", "restartPolicy", 3, 0},
		{"Europe/Pari", "Europe/Paris", 3, 1},
		{"kitten", "sitting", 10, 3},
		{"kitten", "sitting", 3, 3}, // capped at the limit
		{"a", "abcdefgh", 3, 3},     // length difference alone exceeds it
		{"resource-limit-missing", "resource-limits-missing", 4, 1},
		{"", "abc", 5, 3},
	}
	for _, tt := range tests {
		if got := analyzer.EditDistance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("EditDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}
