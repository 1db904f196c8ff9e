// Package jsonsniff tells JSON files apart by the tokens they start with,
// reading only their beginning: kvet recognises the baselines and reports
// it wrote itself this way.
package jsonsniff

import (
	"encoding/json"
	"io"
	"os"
)

// Token matches one JSON token (as encoding/json's Decoder.Token reads it).
type Token func(json.Token) bool

// Delim matches the delimiter d.
func Delim(d json.Delim) Token { return func(t json.Token) bool { return t == d } }

// Is matches the string s (a key or a value).
func Is(s string) Token { return func(t json.Token) bool { return t == s } }

// Number matches any number.
func Number(t json.Token) bool { _, ok := t.(float64); return ok }

// String matches any string.
func String(t json.Token) bool { _, ok := t.(string); return ok }

// limit is how much of a file StartsWith reads.
const limit = 4096

// StartsWith reports whether path is a regular file whose first tokens, in
// its first 4 KiB, match those of one of shapes. A file that is not there,
// not regular or not JSON matches none.
func StartsWith(path string, shapes ...[]Token) bool {
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close() //nolint:errcheck // read-only
	dec := json.NewDecoder(io.LimitReader(f, limit))
	var read []json.Token
	for _, want := range shapes {
		for i, ok := range want {
			if i == len(read) {
				t, err := dec.Token()
				if err != nil {
					break
				}
				read = append(read, t)
			}
			if !ok(read[i]) {
				break
			}
			if i == len(want)-1 {
				return true
			}
		}
	}
	return false
}
