// Package udiff writes unified diffs of text files, as diff -u and git diff
// do, for kvet fix --diff. It compares lines with Myers' algorithm, which
// takes time proportional to the size of the files times the number of
// differences, so the few edits of a fix cost little even in a large file.
package udiff

import (
	"bytes"
	"fmt"
	"strings"
)

// Context is the number of unchanged lines shown around each change.
const Context = 3

// Unified returns the unified diff that turns a into b, with the headers
// `--- oldName` and `+++ newName`, or "" when they are equal. A last line
// without a line ending is marked `\ No newline at end of file`.
func Unified(oldName, newName string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	x, y := splitLines(a), splitLines(b)
	ops := diff(x, y)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks(ops, len(x), len(y)) {
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", span(h.x0, h.x1), span(h.y0, h.y1))
		i, j := h.x0, h.y0
		for _, o := range ops {
			if o.x1 <= h.x0 && o.y1 <= h.y0 || o.x0 >= h.x1 && o.y0 >= h.y1 {
				continue
			}
			for ; i < o.x0; i, j = i+1, j+1 {
				writeLine(&out, ' ', x[i])
			}
			for ; i < o.x1; i++ {
				writeLine(&out, '-', x[i])
			}
			for ; j < o.y1; j++ {
				writeLine(&out, '+', y[j])
			}
		}
		for ; i < h.x1; i, j = i+1, j+1 {
			writeLine(&out, ' ', x[i])
		}
	}
	return out.String()
}

// splitLines splits s after each "\n"; the last line may lack one.
func splitLines(s []byte) []string {
	var lines []string
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, string(s))
			break
		}
		lines = append(lines, string(s[:i+1]))
		s = s[i+1:]
	}
	return lines
}

func writeLine(out *strings.Builder, prefix byte, line string) {
	out.WriteByte(prefix)
	out.WriteString(line)
	if !strings.HasSuffix(line, "\n") {
		out.WriteString("\n\\ No newline at end of file\n")
	}
}

// span renders a hunk range: start,count with a 1-based start (the line
// before the hunk when it is empty, as diff -u does).
func span(from, to int) string {
	n := to - from
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", from)
	case 1:
		return fmt.Sprint(from + 1)
	}
	return fmt.Sprintf("%d,%d", from+1, n)
}

// op replaces lines x[x0:x1] with y[y0:y1].
type op struct{ x0, x1, y0, y1 int }

type hunk struct{ x0, x1, y0, y1 int }

// hunks groups the changes whose contexts touch into hunks.
func hunks(ops []op, nx, ny int) []hunk {
	var hs []hunk
	for _, o := range ops {
		h := hunk{max(o.x0-Context, 0), min(o.x1+Context, nx), 0, 0}
		h.y0 = o.y0 - (o.x0 - h.x0)
		h.y1 = o.y1 + (h.x1 - o.x1)
		if n := len(hs); n > 0 && h.x0 <= hs[n-1].x1 {
			hs[n-1].x1, hs[n-1].y1 = h.x1, h.y1
			continue
		}
		hs = append(hs, h)
	}
	for i := range hs {
		hs[i].y1 = min(hs[i].y1, ny)
	}
	return hs
}

// diff returns the changes that turn x into y, in order, with Myers'
// O((N+M)D) algorithm.
func diff(x, y []string) []op {
	n, m := len(x), len(y)
	off := n + m + 1
	v := make([]int, 2*off+1)
	var trace [][]int
search:
	for d := 0; d <= n+m; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var i int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				i = v[off+k+1] // down: insert y[j]
			} else {
				i = v[off+k-1] + 1 // right: delete x[i]
			}
			j := i - k
			for i < n && j < m && x[i] == y[j] {
				i, j = i+1, j+1
			}
			v[off+k] = i
			if i >= n && j >= m {
				break search
			}
		}
	}
	// Walk back from (n, m): each round ends with one edit then a run of
	// equal lines.
	var steps []op
	i, j := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		v := trace[d]
		k := i - j
		pk := k - 1
		if k == -d || k != d && v[off+k-1] < v[off+k+1] {
			pk = k + 1
		}
		pi := v[off+pk]
		pj := pi - pk
		for i > pi && j > pj {
			i, j = i-1, j-1
		}
		if d > 0 {
			steps = append(steps, op{pi, i, pj, j})
		}
		i, j = pi, pj
	}
	// Reverse, merging adjacent edits into runs.
	var out []op
	for k := len(steps) - 1; k >= 0; k-- {
		o := steps[k]
		if n := len(out); n > 0 && out[n-1].x1 == o.x0 && out[n-1].y1 == o.y0 {
			out[n-1].x1, out[n-1].y1 = o.x1, o.y1
			continue
		}
		out = append(out, o)
	}
	return out
}
