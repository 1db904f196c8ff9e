// Package ruledoc renders the rule catalog as Markdown: docs/rules.md is
// its output (`kvet rules --format markdown`), and SARIF's helpUri points at
// each rule's section of that page.
package ruledoc

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/config"
)

// PageURL is where the generated page is published.
const PageURL = "https://github.com/kvet-dev/kvet/blob/main/docs/rules.md"

// Regenerate is the command that rewrites docs/rules.md.
const Regenerate = "go run ./cmd/kvet rules --format markdown > docs/rules.md"

// Anchor returns the fragment of a rule's section: GitHub derives it from
// the heading "`id`", which for a kebab-case ID is the ID itself.
func Anchor(id string) string { return id }

// URL returns the address of a rule's section of the published page.
func URL(id string) string { return PageURL + "#" + Anchor(id) }

// Markdown writes the documentation of rules, in their order: an index
// table, how to configure and suppress rules, and one section per rule
// with its severity, kinds, default, parameters, rationale, remediation and
// examples.
func Markdown(w io.Writer, rules []*analyzer.Rule) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	p("# kvet rules\n\n")
	p("<!-- Generated from the rule metadata by `kvet rules --format markdown`. Do not edit:\n")
	p("     change the rule and run `%s`. -->\n\n", Regenerate)
	off := 0
	for _, r := range rules {
		if r.DisabledByDefault {
			off++
		}
	}
	p("kvet has %d rules (%d off by default). Severities are defaults. ", len(rules), off)
	p("A `.kvet.yaml` file (`kvet init` writes one) turns rules on and off, overrides severities and sets ")
	p("parameters; `kvet explain RULE` prints a rule's section in the terminal.\n\n")

	p("| Rule | Severity | Kinds | Default | Summary |\n|---|---|---|---|---|\n")
	for _, r := range rules {
		p("| [`%s`](#%s) | %s | %s | %s | %s |\n", r.ID, Anchor(r.ID), r.Severity, cell(kinds(r)), onOff(r), cell(r.Title))
	}
	p("\n")
	writeSuppression(bw)
	for _, r := range rules {
		writeRule(bw, r)
	}
	return bw.Flush()
}

func writeSuppression(w io.Writer) {
	fmt.Fprint(w, `## Configuring and suppressing findings

Per-rule settings live in `+"`.kvet.yaml`"+`, found by walking up from the working
directory to the repository root:

`+"```yaml"+`
rules:
  job-ttl-missing:
    enabled: false
  cronjob-history-limits:
    severity: warning
    params: {successful: [3, 7], failed: [1, 3]}
`+"```"+`

To silence one finding rather than a rule, suppress it where it is:

| Form | Applies to |
|---|---|
| `+"`# kvet:ignore RULE[,RULE] [-- reason]`"+` after code on a line | findings reported on that line |
| `+"`# kvet:ignore RULE[,RULE] [-- reason]`"+` on a line of its own | findings on the next line that is not blank or a comment |
| `+"`# kvet:ignore-document RULE... [-- reason]`"+` anywhere in a YAML document | findings in that document (between `+"`---`"+` separators) |
| `+"`# kvet:ignore-file RULE... [-- reason]`"+` in the comments at the top of a file | findings in the whole file |
| annotation `+"`kvet.dev/ignore: \"RULE[,RULE] [-- reason]\"`"+` | findings on that object |

Comments exist only in YAML. **In JSON files only the `+"`kvet.dev/ignore`"+` annotation
works**; it is also the form that survives rendering (Helm, Kustomize),
which drops comments.

A suppression that suppresses nothing is reported by
[`+"`unused-suppression`"+`](#unused-suppression); `+"`kvet lint --require-reason`"+` turns on
[`+"`suppression-reason-missing`"+`](#suppression-reason-missing), which requires the `+"`-- reason`"+`.
Suppressed findings never fail a run; SARIF output keeps them with a
`+"`suppressions`"+` entry (`+"`inSource`"+`, or `+"`external`"+` for a baseline), other formats
show them only with `+"`--show-suppressed`"+`.

`)
}

// Rule writes the section of one rule as docs/rules.md has it: title,
// severity, kinds, default, rationale, remediation, parameters and
// examples. The language server shows it on hover.
func Rule(w io.Writer, r *analyzer.Rule) { writeRule(w, r) }

func writeRule(w io.Writer, r *analyzer.Rule) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("## `%s`\n\n", r.ID)
	p("%s.\n\n", sentence(r.Title))
	p("| Severity | Kinds | Default | Implemented in |\n|---|---|---|---|\n")
	p("| %s | %s | %s | %s |\n\n", r.Severity, cell(kinds(r)), onOff(r), source(r))
	p("**Why it matters.** %s\n\n", strings.TrimSpace(r.Rationale))
	p("**What to do.** %s\n\n", strings.TrimSpace(r.Remediation))
	if len(r.Params) > 0 {
		p("**Parameters** (set under `rules.%s.params` in `.kvet.yaml`):\n\n", r.ID)
		p("| Name | Type | Default | Meaning |\n|---|---|---|---|\n")
		for _, prm := range r.Params {
			p("| `%s` | %s | `%s` | %s |\n", prm.Name, config.ParamType(prm), config.FormatValue(prm.Default), cell(prm.Doc))
		}
		p("\n")
	}
	if doc := strings.TrimSpace(r.Doc); doc != "" {
		p("**Examples.**\n\n%s\n", fenceCode(r.Doc))
	}
}

// fenceCode turns the indented (4 spaces) blocks of a rule's Doc text into
// fenced YAML code blocks, and keeps the other lines as they are.
func fenceCode(doc string) string {
	lines := strings.Split(strings.TrimRight(doc, "\n"), "\n")
	var b strings.Builder
	for i := 0; i < len(lines); {
		if !strings.HasPrefix(lines[i], "    ") {
			line := strings.TrimRight(lines[i], " ")
			if line != "" || !strings.HasSuffix(b.String(), "\n\n") {
				b.WriteString(line + "\n")
			}
			i++
			continue
		}
		// A code block runs until a line that is neither indented nor
		// blank; trailing blank lines stay outside it.
		end := i
		for j := i; j < len(lines) && (strings.HasPrefix(lines[j], "    ") || strings.TrimSpace(lines[j]) == ""); j++ {
			if strings.TrimSpace(lines[j]) != "" {
				end = j + 1
			}
		}
		b.WriteString("```yaml\n")
		for _, l := range lines[i:end] {
			b.WriteString(strings.TrimRight(strings.TrimPrefix(l, "    "), " ") + "\n")
		}
		b.WriteString("```\n")
		i = end
	}
	return b.String()
}

func kinds(r *analyzer.Rule) string {
	if len(r.Kinds) == 0 {
		return "all"
	}
	return strings.Join(r.Kinds, ", ")
}

func onOff(r *analyzer.Rule) string {
	if r.DisabledByDefault {
		return "off"
	}
	return "on"
}

func source(r *analyzer.Rule) string {
	switch r.Source {
	case "go":
		return "Go"
	case "rego":
		return "Rego"
	case "engine":
		return "engine"
	}
	return r.Source
}

// sentence capitalizes a title that starts with a plain lower-case word
// (not with an identifier such as kvet:ignore or resources.limits).
func sentence(s string) string {
	s = strings.TrimSpace(s)
	word, _, _ := strings.Cut(s, " ")
	if word == "" || strings.ContainsFunc(word, func(r rune) bool { return r < 'a' || r > 'z' }) {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
}
