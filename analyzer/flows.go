package analyzer

// openFlows scans data, the start of a YAML document, for the flow
// collections ([...], {...}: all of a JSON document) still open at its end,
// and returns the closers that end them, innermost first, and the offset
// of the innermost one's opening bracket (-1 when none is open). ok is
// false when data closes a collection with the wrong bracket, or ends
// inside a quoted scalar: no closers can complete it.
//
// It reads brackets, quotes and comments only: a bracket or quote opens a
// flow collection or a quoted scalar where a value may start (at the start
// of a line, after ':', '-' or '?' and a blank, or anywhere inside a
// flow collection); elsewhere, as in a plain scalar (`a: b[0]`), it is
// text. Block scalars are not told apart: a bracket at the start of one of
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
		valueStart := len(stack) > 0 || prev == '\n' || blank && (prev == ':' || prev == '-' || prev == '?')
		switch {
		case (c == '"' || c == '\'') && valueStart:
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
