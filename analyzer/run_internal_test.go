package analyzer

import (
	"fmt"
	"testing"
)

// TestDiagChunks checks that diagChunks keeps every diagnostic in the order
// added, across chunk boundaries.
func TestDiagChunks(t *testing.T) {
	for _, n := range []int{0, 1, 16, 17, 100, 1000, 3000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var c diagChunks
			for i := range n {
				c.add(Diagnostic{Message: fmt.Sprint(i)})
			}
			if c.len() != n {
				t.Fatalf("len() = %d, want %d", c.len(), n)
			}
			i := 0
			for _, ch := range c {
				for _, d := range ch {
					if d.Message != fmt.Sprint(i) {
						t.Fatalf("diagnostic %d is %q", i, d.Message)
					}
					i++
				}
			}
			if i != n {
				t.Fatalf("chunks hold %d diagnostics, want %d", i, n)
			}
		})
	}
}
