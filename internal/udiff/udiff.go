// Package udiff writes unified diffs of text files, as diff -u and git diff
// do, for kvet fix --diff. It compares lines with Myers' algorithm, which
// takes time proportional to the size of the files times the number of
// differences, so the few edits of a fix cost little even in a large file;
// many edits are diffed between the lines the files share once each (see
// diff).
package udiff

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Context is the number of unchanged lines shown around each change.
const Context = 3

// Unified returns the unified diff that turns a into b, with the headers
// `--- oldName` and `+++ newName`, or "" when they are equal. A name with
// a space is followed by a tab, as diff -u and git write it, so that patch
// reads it whole. A last line without a line ending is marked `\ No
// newline at end of file`.
func Unified(oldName, newName string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	x, y := splitLines(a), splitLines(b)
	ops := diff(x, y)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", header(oldName), header(newName))
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

// maxTrace bounds the memory of one Myers search (see myers): the trace
// of its rounds, in ints (32 MB).
const maxTrace = 4 << 20

// diff returns the changes that turn x into y, in order: with Myers'
// O((N+M)D) algorithm when its trace fits in maxTrace, as for the few
// edits of a fix in a file of any size, else split at the lines that
// occur once in each, in the same order (as patience diff does), each
// part diffed the same way (a part without such a line that Myers cannot
// afford is replaced whole). Myers keeps a vector of N+M for each of its D
// rounds: a fix of 6,000 Jobs in one file (80,000 lines, 12,000
// differences) ran out of memory at 24 GB.
func diff(x, y []string) []op {
	if ops, ok := myers(x, y); ok {
		return ops
	}
	return merge(diffPart(x, y, 0, len(x), 0, len(y), nil))
}

// diffPart appends to out the changes that turn x[x0:x1] into y[y0:y1].
func diffPart(x, y []string, x0, x1, y0, y1 int, out []op) []op {
	for x0 < x1 && y0 < y1 && x[x0] == y[y0] {
		x0, y0 = x0+1, y0+1
	}
	for x0 < x1 && y0 < y1 && x[x1-1] == y[y1-1] {
		x1, y1 = x1-1, y1-1
	}
	switch {
	case x0 == x1 && y0 == y1:
		return out
	case x0 == x1 || y0 == y1:
		return append(out, op{x0, x1, y0, y1})
	}
	if ops, ok := myers(x[x0:x1], y[y0:y1]); ok {
		for _, o := range ops {
			out = append(out, op{x0 + o.x0, x0 + o.x1, y0 + o.y0, y0 + o.y1})
		}
		return out
	}
	anchors := uniqueAnchors(x[x0:x1], y[y0:y1])
	if len(anchors) == 0 {
		return append(out, op{x0, x1, y0, y1})
	}
	i, j := x0, y0
	for _, a := range anchors {
		out = diffPart(x, y, i, x0+a[0], j, y0+a[1], out)
		i, j = x0+a[0]+1, y0+a[1]+1
	}
	return diffPart(x, y, i, x1, j, y1, out)
}

// uniqueAnchors returns the longest sequence of pairs (i, j), increasing
// in both, of lines x[i] == y[j] that occur once in x and once in y.
func uniqueAnchors(x, y []string) [][2]int {
	type seen struct{ nx, ny, i, j int }
	count := map[string]*seen{}
	for i, l := range x {
		c := count[l]
		if c == nil {
			c = &seen{}
			count[l] = c
		}
		c.nx++
		c.i = i
	}
	for j, l := range y {
		if c := count[l]; c != nil {
			c.ny++
			c.j = j
		}
	}
	// The pairs in the order of x, then the longest run increasing in y
	// (patience sorting: tails[k] is the pair ending the best run of k+1).
	var pairs [][2]int
	for i, l := range x {
		if c := count[l]; c.nx == 1 && c.ny == 1 {
			pairs = append(pairs, [2]int{i, c.j})
		}
	}
	var tails []int
	prev := make([]int, len(pairs))
	for p, pr := range pairs {
		k, _ := slices.BinarySearchFunc(tails, pr[1], func(t, j int) int { return cmp.Compare(pairs[t][1], j) })
		if k > 0 {
			prev[p] = tails[k-1]
		} else {
			prev[p] = -1
		}
		if k == len(tails) {
			tails = append(tails, p)
		} else {
			tails[k] = p
		}
	}
	if len(tails) == 0 {
		return nil
	}
	run := make([][2]int, len(tails))
	for k, p := len(tails)-1, tails[len(tails)-1]; k >= 0; k, p = k-1, prev[p] {
		run[k] = pairs[p]
	}
	return run
}

// merge joins adjacent changes into runs.
func merge(ops []op) []op {
	var out []op
	for _, o := range ops {
		if n := len(out); n > 0 && out[n-1].x1 == o.x0 && out[n-1].y1 == o.y0 {
			out[n-1].x1, out[n-1].y1 = o.x1, o.y1
			continue
		}
		out = append(out, o)
	}
	return out
}

// myers returns the changes that turn x into y, in order, with Myers'
// O((N+M)D) algorithm, or false when its trace would not fit in maxTrace.
func myers(x, y []string) ([]op, bool) {
	n, m := len(x), len(y)
	off := n + m + 1
	v := make([]int, 2*off+1)
	var trace [][]int
search:
	for d := 0; d <= n+m; d++ {
		if (d+1)*len(v) > maxTrace {
			return nil, false
		}
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
	slices.Reverse(steps)
	return merge(steps), true
}

// header returns name as a header of the diff: followed by a tab when it
// holds a space or a tab.
func header(name string) string {
	if strings.ContainsAny(name, " \t") {
		return name + "\t"
	}
	return name
}
