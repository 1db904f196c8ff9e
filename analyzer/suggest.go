package analyzer

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
	"sync"
)

// EditDistance is the Levenshtein distance between a and b (in bytes), or
// limit when it is at least limit. kvet's "did you mean" suggestions (field
// names, rule IDs, time zones, role and ServiceAccount names) all use it.
func EditDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) <= 64 {
		var peq [256]uint64
		return min(bitParallel(pattern(&peq, a), len(a), b), limit)
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

// Closest returns the name of names closest to name (case-insensitively)
// within edit distance 2, or "", and whether no other name is as close:
// the "did you mean" of field names, rule IDs in suppressions and on the
// command line, flags, role and ServiceAccount names. A list that many
// lookups share is better prepared once with NewNames.
func Closest(name string, names []string) (best string, unique bool) {
	return NewNames(names).Closest(name)
}

// Names is a list of names prepared for Closest: their lower-case forms
// and character sets are computed once, so many lookups in a large list
// (the ServiceAccounts of a namespace, the Roles of a set) stay cheap.
type Names struct {
	names []string
	lower []string
	chars []uint64

	// near indexes a long list for Nearest, built on its first call.
	nearOnce sync.Once
	near     []nearKey
}

// nearKey files the name at index under the hash of a text (nearIndex).
type nearKey struct {
	hash  uint64
	index int32
}

// nearIndexMin is the length from which Nearest indexes a list (nearIndex)
// rather than rating each name.
const nearIndexMin = 32

// NewNames prepares names for Closest.
func NewNames(names []string) *Names {
	n := &Names{names: names, lower: make([]string, len(names)), chars: make([]uint64, len(names))}
	for i, c := range names {
		n.lower[i] = strings.ToLower(c)
		n.chars[i] = chars(n.lower[i])
	}
	return n
}

// Closest is the package's Closest on the prepared names.
func (n *Names) Closest(name string) (best string, unique bool) {
	return n.search(strings.ToLower(name))
}

// Nearest returns the name Closest returns, without saying whether it is
// unique, which lets it stop early: at a name equal to name ignoring case,
// or, when there is none, at the first name one edit away (no later name
// can be closer, and a tie keeps the first). Set rules ask it for
// thousands of names among hundreds of similar ones.
//
// It rates each name with upToTwo rather than the bit-parallel distance:
// set rules ask in lists of short names that mostly differ in a character
// or two ("obj-1-4" and "obj-10-4"), which that check settles with a few
// byte comparisons.
//
// In a list of nearIndexMin names or more, it finds the names equal to
// name or one edit away in an index (nearIndex), and rates the names in
// order only when there is none, up to the first two edits away.
func (n *Names) Nearest(name string) string {
	lower := strings.ToLower(name)
	if len(n.lower) >= nearIndexMin {
		n.nearOnce.Do(n.nearIndex)
		if i, ok := n.nearest(lower); ok {
			return n.names[i]
		}
		return n.secondNearest(lower, true)
	}
	for i, c := range n.lower {
		if c == lower {
			return n.names[i]
		}
	}
	return n.secondNearest(lower, false)
}

// secondNearest returns the first name one edit away from lower, else the
// first two edits away, else "": the names of Nearest when none is equal
// to lower, or, with noneAtOne, when none is one edit away either (it then
// stops at the first two edits away).
func (n *Names) secondNearest(lower string, noneAtOne bool) string {
	nameChars := chars(lower)
	second := -1
	for i, c := range n.lower {
		if d := len(lower) - len(c); d > 2 || d < -2 {
			continue
		}
		if bits.OnesCount64(nameChars^n.chars[i]) >= 5 {
			continue // at least 3 edits (see search)
		}
		switch upToTwo(lower, c) {
		case 1:
			return n.names[i]
		case 2:
			if noneAtOne {
				return n.names[i]
			}
			if second < 0 {
				second = i
			}
		}
	}
	if second < 0 {
		return ""
	}
	return n.names[second]
}

// nearIndex files each name under the hash of itself and of each text it
// leaves without one of its bytes, sorted by hash and then index. Two
// strings one edit apart then share a text: a byte inserted into the
// shorter is removed from the longer, and a byte replaced is removed from
// both at the same place. Names that only share a hash are told apart by
// nearest, which rates each name it finds.
func (n *Names) nearIndex() {
	size := 0
	for _, c := range n.lower {
		size += len(c) + 1
	}
	n.near = make([]nearKey, 0, size)
	for i, c := range n.lower {
		for j := range len(c) + 1 {
			n.near = append(n.near, nearKey{deletionHash(c, j), int32(i)})
		}
	}
	slices.SortFunc(n.near, func(a, b nearKey) int {
		return cmp.Or(cmp.Compare(a.hash, b.hash), cmp.Compare(a.index, b.index))
	})
}

// filed returns the indices of the names filed under hash h, in order.
func (n *Names) filed(h uint64) []nearKey {
	i, _ := slices.BinarySearchFunc(n.near, h, func(k nearKey, h uint64) int { return cmp.Compare(k.hash, h) })
	j := i
	for j < len(n.near) && n.near[j].hash == h {
		j++
	}
	return n.near[i:j]
}

// deletionHash is the 64-bit FNV-1a hash of s without its byte at j (of s
// whole when j is len(s)).
func deletionHash(s string, j int) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for k := 0; k < len(s); k++ {
		if k != j {
			h = (h ^ uint64(s[k])) * prime
		}
	}
	return h
}

