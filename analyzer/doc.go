// Package analyzer is kvet's engine: it loads Kubernetes manifests into
// documents that keep their YAML node trees (so every field has a line and
// column), decodes known kinds strictly into k8s.io/api types, runs rules over
// the documents and resolves the field paths they report into exact ranges.
package analyzer
