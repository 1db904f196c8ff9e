package analyzer_test

import (
	"fmt"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

const locateSrc = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  annotations: {"kvet.dev/idempotent": 'it''s'}
spec:
  schedule: "0 2 * * *"   # comment
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: app
            image: app:1
            resources:
              limits:
                cpu: 500m
          - name: sidecar
            args: [a, "b c", &ref d]
            command: |
              run
rules:
- verbs: ["get", "*"]
`

func TestLocate(t *testing.T) {
	f := &analyzer.File{Path: "l.yaml", Content: []byte(locateSrc)}
	docs, _ := analyzer.NewLoader(nil).Parse(f)
	if len(docs) != 1 {
		t.Fatalf("docs = %d", len(docs))
	}
	d := docs[0]
	containers := analyzer.NewPath("spec", "jobTemplate", "spec", "template", "spec", "containers")
	tests := []struct {
		name  string
		path  analyzer.Path
		atKey bool
		want  string
	}{
		{"quoted scalar value", analyzer.NewPath("spec", "schedule"), false, "7:13-7:24"},
		{"scalar key", analyzer.NewPath("spec", "schedule"), true, "7:3-7:11"},
		{"single-quoted with escape", analyzer.NewPath("metadata", "annotations", "kvet.dev/idempotent"), false, "5:40-5:47"},
		{"missing field -> nearest mapping key", analyzer.NewPath("spec", "startingDeadlineSeconds"), false, "6:1-6:5"},
		{"missing resources -> container item", containers.Index(1).Key("resources", "limits"), false, "18:13-18:26"},
		{"missing limit -> limits key", containers.Index(0).Key("resources", "limits", "memory"), false, "16:15-16:21"},
		{"present limit value", containers.Index(0).Key("resources", "limits", "cpu"), false, "17:22-17:26"},
		{"flow sequence element", containers.Index(1).Key("args").Index(1), false, "19:23-19:28"},
		{"block scalar", containers.Index(1).Key("command"), false, "20:22-20:23"},
		{"sequence element in flow list", analyzer.NewPath("rules", 0, "verbs", 1), false, "23:18-23:21"},
		{"rule entry", analyzer.NewPath("rules", 0), false, "23:3-23:22"},
		{"index out of range -> sequence key", analyzer.NewPath("rules", 5, "verbs"), false, "22:1-22:6"},
		{"empty path -> object start", nil, false, "1:1-1:21"},
		{"missing top-level -> object start", analyzer.NewPath("status", "x"), false, "1:1-1:21"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := d.Locate(tt.path, tt.atKey)
			got := fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Column, r.End.Line, r.End.Column)
			if got != tt.want {
				t.Errorf("Locate(%s) = %s, want %s", tt.path, got, tt.want)
			}
		})
	}
}
