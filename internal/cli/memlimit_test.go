package cli

import "testing"

func TestMemoryLimit(t *testing.T) {
	tests := []struct {
		input, want int64
	}{
		{0, 90 << 20},
		{1 << 20, 90 << 20},       // small inputs: the floor
		{7_400_000, 90 << 20},     // the 10,000-document benchmark corpus
		{22_000_000, 220_000_000}, // larger inputs: 10x, so the limit never starves the heap
		{1 << 30, 10 << 30},
	}
	for _, tt := range tests {
		if got := memoryLimit(tt.input); got != tt.want {
			t.Errorf("memoryLimit(%d) = %d, want %d", tt.input, got, tt.want)
		}
	}
	a := &app{getenv: func(k string) string {
		if k == "GOMEMLIMIT" {
			return "1GiB"
		}
		return ""
	}}
	if got := a.limitMemory([]string{"."}, nil); got != memoryLimitUnset {
		t.Errorf("with GOMEMLIMIT set, limitMemory = %d, want it left alone", got)
	}
}