// nearest returns the index of the first name equal to lower, else of the
// first one edit away from it, and whether there is one (see nearIndex).
func (n *Names) nearest(lower string) (int, bool) {
	whole := n.filed(deletionHash(lower, len(lower)))
	for _, k := range whole {
		if n.lower[k.index] == lower {
			return int(k.index), true
		}
	}
	best := int32(-1)
	consider := func(keys []nearKey) {
		for _, k := range keys {
			if (best < 0 || k.index < best) && upToTwo(lower, n.lower[k.index]) == 1 {
				best = k.index
			}
		}
	}
	consider(whole)
	for j := range len(lower) {
		consider(n.filed(deletionHash(lower, j)))
	}
	return int(best), best >= 0
}

// upToTwo returns the edit distance of a and b (in bytes) when it is at
// most 2, else 3. Levenshtein distance does not change when a common
// prefix and suffix are removed; what remains starts and ends with
// different bytes, so it is one edit apart only as two single bytes (or
// one byte and nothing), and otherwise two apart only when removing,
// inserting or replacing its first byte leaves two strings one edit apart.
func upToTwo(a, b string) int {
	a, b = trimCommon(a, b)
	if len(a) > len(b) {
		a, b = b, a
	}
	switch {
	case len(b)-len(a) > 2:
		return 3
	case len(a) == 0:
		return len(b)
	case len(b) == 1:
		return 1
	case upToOne(a[1:], b[1:]), upToOne(a[1:], b), upToOne(a, b[1:]):
		return 2
	}
	return 3
}

// upToOne reports whether a and b are at most one edit apart (see upToTwo).
func upToOne(a, b string) bool {
	a, b = trimCommon(a, b)
	return max(len(a), len(b)) <= 1
}

// trimCommon removes the longest common prefix of a and b, then the
// longest common suffix of what is left.
func trimCommon(a, b string) (string, string) {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	a, b = a[i:], b[i:]
	j := 0
	for j < len(a) && j < len(b) && a[len(a)-1-j] == b[len(b)-1-j] {
		j++
	}
	return a[:len(a)-j], b[:len(b)-j]
}

// search is Closest of the lower-case name.
func (n *Names) search(lower string) (best string, unique bool) {
	var peq [256]uint64
	if len(lower) <= 64 {
		pattern(&peq, lower)
	}
	nameChars := chars(lower)
	bestD := 3
	for i, c2 := range n.lower {
		limit := bestD + 1
		var dd int
		switch d := len(lower) - len(c2); {
		case d >= limit || -d >= limit:
			dd = limit
		case (bits.OnesCount64(nameChars^n.chars[i])+1)/2 >= limit:
			// Each edit adds or removes at most one distinct character
			// and a substitution does both: half the size of the
			// difference of the character sets is a lower bound.
			dd = limit
		case len(lower) <= 64:
			dd = min(bitParallel(&peq, len(lower), c2), limit)
		default:
			dd = EditDistance(lower, c2, limit)
		}
		switch {
		case dd < bestD:
			best, bestD, unique = n.names[i], dd, true
		case dd == bestD && best != "":
			unique = false
		}
	}
	return best, unique
}

// chars returns the set of the bytes of s, folded into 64 bits (folding
// merges bytes, so set differences only shrink: still a lower bound).
func chars(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		m |= 1 << (s[i] & 63)
	}
	return m
}

// pattern fills peq with the positions of each byte of a (at most 64
// bytes), for bitParallel.
func pattern(peq *[256]uint64, a string) *[256]uint64 {
	for i := 0; i < len(a); i++ {
		peq[a[i]] |= 1 << i
	}
	return peq
}

// bitParallel is the Levenshtein distance of a pattern of m bytes (at most
// 64, prepared by pattern) and b by Myers' bit-vector algorithm, in
// Hyyrö's formulation: one column of the dynamic-programming matrix per
// machine word, O(len(b)) steps.
func bitParallel(peq *[256]uint64, m int, b string) int {
	if m == 0 {
		return len(b)
	}
	pv, mv, score := ^uint64(0), uint64(0), m
	last := uint64(1) << (m - 1)
	for j := 0; j < len(b); j++ {
		eq := peq[b[j]]
		xv := eq | mv
		xh := (((eq & pv) + pv) ^ pv) | eq
		ph := mv | ^(xh | pv)
		mh := pv & xh
		switch {
		case ph&last != 0:
			score++
		case mh&last != 0:
			score--
		}
		ph = ph<<1 | 1
		mh <<= 1
		pv = mh | ^(xv | ph)
		mv = ph & xv
	}
	return score
}
