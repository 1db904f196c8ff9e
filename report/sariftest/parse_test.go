package sariftest

import (
	"os"
	"slices"
	"testing"
)

// TestParseValidation reads a validator log shaped like the multitool's:
// errors and warnings (a result without a level is a warning) are
// problems with their message templates filled in; notes are not.
func TestParseValidation(t *testing.T) {
	data, err := os.ReadFile("testdata/validation.sarif")
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseValidation(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"error JSON1008: runs[0].results[0].locations[0].physicalLocation.region.startLine: 0 is less than the minimum permitted value of 1. (1:15020)",
		"warning SARIF2005: runs[0].tool.driver: The tool 'kvet' does not provide 'informationUri'. (1:111)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("parseValidation =\n%q\nwant\n%q", got, want)
	}

	if _, err := parseValidation([]byte(`{"runs": []}`)); err == nil {
		t.Error("a log without runs was accepted")
	}
	got, err = parseValidation([]byte(`{"runs": [{"invocations": [{"executionSuccessful": false, "toolExecutionNotifications": [{"level": "error", "message": {"text": "boom"}}]}]}]}`))
	if err != nil || !slices.Equal(got, []string{"validator: boom", "validator: execution not successful"}) {
		t.Errorf("failed execution: %q, %v", got, err)
	}
}
