// Package analyzertest checks rules against fixture manifests that state
// their expectations in `# want` comments, like go/analysis/analysistest.
//
// Grammar, in a YAML comment: `# want [+N] <rule-id>[:"regexp"] ...`. Each
// expectation must be matched by exactly one diagnostic of that rule on
// that line (N lines further down with +N) whose message matches the
// regexp; every diagnostic must be expected. A fixture without `want`
// comments must come out clean. JSON has no comments: the expectations of
// x.json live in x.json.want, one `LINE <rule-id>[:"regexp"] ...` per line
// (`LINE related <rule-id>...` for related locations).
//
// Related locations (the hops of a cross-document finding) are expected
// with `# related [+N] <rule-id>[:"regexp"] ...`, on the line of the
// related location, the regexp matching its message; it may follow a want
// on the same line. Once a run's fixtures have one `related` comment,
// every related location of its diagnostics must be expected that way,
// each expectation matching exactly one.
//
// Multi-file scenarios are txtar archives (RunArchive): one scenario per
// archive, its files carrying the same comments.
package analyzertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

type expectation struct {
	file    string
	line    int
	rule    string
	re      *regexp.Regexp
	matched bool
	// related expects a related location of a diagnostic of rule.
	related bool
}

// Run lints the fixture files or directories with rules (plus the engine
// rules, so syntax and schema problems are always reported) and checks the
// expectations. It returns the diagnostics for further checks. Files under
// a directory named kube-1.NN are linted for Kubernetes 1.NN
// (Options.KubeVersion); the others for the newest release kvet knows.
func Run(t testing.TB, rules []*analyzer.Rule, paths ...string) []analyzer.Diagnostic {
	t.Helper()
	set := analyzer.NewLoader(nil).Load(context.Background(), paths)
	for _, err := range set.Errors {
		t.Errorf("loading: %v", err)
	}
	all := append(analyzer.EngineRules(), rules...)
	var diags []analyzer.Diagnostic
	for target, sub := range byTarget(t, set) {
		res := analyzer.Run(context.Background(), sub, all, analyzer.Options{KubeVersion: target})
		for _, err := range res.Errors {
			t.Errorf("run: %v", err)
		}
		diags = append(diags, res.Diagnostics...)
	}
	analyzer.Sort(diags)
	var exps []*expectation
	for _, f := range set.Files {
		e, err := parseExpectations(f)
		if err != nil {
			t.Fatal(err)
		}
		exps = append(exps, e...)
	}
	check(t, diags, exps)
	return diags
}

// kubeDir is a fixture directory named for the Kubernetes release its
// files target.
var kubeDir = regexp.MustCompile(`(?:^|/)kube-(1\.\d+)/`)

// byTarget splits a loaded set by the release its files target (the zero
// KubeVersion for files outside kube-1.NN directories).
func byTarget(t testing.TB, set *analyzer.Set) map[analyzer.KubeVersion]*analyzer.Set {
	t.Helper()
	targetOf := map[string]analyzer.KubeVersion{}
	out := map[analyzer.KubeVersion]*analyzer.Set{}
	for _, f := range set.Files {
		var v analyzer.KubeVersion
		if m := kubeDir.FindAllStringSubmatch(filepath.ToSlash(f.Path), -1); m != nil {
			var err error
			if v, err = analyzer.ParseKubeVersion(m[len(m)-1][1]); err != nil {
				t.Fatalf("%s: %v", f.Path, err)
			}
		}
		targetOf[f.Path] = v
		if out[v] == nil {
			out[v] = &analyzer.Set{}
		}
		out[v].Files = append(out[v].Files, f)
	}
	for _, d := range set.Docs {
		sub := out[targetOf[d.File.Path]]
		sub.Docs = append(sub.Docs, d)
	}
	for _, d := range set.Diagnostics {
		sub := out[targetOf[d.File]]
		sub.Diagnostics = append(sub.Diagnostics, d)
	}
	return out
}

