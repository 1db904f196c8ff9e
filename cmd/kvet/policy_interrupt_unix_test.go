//go:build unix

package main

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestInterruptPolicyEvaluation: Ctrl-C while a Rego policy is being
// evaluated (policies that run for minutes, under a time limit of a minute)
// stops kvet within a second of the signal, with exit code 130 and no
// report.
func TestInterruptPolicyEvaluation(t *testing.T) {
	slow, err := filepath.Abs(filepath.Join("..", "..", "policies", "testdata", "slow"))
	if err != nil {
		t.Fatal(err)
	}
	cmd, stdout, stderr := startKvet(t, t.TempDir(), "lint", "--no-builtin-policies", "--policy-timeout", "1m",
		"--policy", filepath.Join(slow, "policy"), filepath.Join(slow, "configmap.yaml"))
	// Let kvet start and reach the evaluation (interrupt waits 500 ms more).
	time.Sleep(time.Second)
	start := time.Now()
	code := interrupt(t, cmd, syscall.SIGINT)
	if after := time.Since(start) - 500*time.Millisecond; after > time.Second {
		t.Errorf("kvet stopped %s after SIGINT, want within a second", after.Round(time.Millisecond))
	}
	if code != 130 || stdout.String() != "" || stderr.String() != "kvet: interrupted: no report written\n" {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 130, no report and the interruption said", code, stdout, stderr)
	}
}
