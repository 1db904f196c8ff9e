package sariftest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// EnvMultitool names the environment variable that holds the path of the
// SARIF multitool executable (Sarif.Multitool from the npm package
// @microsoft/sarif-multitool). scripts/test.sh installs it and sets it.
const EnvMultitool = "KVET_SARIF_MULTITOOL"

// Multitool returns the multitool's path from the environment, or skips
// the test with a message saying how to get it.
func Multitool(t testing.TB) string {
	t.Helper()
	tool := os.Getenv(EnvMultitool)
	if tool == "" {
		t.Skipf("%s is not set: SARIF schema validation skipped (run `bash scripts/test.sh`, which installs @microsoft/sarif-multitool)", EnvMultitool)
	}
	return tool
}

// ValidateBytes writes data to a temporary file and validates it (see
// Validate), failing the test on every problem the validator reports.
func ValidateBytes(t testing.TB, data []byte) {
	t.Helper()
	tool := Multitool(t)
	path := filepath.Join(t.TempDir(), "kvet.sarif")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	problems, err := Validate(t.Context(), tool, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("sarif-multitool validate: %s", p)
	}
}

// Validate runs `Sarif.Multitool validate` on the SARIF file at path and
// returns each error and warning it reports (JSON schema violations and
// the SARIF spec's rules), formatted as "RULE: message (line:col)". The
// multitool exits 0 even when it finds errors, so Validate reads the log
// the validator writes, not its exit code. err is set when the validator
// could not run or its log cannot be read.
func Validate(ctx context.Context, tool, path string) ([]string, error) {
	out := path + ".validation.sarif"
	cmd := exec.CommandContext(ctx, tool, "validate", path,
		"--output", out, "--log", "ForceOverwrite", "--level", "Error;Warning",
		// The default (10,000 KB) skips a large report, and says only that
		// there was nothing to validate: a corpus report is bigger.
		"--max-file-size-in-kb", "1048576")
	// The multitool is a .NET program: do not depend on ICU being installed.
	cmd.Env = append(os.Environ(), "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1", "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	console, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("running %s validate %s: %w\n%s", tool, path, err, console)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("reading the validator's log: %w\n%s", err, console)
	}
	problems, err := parseValidation(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w\n%s", out, err, console)
	}
	return problems, nil
}

type validatorRule struct {
	ID             string `json:"id"`
	MessageStrings map[string]struct {
		Text string `json:"text"`
	} `json:"messageStrings"`
}

type validationLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []validatorRule `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
			ToolConfigurationNotifications []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolConfigurationNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text      string   `json:"text"`
				ID        string   `json:"id"`
				Arguments []string `json:"arguments"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					Region struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

var placeholder = regexp.MustCompile(`\{(\d+)\}`)

// parseValidation extracts the errors and warnings from the validator's
// own SARIF log. A result without a level is a warning (SARIF's default).
func parseValidation(data []byte) ([]string, error) {
	var log validationLog
	if err := json.Unmarshal(data, &log); err != nil {
		return nil, fmt.Errorf("parsing the validator's log: %w", err)
	}
	if len(log.Runs) == 0 {
		return nil, errors.New("the validator's log has no run")
	}
	var problems []string
	for _, run := range log.Runs {
		for _, inv := range run.Invocations {
			if !inv.ExecutionSuccessful {
				problems = append(problems, "validator: execution not successful")
			}
			for _, n := range append(inv.ToolExecutionNotifications, inv.ToolConfigurationNotifications...) {
				if n.Level == "" || n.Level == "error" || n.Level == "warning" {
					problems = append(problems, "validator: "+n.Message.Text)
				}
			}
		}
		for _, res := range run.Results {
			if res.Level != "" && res.Level != "error" && res.Level != "warning" {
				continue
			}
			msg := res.Message.Text
			if msg == "" {
				msg = messageString(run.Tool.Driver.Rules, res.RuleID, res.RuleIndex, res.Message.ID)
				msg = placeholder.ReplaceAllStringFunc(msg, func(m string) string {
					i, _ := strconv.Atoi(m[1 : len(m)-1])
					if i < len(res.Message.Arguments) {
						return res.Message.Arguments[i]
					}
					return m
				})
				if msg == "" {
					msg = res.Message.ID + " " + strings.Join(res.Message.Arguments, " | ")
				}
			}
			where := ""
			if len(res.Locations) > 0 {
				rg := res.Locations[0].PhysicalLocation.Region
				where = fmt.Sprintf(" (%d:%d)", rg.StartLine, rg.StartColumn)
			}
			level := res.Level
			if level == "" {
				level = "warning"
			}
			problems = append(problems, fmt.Sprintf("%s %s: %s%s", level, res.RuleID, msg, where))
		}
	}
	sort.Strings(problems)
	return problems, nil
}

// messageString finds the validator rule's message template.
func messageString(rules []validatorRule, id string, index *int, msgID string) string {
	for i, r := range rules {
		if (index != nil && *index == i) || (index == nil && r.ID == id) {
			return r.MessageStrings[msgID].Text
		}
	}
	return ""
}