// RunWithFixes is Run followed by a check of the suggested fixes: for every
// fixture file x that has fixes or a sibling x.golden, applying all the
// fixes with analyzer.ApplyFixes (as kvet fix does) must give exactly the
// content of x.golden (which keeps the `# want` comments of x). A file with
// fixes but no golden file fails, and so does a fix left out because it
// overlaps another.
func RunWithFixes(t testing.TB, rules []*analyzer.Rule, paths ...string) []analyzer.Diagnostic {
	t.Helper()
	diags := Run(t, rules, paths...)
	fixes := map[string][]*analyzer.SuggestedFix{}
	var fixed []analyzer.Diagnostic
	for _, d := range diags {
		if d.Fix != nil {
			fixes[d.File] = append(fixes[d.File], d.Fix)
			fixed = append(fixed, d)
		}
	}
	names, errs := analyzer.Discover(paths)
	for _, err := range errs {
		t.Errorf("loading: %v", err)
	}
	for _, name := range names {
		golden, err := os.ReadFile(name + ".golden")
		if os.IsNotExist(err) {
			if len(fixes[name]) > 0 {
				t.Errorf("%s: suggested fixes but no %s.golden", name, name)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		got, applied := analyzer.ApplyFixes(src, fixes[name])
		k := 0
		for _, d := range fixed {
			if d.File != name {
				continue
			}
			if !applied[k] {
				t.Errorf("%s:%d:%d: the fix of %s (%s) overlaps an earlier fix and was not applied", d.File, d.Range.Start.Line, d.Range.Start.Column, d.RuleID, d.Fix.Message)
			}
			k++
		}
		if string(got) != string(golden) {
			t.Errorf("%s: content after fixes differs from %s.golden:\n%s", name, name, LineDiff(string(golden), string(got)))
		}
	}
	return diags
}

// LineDiff describes the first line at which got differs from want, for
// test failures that compare whole files.
func LineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, wl, gl)
		}
	}
	return "(line endings differ)"
}

// check matches diagnostics against expectations.
func check(t testing.TB, diags []analyzer.Diagnostic, exps []*expectation) {
	t.Helper()
	for _, d := range diags {
		ok := false
		for _, e := range exps {
			if !e.related && !e.matched && e.file == d.File && e.line == d.Range.Start.Line && e.rule == d.RuleID &&
				(e.re == nil || e.re.MatchString(d.Message)) {
				e.matched, ok = true, true
				break
			}
		}
		if !ok {
			t.Errorf("%s:%d:%d: unexpected diagnostic: %s (%s)", d.File, d.Range.Start.Line, d.Range.Start.Column, d.Message, d.RuleID)
		}
	}
	checkRelated(t, diags, exps)
	for _, e := range exps {
		if !e.matched {
			re := ""
			if e.re != nil {
				re = fmt.Sprintf(" matching %q", e.re)
			}
			what := "diagnostic"
			if e.related {
				what = "related location of"
			}
			t.Errorf("%s:%d: expected %s %s%s was not reported", e.file, e.line, what, e.rule, re)
		}
	}
}

// checkRelated matches the related locations of diagnostics against the
// related expectations, when there are any.
func checkRelated(t testing.TB, diags []analyzer.Diagnostic, exps []*expectation) {
	t.Helper()
	if !slices.ContainsFunc(exps, func(e *expectation) bool { return e.related }) {
		return
	}
	for _, d := range diags {
		for _, rel := range d.Related {
			ok := false
			for _, e := range exps {
				if e.related && !e.matched && e.file == rel.File && e.line == rel.Range.Start.Line && e.rule == d.RuleID &&
					(e.re == nil || e.re.MatchString(rel.Message)) {
					e.matched, ok = true, true
					break
				}
			}
			if !ok {
				t.Errorf("%s:%d:%d: unexpected related location of %s:%d (%s): %s", rel.File, rel.Range.Start.Line, rel.Range.Start.Column,
					d.File, d.Range.Start.Line, d.RuleID, rel.Message)
			}
		}
	}
}

