// Package jsonstream writes an indented JSON document whose one large array
// is encoded an element at a time, exactly as encoding/json's Encoder
// writes the whole document with two-space indentation. The Encoder builds
// the whole text in memory and then an indented copy of it: for a report
// of 40,000 findings (SARIF: 124 MB), two blocks of that size, allocated
// when a run's heap is at its largest, and a third and fourth while the
// buffer grows. It indents without the Encoder (see appendIndent), which
// costs a quarter of what the Encoder's indentation does.
package jsonstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Options are the Encoder settings of a document.
type Options struct {
	// EscapeHTML is the Encoder's SetEscapeHTML (true by default there).
	EscapeHTML bool
}

// Write writes doc to w as json.NewEncoder(w) with SetIndent("", "  ")
// and opts would, with the array named key filled with n elements, elem(i)
// for i in [0, n), called once for each i, in increasing order, each
// value encoded before the next call (so elem may build each element as it
// goes, and keep state from one to the next). In doc, that array must be
// empty (encoded as [], not
// null) and be the last member named key whose value is an empty array; a
// key of "" names doc itself, which must then be an empty slice.
func Write(w io.Writer, doc any, key string, n int, elem func(i int) any, opts Options) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(opts.EscapeHTML)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	text := string(appendIndent(nil, buf.Bytes(), "", "  "))
	marker := "[]"
	if key != "" {
		k, err := json.Marshal(key)
		if err != nil {
			return err
		}
		marker = string(k) + ": []"
	}
	at := strings.LastIndex(text, marker)
	if at < 0 || key == "" && at != 0 {
		return fmt.Errorf("jsonstream: no empty array %q in the document", key)
	}
	if n == 0 {
		_, err := io.WriteString(w, text)
		return err
	}
	// The array's depth is the indentation of its line.
	line := text[strings.LastIndexByte(text[:at], '\n')+1 : at]
	depth := len(line) - len(strings.TrimLeft(line, " "))
	open := at + len(marker) - 1 // before the "]"
	if _, err := io.WriteString(w, text[:open]); err != nil {
		return err
	}
	prefix := strings.Repeat(" ", depth+2)
	var out []byte
	for i := range n {
		buf.Reset()
		if err := enc.Encode(elem(i)); err != nil {
			return err
		}
		out = out[:0]
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, '\n')
		out = append(out, prefix...)
		compact := buf.Bytes()
		out = appendIndent(out, compact[:len(compact)-1], prefix, "  ") // without the encoder's newline
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n"+strings.Repeat(" ", depth)+text[open:])
	return err
}
