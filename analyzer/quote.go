package analyzer

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// MaxQuoted is the number of characters of a value that a message quotes.
const MaxQuoted = 200

// Quote returns s quoted as with %q, for a message. A value longer than
// MaxQuoted characters (a 20 MB image string) is cut there and followed by
// how long it is, so a hostile manifest cannot make a message, and every
// report that repeats it, grow with it. Rules quote the values they read
// from manifests with it.
func Quote(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= MaxQuoted {
		return strconv.Quote(s)
	}
	cut, i := 0, 0
	for i < MaxQuoted {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
		i++
	}
	return fmt.Sprintf("%s… (%d characters)", strconv.Quote(s[:cut]), n)
}