// directive finds the first want or related comment of a line.
var directive = regexp.MustCompile(`#\s*(want|related)\s+(.*)$`)

func parseExpectations(f *analyzer.File) ([]*expectation, error) {
	var exps []*expectation
	if strings.EqualFold(filepath.Ext(f.Path), ".json") {
		data, err := os.ReadFile(f.Path + ".want")
		if os.IsNotExist(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			num, rest, _ := strings.Cut(line, " ")
			n, err := strconv.Atoi(num)
			if err != nil {
				return nil, fmt.Errorf("%s.want:%d: want lines of the form LINE rule-id", f.Path, i+1)
			}
			related := false
			if r, ok := strings.CutPrefix(rest, "related "); ok {
				related, rest = true, r
			}
			e, err := parseWants(f.Path, n, rest)
			if err != nil {
				return nil, fmt.Errorf("%s.want:%d: %w", f.Path, i+1, err)
			}
			for _, x := range e {
				x.related = related
			}
			exps = append(exps, e...)
		}
		return exps, nil
	}
	for n := 1; n <= f.LineCount(); n++ {
		text := string(f.Line(n))
		for {
			m := directive.FindStringSubmatch(text)
			if m == nil {
				break
			}
			e, rest, err := parseList(f.Path, n, m[2])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", f.Path, n, err)
			}
			for _, x := range e {
				x.related = m[1] == "related"
			}
			exps = append(exps, e...)
			text = rest
		}
	}
	return exps, nil
}

// parseWants parses `[+N] id[:"re"] ...` for line.
func parseWants(file string, line int, s string) ([]*expectation, error) {
	exps, rest, err := parseList(file, line, s)
	if err == nil && rest != "" {
		err = fmt.Errorf("unexpected %q", rest)
	}
	return exps, err
}

// parseList parses `[+N] id[:"re"] ...` for line up to the end or to an
// unquoted "#" (another comment), which it returns with the rest.
func parseList(file string, line int, s string) ([]*expectation, string, error) {
	var exps []*expectation
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "+") {
		num, rest, _ := strings.Cut(s[1:], " ")
		n, err := strconv.Atoi(num)
		if err != nil {
			return nil, "", fmt.Errorf("bad line offset %q", num)
		}
		line += n
		s = strings.TrimSpace(rest)
	}
	for s != "" {
		if strings.HasPrefix(s, "#") {
			return exps, s, nil
		}
		end := strings.IndexAny(s, ": ")
		if end < 0 {
			end = len(s)
		}
		e := &expectation{file: file, line: line, rule: s[:end]}
		s = s[end:]
		if strings.HasPrefix(s, ":") {
			q, err := strconv.QuotedPrefix(s[1:])
			if err != nil {
				return nil, "", fmt.Errorf("bad regexp for %s: %w", e.rule, err)
			}
			uq, _ := strconv.Unquote(q)
			if e.re, err = regexp.Compile(uq); err != nil {
				return nil, "", err
			}
			s = s[1+len(q):]
		}
		if e.rule == "" {
			return nil, "", fmt.Errorf("empty rule ID")
		}
		exps = append(exps, e)
		s = strings.TrimSpace(s)
	}
	return exps, "", nil
}

// RunEach runs each rule alone, as a subtest, on its own fixture directory
// dir/<rule-id> (which must exist), checking the `# want` expectations and
// the suggested fixes as RunWithFixes does.
func RunEach(t *testing.T, dir string, rules ...*analyzer.Rule) {
	t.Helper()
	for _, r := range rules {
		t.Run(r.ID, func(t *testing.T) {
			fixtures := filepath.Join(dir, r.ID)
			if _, err := os.Stat(fixtures); err != nil {
				t.Fatalf("rule %s has no fixtures: %v", r.ID, err)
			}
			RunWithFixes(t, []*analyzer.Rule{r}, fixtures)
		})
	}
}
