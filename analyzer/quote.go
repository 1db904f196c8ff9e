package analyzer

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// MaxQuoted is the number of characters of a value that a message quotes.
const MaxQuoted = 200

// MaxMessage is the number of characters of a policy's message that kvet
// reports: a Rego policy that formats a whole manifest value into its
// message (the built-in ones quote values through kvet.lib.result.quote,
// capped at MaxQuoted) is cut there.
const MaxMessage = 2000

// MaxDiagnosticMessage is the number of characters of any diagnostic's
// message (and related place's) that kvet reports. A rule's message is
// made of short text and of names and values from the manifests, values
// quoted with Quote; names are pasted whole (a real chain of bindings and
// roles across long paths takes some 4,000 characters), so a hostile name
// of a megabyte, repeated by every finding that names it, would make a
// report grow with it without this bound.
const MaxDiagnosticMessage = 4 * MaxMessage

// Quote returns s quoted as with %q, for a message. A value longer than
// MaxQuoted characters (a 20 MB image string) is cut there and followed by
// how long it is, so a hostile manifest cannot make a message, and every
// report that repeats it, grow with it. Rules quote the values they read
// from manifests with it.
func Quote(s string) string {
	head, n := prefix(s, MaxQuoted)
	if len(head) == len(s) {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s… (%d characters)", strconv.Quote(head), n)
}

// Shorten returns s unchanged when it has at most limit characters, and
// otherwise its first limit characters followed by how long it is.
func Shorten(s string, limit int) string {
	head, n := prefix(s, limit)
	if len(head) == len(s) {
		return s
	}
	return fmt.Sprintf("%s… (%d characters)", head, n)
}

// prefix returns the first limit characters of s and the number of
// characters of s.
func prefix(s string, limit int) (string, int) {
	n := utf8.RuneCountInString(s)
	if n <= limit {
		return s, n
	}
	cut := 0
	for range limit {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	return s[:cut], n
}
