package config

import (
	"fmt"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/report"
)

// Template returns the commented default configuration that `kvet init`
// writes. Settings that are not defaults are commented out: uncommenting
// any indented line (the examples) gives a valid configuration. The rule
// examples come from catalog: every rule that is off by default and every
// parameter with its default.
func Template(catalog []*analyzer.Rule) []byte {
	var b strings.Builder
	b.WriteString(`# kvet configuration. kvet finds this file by walking up from the working
# directory to the repository root; 'kvet lint --config FILE' names another.
# Command-line flags override what is set here. Every setting is optional.

# Exit with status 1 when a finding at or above this severity remains:
# error, warning, info or none.
fail-on: warning

`)
	fmt.Fprintf(&b, "# Output format: %s.\nformat: text\n\n", strings.Join(report.Names(), ", "))
	fmt.Fprintf(&b, "# The Kubernetes release the manifests target: removed API versions are\n"+
		"# judged against it, and advice that needs a newer cluster says so.\n"+
		"# Default: %s, the newest release kvet knows.\n# kube-version: \"%s\"\n\n", analyzer.NewestKubeVersion, analyzer.NewestKubeVersion)
	b.WriteString(`# Paths never linted: globs relative to this file. "**" matches any number
# of directories; a glob without "/" matches at any depth ("*.json").
exclude:
  # - "charts/**"
  # - "vendor/**"

# Directories of Rego policies to load besides the built-in ones, relative
# to this file.
policies:
  # - policy/

# Time limit for evaluating all the Rego policies on one document.
# policy-timeout: 5s

# Require a reason on every suppression ("# kvet:ignore RULE -- reason").
require-reason: false

# Findings recorded by 'kvet lint --write-baseline FILE' are not reported
# again (path relative to this file).
# baseline: .kvet-baseline.json

# Render Kustomize overlays and Helm charts and lint the objects they
# produce, at the source lines (false: lint every file as it is, like
# --no-render).
render: true

# Files larger than this are not read: each gets one file-too-large finding
# and the others are linted (default 64MiB; a number of bytes or KiB, MiB, GiB).
# max-file-size: 64MiB

# Show at most this many findings of one rule in one file, then one finding
# saying how many more there are (default 1000; 0 shows them all).
# max-findings: 1000

# Helm charts (directories with a Chart.yaml) are rendered with their
# default values and linted at their template lines. Release name and
# namespace for every chart, and per chart (its directory relative to this
# file) values files and --set style values, applied in that order:
# helm:
#   release-name: release-name
#   namespace: default
#   charts:
#     charts/app:
#       values: [charts/app/values-prod.yaml]
#       set: ["image.tag=1.2.3"]

# Per-rule settings: enabled (true or false), severity (error, warning or
# info) and params. 'kvet rules' lists the rules, 'kvet explain RULE'
# documents one.
rules:
`)
	// Each rule appears once, so that uncommenting every example gives no
	// duplicate keys.
	var off, withParams []*analyzer.Rule
	var example *analyzer.Rule
	for _, r := range catalog {
		switch {
		case r.DisabledByDefault && r.ID != analyzer.IDSuppressionReasonMissing:
			off = append(off, r)
		case len(r.Params) > 0:
			withParams = append(withParams, r)
		case r.Source != "engine" && !r.DisabledByDefault && (example == nil || r.ID == "job-ttl-missing"):
			example = r
		}
	}
	if example != nil {
		fmt.Fprintf(&b, "# Turn a rule off, or change its severity:\n  # %s:\n  #   enabled: false\n  #   severity: info\n", example.ID)
	}
	if len(off) > 0 {
		b.WriteString("# Rules that are off by default:\n")
		for _, r := range off {
			fmt.Fprintf(&b, "  # %s:\n  #   enabled: true\n", r.ID)
			writeParams(&b, r)
		}
	}
	if len(withParams) > 0 {
		b.WriteString("# Parameters, with their defaults:\n")
		for _, r := range withParams {
			fmt.Fprintf(&b, "  # %s:\n", r.ID)
			writeParams(&b, r)
		}
	}
	return []byte(b.String())
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func writeParams(b *strings.Builder, r *analyzer.Rule) {
	if len(r.Params) == 0 {
		return
	}
	b.WriteString("  #   params:\n")
	for _, p := range r.Params {
		fmt.Fprintf(b, "  #     %s: %s  # %s\n", p.Name, FormatValue(p.Default), oneLine(p.Doc))
	}
}
