package analyzer

import "bytes"

// openFlows scans data, the start of a YAML document, for the flow
// collections ([...], {...}: all of a JSON document) still open at its end,
// and returns the closers that end them, innermost first, and the offset
// of the innermost one's opening bracket (-1 when none is open). ok is
// false when data closes a collection with the wrong bracket, or ends
// inside a quoted scalar: no closers can complete it.
//
// It reads brackets, quotes and comments only: a bracket opens a flow
// collection where a value may start (at the start of a line, after ':',
// '-' or '?' and a blank, or anywhere inside a flow collection), and a
// quote a quoted scalar where a scalar may start (there, but inside a
// collection only after '[', '{', ',' or ':'); elsewhere, as in a plain
// scalar (`a: b[0]`, `[it's]`), they are text. Block scalars are not told apart: a bracket at the start of one of
// their lines is counted, which at worst gives closers that do not help.
func openFlows(data []byte) (closers []byte, opener int, ok bool) {
	var stack []int    // offsets of the open brackets
	prev := byte('\n') // the last character that is not a blank, '\n' at a line start
	blank := false     // a blank follows prev
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\n':
			prev = '\n'
			continue
		case c == ' ' || c == '\t' || c == '\r':
			blank = true
			continue
		case c == '#' && (i == 0 || data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n'):
			for i < len(data) && data[i] != '\n' {
				i++
			}
			prev = '\n'
			continue
		}
		inFlow := len(stack) > 0
		// A quote starts a scalar at the start of a line, after a flow
		// indicator inside a collection (`[`, `{`, `,`, `:`), or after a
		// block indicator and a blank; elsewhere it is text (`it's`).
		quoteStart := prev == '\n' || inFlow && (prev == '[' || prev == '{' || prev == ',' || prev == ':') ||
			blank && (prev == ':' || prev == '-' || prev == '?')
		valueStart := inFlow || prev == '\n' || blank && (prev == ':' || prev == '-' || prev == '?')
		switch {
		case (c == '"' || c == '\'') && quoteStart:
			end := quotedEnd(data, i)
			if end < 0 {
				return nil, -1, false
			}
			i = end
		case (c == '[' || c == '{') && valueStart:
			stack = append(stack, i)
		case (c == ']' || c == '}') && len(stack) > 0:
			open := data[stack[len(stack)-1]]
			if open == '[' && c != ']' || open == '{' && c != '}' {
				return nil, -1, false
			}
			stack = stack[:len(stack)-1]
		}
		prev, blank = c, false
	}
	if len(stack) == 0 {
		return nil, -1, true
	}
	for j := len(stack) - 1; j >= 0; j-- {
		if data[stack[j]] == '[' {
			closers = append(closers, ']')
		} else {
			closers = append(closers, '}')
		}
	}
	return closers, stack[len(stack)-1], true
}

// quotedEnd returns the offset of the quote that ends the quoted scalar
// starting at data[i] (a double quote with backslash escapes, or a single
// quote with two for one inside), or -1 when data ends first.
func quotedEnd(data []byte, i int) int {
	q := data[i]
	for j := i + 1; j < len(data); j++ {
		switch {
		case q == '"' && data[j] == '\\':
			j++
		case data[j] == q && q == '\'' && j+1 < len(data) && data[j+1] == '\'':
			j++
		case data[j] == q:
			return j
		}
	}
	return -1
}

// firstContent returns the offset of the first character of data that is
// not a blank, a comment or a "---" line: where a document's root starts.
func firstContent(data []byte) int {
	for i := 0; i < len(data); {
		end := bytes.IndexByte(data[i:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += i
		}
		line := data[i:end]
		trimmed := bytes.TrimLeft(line, " \t\r")
		if len(trimmed) > 0 && trimmed[0] != '#' && !isDocSeparator(line) {
			return end - len(trimmed)
		}
		i = end + 1
	}
	return len(data)
}
