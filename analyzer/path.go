package analyzer

import (
	"fmt"
	"strconv"
	"strings"
)

// PathElem is one step of a Path: a mapping key or a sequence index.
type PathElem struct {
	Key     string
	Index   int
	IsIndex bool
}

// Path is a field path inside one Kubernetes object, e.g.
// spec.jobTemplate.spec.template.spec.containers[0].resources. Rules report
// paths; the engine turns them into positions.
type Path []PathElem

// NewPath builds a path from strings (keys) and ints (indices). Any other
// element type is formatted with fmt.Sprint and used as a key.
func NewPath(elems ...any) Path {
	p := make(Path, 0, len(elems))
	for _, e := range elems {
		switch v := e.(type) {
		case int:
			p = append(p, PathElem{Index: v, IsIndex: true})
		case string:
			p = append(p, PathElem{Key: v})
		default:
			p = append(p, PathElem{Key: fmt.Sprint(v)})
		}
	}
	return p
}

// Key returns a copy of p extended by a mapping key.
func (p Path) Key(keys ...string) Path {
	out := make(Path, len(p), len(p)+len(keys))
	copy(out, p)
	for _, k := range keys {
		out = append(out, PathElem{Key: k})
	}
	return out
}

// Index returns a copy of p extended by a sequence index.
func (p Path) Index(i int) Path {
	out := make(Path, len(p), len(p)+1)
	copy(out, p)
	return append(out, PathElem{Index: i, IsIndex: true})
}

// keyIndex returns p.Key(key).Index(i) in one allocation.
func (p Path) keyIndex(key string, i int) Path {
	out := make(Path, len(p), len(p)+2)
	copy(out, p)
	return append(out, PathElem{Key: key}, PathElem{Index: i, IsIndex: true})
}

// String renders the path as dotted keys with [i] indices; keys that are
// not plain identifiers are quoted: metadata.annotations["kvet.dev/idempotent"].
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		switch {
		case e.IsIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
		case plainKey(e.Key):
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e.Key)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(e.Key))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if r != '_' && r != '-' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
