package analyzer

import (
	"bytes"
	"encoding/json"
	"unicode"

	yaml "go.yaml.in/yaml/v3"
)

// JSON is read with the YAML library, of which it is a subset but for two
// escapes of its strings; kubectl reads it with a JSON decoder.

// isJSONStream reports whether content is a stream of JSON objects, as
// kubectl tells JSON from YAML: its first character after white space
// (and a byte order mark) is "{".
func isJSONStream(content []byte) bool {
	rest := bytes.TrimLeftFunc(bytes.TrimPrefix(content, []byte("\ufeff")), unicode.IsSpace)
	return len(rest) > 0 && rest[0] == '{'
}

// jsonStrings returns src, the text of f to parse (same offsets), with
// each string that holds an escape of JSON that YAML's double-quoted
// scalars lack (`\/`, and the UTF-16 surrogates `\ud800`–`\udfff` that
// write a character beyond U+FFFF in two) rewritten so that the YAML
// library reads it, when f is a JSON stream. Each such escape becomes one
// of YAML's of the same length (`\\`, `\ufffd`), so that the columns of
// the string's node and of everything after it on its line are kept; the
// values it gives are not the string's: values holds the value of each
// rewritten string as encoding/json decodes it (as kubectl does: a lone
// surrogate is U+FFFD), by the position of its opening quote, for
// setJSONStrings to give its node. A string that is not valid JSON (with
// an escape of YAML's, or a line break) is left as it is, for the YAML
// library to read or reject. It returns src and nil when there is no
// such string.
func jsonStrings(f *File, src []byte) (out []byte, values map[Position]string) {
	out = src
	if !bytes.Contains(src, []byte(`\/`)) && !bytes.Contains(src, []byte(`\ud`)) && !bytes.Contains(src, []byte(`\uD`)) ||
		!isJSONStream(src) {
		return out, nil
	}
	for start := 0; ; {
		i := bytes.IndexByte(src[start:], '"')
		if i < 0 {
			return out, values
		}
		start += i
		end := quotedEnd(src, start)
		if end < 0 {
			return out, values
		}
		s := src[start : end+1]
		var value string
		if yamlLacks(s) && json.Unmarshal(s, &value) == nil {
			if &out[0] == &src[0] {
				out = bytes.Clone(src)
			}
			rewriteEscapes(out[start : end+1])
			if values == nil {
				values = map[Position]string{}
			}
			values[f.Position(start)] = value
		}
		start = end + 1
	}
}

// yamlLacks reports whether s, a double-quoted string, holds an escape
// that YAML lacks.
func yamlLacks(s []byte) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '\\' {
			if s[i+1] == '/' || isSurrogateEscape(s[i:]) {
				return true
			}
			i++ // the escaped character
		}
	}
	return false
}

// rewriteEscapes replaces, in s, a double-quoted string, each escape of
// JSON that YAML lacks with one of YAML's of the same length.
func rewriteEscapes(s []byte) {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		switch {
		case s[i+1] == '/':
			s[i+1] = '\\'
		case isSurrogateEscape(s[i:]):
			copy(s[i+2:], "fffd")
		}
		i++ // the escaped character
	}
}

// isSurrogateEscape reports whether s starts with JSON's escape of a
// UTF-16 surrogate (\ud800 to \udfff), which YAML does not accept.
func isSurrogateEscape(s []byte) bool {
	return len(s) >= 6 && s[0] == '\\' && s[1] == 'u' && (s[2] == 'd' || s[2] == 'D') &&
		bytes.IndexByte([]byte("89abcdefABCDEF"), s[3]) >= 0 && isHex(s[4]) && isHex(s[5])
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// setJSONStrings gives each double-quoted scalar of n that values (see
// jsonStrings) holds, by the position of its opening quote, that value.
func setJSONStrings(n *yaml.Node, values map[Position]string) {
	if n.Kind == yaml.ScalarNode && n.Style&yaml.DoubleQuotedStyle != 0 {
		if v, ok := values[Position{Line: n.Line, Column: n.Column}]; ok {
			n.Value = v
		}
	}
	for _, c := range n.Content {
		setJSONStrings(c, values)
	}
}
