package analyzer

import "strings"

// EditDistance is the Levenshtein distance between a and b (in bytes), or
// limit when it is at least limit. kvet's "did you mean" suggestions (field
// names, rule IDs, time zones) all use it.
func EditDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
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
// command line, and flags.
func Closest(name string, names []string) (best string, unique bool) {
	bestD := 3
	for _, c := range names {
		switch dd := EditDistance(strings.ToLower(name), strings.ToLower(c), bestD+1); {
		case dd < bestD:
			best, bestD, unique = c, dd, true
		case dd == bestD && best != "":
			unique = false
		}
	}
	return best, unique
}
