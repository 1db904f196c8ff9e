package job

import (
	"testing"
	"time"
)

func TestBackoffWait(t *testing.T) {
	tests := []struct {
		n    int
		want time.Duration
		text string
	}{
		{0, 0, "0 seconds"},
		{1, 10 * time.Second, "10 seconds"},
		{6, 630 * time.Second, "11 minutes"},                  // 10+20+40+80+160+320
		{7, 990 * time.Second, "17 minutes"},                  // + 360 (capped)
		{100, 630*time.Second + 94*6*time.Minute, "10 hours"}, // 6 doubling steps, then 94 at the cap
	}
	for _, tc := range tests {
		got := backoffWait(tc.n)
		if got != tc.want || roughly(got) != tc.text {
			t.Errorf("backoffWait(%d) = %v (%s), want %v (%s)", tc.n, got, roughly(got), tc.want, tc.text)
		}
	}
}
