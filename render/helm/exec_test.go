package helm

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fakeHelper writes an executable script answering with reply.
func fakeHelper(t *testing.T, reply string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), HelperName)
	if err := os.WriteFile(p, []byte("#!/bin/sh\ncat >/dev/null\nprintf '%s' '"+reply+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExecHandshake(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	build := Build()
	proto := strconv.Itoa(Protocol)
	tests := []struct {
		name, reply, want string
	}{
		{"stale build", `{"protocol": ` + proto + `, "build": "v0.0.1 abc"}`, `is from another kvet build ("v0.0.1 abc", kvet is "` + build + `")`},
		{"other protocol", `{"protocol": 1, "build": "` + build + `"}`, "is from another kvet build"},
		{"not json", `oops`, "gave no answer kvet understands"},
		{"batch error", `{"protocol": ` + proto + `, "build": "` + build + `", "error": "bad request"}`, "kvet-helm: bad request"},
		{"wrong count", `{"protocol": ` + proto + `, "build": "` + build + `", "outputs": []}`, "answered 0 charts for 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Exec(fakeHelper(t, tt.reply))(context.Background(), []Request{{Dir: "x"}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	out, err := Exec(fakeHelper(t, `{"protocol": `+proto+`, "build": "`+build+`", "outputs": [{"templates": [{"name": "c/templates/a.yaml", "content": "x"}]}]}`))(context.Background(), []Request{{Dir: "x"}})
	if err != nil || len(out) != 1 || out[0].Templates[0].Name != "c/templates/a.yaml" {
		t.Errorf("good reply: %v, %+v", err, out)
	}
}

func TestFindHelper(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := FindHelper(); !errors.Is(err, ErrNoHelper) || !strings.Contains(err.Error(), "go install") {
		t.Errorf("FindHelper without kvet-helm: %v", err)
	}
	dir := filepath.Dir(fakeHelper(t, "{}"))
	t.Setenv("PATH", dir)
	if p, err := FindHelper(); err != nil || p != filepath.Join(dir, HelperName) {
		t.Errorf("FindHelper on PATH = %q, %v", p, err)
	}
}
