package kustomize_test

import (
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/kustomize"
)

// TestNoNetwork renders kustomizations that name remote content in every
// form kustomize fetches (http(s) URLs read with net/http, git
// repositories cloned by running git) and checks that nothing is attempted:
// HTTP and HTTPS go through a proxy on the loopback interface that counts
// connections, and the only git on PATH is a script that leaves a mark.
// This test runs kustomize in-process without cmd/kvet's guard (which
// refuses every HTTP request): the render stage itself must not build them.
func TestNoNetwork(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var connections atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			connections.Add(1)
			c.Close()
		}
	}()
	proxy := "http://" + ln.Addr().String()
	for _, v := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		t.Setenv(v, proxy)
	}
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")

	bin := t.TempDir()
	mark := filepath.Join(bin, "git-ran")
	git := "#!/bin/sh\necho \"$@\" >> " + mark + "\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(git), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)

	abs, err := filepath.Abs("../../testdata/render/kustomize/remote.txtar")
	if err != nil {
		t.Fatal(err)
	}
	analyzertest.RunArchive(t, abs, defaultRules(t), analyzertest.WithRenderer(render.New(kustomize.New())))
	if n := connections.Load(); n != 0 {
		t.Errorf("%d connections to the proxy: kvet tried to fetch remote content", n)
	}
	if data, err := os.ReadFile(mark); err == nil {
		t.Errorf("git was run: %s", data)
	}
}
