package config

import (
	"fmt"
	"path"
	"strings"
)

// Exclusion globs are slash-separated and relative to the configuration
// file's directory. "*", "?" and "[...]" match within one path element (as
// in path.Match), "**" matches any number of elements. A glob without a
// slash matches at any depth (like .gitignore: "*.json", "testdata"); a
// leading "/" (or "./") anchors it to the configuration file's directory. A glob that
// matches a directory excludes everything under it.

// globElems splits a glob into path elements, applying the rules above.
func globElems(g string) []string {
	g = strings.TrimSuffix(g, "/")
	for strings.HasPrefix(g, "./") {
		g = "/" + strings.TrimPrefix(g, "./") // relative to the file's directory, as a leading "/" says
	}
	switch {
	case strings.HasPrefix(g, "/"):
		g = strings.TrimPrefix(g, "/")
	case !strings.Contains(g, "/"):
		g = "**/" + g
	}
	return strings.Split(g, "/")
}

// checkGlob reports a malformed glob.
func checkGlob(g string) error {
	if strings.TrimSpace(g) == "" || g == "/" {
		return fmt.Errorf("empty glob")
	}
	for _, e := range globElems(g) {
		if e == "**" {
			continue
		}
		if strings.Contains(e, "**") {
			return fmt.Errorf("bad glob %q: ** must be a whole path element, as in charts/**/values.yaml", g)
		}
		if _, err := path.Match(e, ""); err != nil {
			return fmt.Errorf("bad glob %q: %w", g, err)
		}
	}
	return nil
}

// matchGlob reports whether rel (slash-separated) or one of its parent
// directories matches glob g.
func matchGlob(g, rel string) bool {
	pat := globElems(g)
	elems := strings.Split(rel, "/")
	for n := 1; n <= len(elems); n++ {
		if matchElems(pat, elems[:n]) {
			return true
		}
	}
	return false
}

func matchElems(pat, elems []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(elems); i++ {
				if matchElems(pat[1:], elems[i:]) {
					return true
				}
			}
			return false
		}
		if len(elems) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], elems[0]); !ok {
			return false
		}
		pat, elems = pat[1:], elems[1:]
	}
	return len(elems) == 0
}
