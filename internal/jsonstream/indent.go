package jsonstream

// appendIndent appends to dst the indented form of src, which must be the
// text json.Encoder writes without indentation (compact JSON, no space
// outside strings, strings escaped as encoding/json escapes them), exactly
// as json.Indent(dst, src, prefix, indent) would: each element of a
// non-empty object or array on a line of its own, prefix and one indent
// per level at the start of each new line, ": " after keys, empty objects
// and arrays kept as {} and [], and src's trailing newline kept.
//
// json.Indent runs encoding/json's scanner, a state machine called through
// a function value for every byte, to tell punctuation from the content of
// strings; on kvet's reports that costs three times as much as encoding.
// Text the Encoder wrote needs no validation: outside strings, only the
// six punctuation bytes matter, and a string ends at the first quote not
// escaped by a backslash, so strings, numbers and literals are copied a run
// at a time.
func appendIndent(dst, src []byte, prefix, indent string) []byte {
	nl := newlines{indent: indent}
	nl.text = append(append(make([]byte, 0, 1+len(prefix)+8*len(indent)), '\n'), prefix...)
	nl.base = len(nl.text)
	needIndent := false
	depth := 0
	for i := 0; i < len(src); {
		c := src[i]
		if needIndent && c != ']' && c != '}' {
			needIndent = false
			depth++
			dst = nl.append(dst, depth)
		}
		switch c {
		case '"':
			j := i + 1
			for j < len(src) {
				b := src[j]
				if b == '"' {
					break
				}
				if b == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(src)) // past the closing quote
			dst = append(dst, src[i:j]...)
			i = j
			continue
		case '{', '[':
			// Indentation is delayed so that empty objects and arrays
			// stay {} and [].
			needIndent = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = nl.append(dst, depth)
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				dst = nl.append(dst, depth)
			}
			dst = append(dst, c)
		default:
			// A number, a literal or the trailing newline: up to the
			// next punctuation byte.
			j := i + 1
			for j < len(src) && !isPunct(src[j]) {
				j++
			}
			dst = append(dst, src[i:j]...)
			i = j
			continue
		}
		i++
	}
	return dst
}

// isPunct reports whether c is one of the bytes that appendIndent treats
// outside strings.
func isPunct(c byte) bool {
	switch c {
	case '"', '{', '[', ',', ':', '}', ']':
		return true
	}
	return false
}

// newlines starts the lines of appendIndent.
type newlines struct {
	// text is a newline, the prefix and as many indents as the deepest
	// level so far: a line's start is a slice of it.
	text   []byte
	base   int // len(newline + prefix)
	indent string
}

// append appends a newline, the prefix and depth indents to dst.
func (nl *newlines) append(dst []byte, depth int) []byte {
	n := nl.base + depth*len(nl.indent)
	for len(nl.text) < n {
		nl.text = append(nl.text, nl.indent...)
	}
	return append(dst, nl.text[:n]...)
}
