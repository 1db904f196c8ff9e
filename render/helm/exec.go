package helm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// HelperName is the command that renders charts (cmd/kvet-helm).
const HelperName = "kvet-helm"

// InstallHint tells how to install the helper.
const InstallHint = "go install github.com/kvet-dev/kvet/cmd/...@latest (or go install ./cmd/... in a checkout) installs kvet and kvet-helm together"

// Protocol is the version of the exchange between kvet and kvet-helm: a
// Batch on the helper's standard input, a Reply on its standard output.
// Version 2 added Request.Overlay; 3, Request.Timeout, MaxMemory and
// MaxTemplateSize; 4, Request.SetOnly.
const Protocol = 4

// Batch is what kvet sends to kvet-helm.
type Batch struct {
	Protocol int       `json:"protocol"`
	Build    string    `json:"build"`
	Requests []Request `json:"requests"`
}

// Reply is what kvet-helm answers: one Output per request, in order, or an
// Error for the whole batch.
type Reply struct {
	Protocol int      `json:"protocol"`
	Build    string   `json:"build"`
	Outputs  []Output `json:"outputs,omitempty"`
	Error    string   `json:"error,omitempty"`
}

// Build identifies the build of the running binary: the main module's
// version and VCS revision. kvet and kvet-helm built from the same
// source have the same; a stale helper does not.
func Build() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	id := info.Main.Version
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision":
			id += " " + s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			id += "+modified"
		}
	}
	return id
}

// ErrNoHelper is returned by FindHelper when kvet-helm is neither next to
// the running executable nor on PATH.
var ErrNoHelper = errors.New(HelperName + " not found")

// FindHelper returns the path of kvet-helm: next to the running
// executable (symlinks resolved) first, then on PATH.
func FindHelper() (string, error) {
	name := HelperName
	if filepath.Ext(os.Args[0]) == ".exe" {
		name += ".exe"
	}
	var dir string
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		dir = filepath.Dir(exe)
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	if dir != "" {
		return "", fmt.Errorf("%w next to kvet (in %s) nor on PATH; %s", ErrNoHelper, dir, InstallHint)
	}
	return "", fmt.Errorf("%w on PATH; %s", ErrNoHelper, InstallHint)
}

// RenderFunc renders a batch of charts, one Output per request; an error
// means that none could be rendered.
type RenderFunc func(ctx context.Context, reqs []Request) ([]Output, error)

// Exec returns a RenderFunc that runs the kvet-helm at path.
func Exec(path string) RenderFunc {
	return func(ctx context.Context, reqs []Request) ([]Output, error) {
		in, err := json.Marshal(Batch{Protocol: Protocol, Build: Build(), Requests: reqs})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", HelperName, err)
		}
		cmd := exec.CommandContext(ctx, path, "render")
		cmd.Stdin = bytes.NewReader(in)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		runErr := cmd.Run()
		var reply Reply
		if err := json.Unmarshal(stdout.Bytes(), &reply); err != nil {
			msg := strings.TrimSpace(stderr.String())
			if runErr != nil {
				msg = strings.TrimSpace(runErr.Error() + ": " + msg)
			}
			return nil, fmt.Errorf("%s (%s) gave no answer kvet understands (%s); reinstall both: %s", HelperName, path, msg, InstallHint)
		}
		if reply.Protocol != Protocol || reply.Build != Build() {
			return nil, fmt.Errorf("%s (%s) is from another kvet build (%q, kvet is %q); reinstall both: %s", HelperName, path, reply.Build, Build(), InstallHint)
		}
		if reply.Error != "" {
			return nil, fmt.Errorf("%s: %s", HelperName, reply.Error)
		}
		if len(reply.Outputs) != len(reqs) {
			return nil, fmt.Errorf("%s (%s) answered %d charts for %d", HelperName, path, len(reply.Outputs), len(reqs))
		}
		return reply.Outputs, nil
	}
}
