package cli_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/internal/cli"
)

// kvet --version prints what kvet version does, without the check of the
// Helm renderer (which runs kvet-helm).
func TestVersionFlag(t *testing.T) {
	_, version, _ := kvet(t, "version")
	version, _, _ = strings.Cut(version, "Helm renderer: ")
	for _, arg := range []string{"--version", "-v"} {
		code, stdout, stderr := kvet(t, arg)
		if code != 0 || stdout != version || stderr != "" {
			t.Errorf("kvet %s: exit %d, %q %q; want %q", arg, code, stdout, stderr, version)
		}
	}
}

// kvet completion writes each shell's completion script.
func TestCompletion(t *testing.T) {
	for shell, head := range map[string]string{
		"bash": "# bash completion V2 for kvet",
		"zsh":  "#compdef kvet",
		"fish": "# fish completion for kvet",
	} {
		code, stdout, stderr := kvet(t, "completion", shell)
		if code != 0 || !strings.HasPrefix(stdout, head) || stderr != "" {
			t.Errorf("kvet completion %s: exit %d, stderr %q, script starts %q", shell, code, stderr, stdout[:min(len(stdout), 60)])
		}
	}
	// The flags a shell completes are kvet's.
	_, stdout, _ := kvet(t, "__complete", "lint", "--f")
	if !strings.Contains(stdout, "--format\t") || !strings.Contains(stdout, "--fail-on\t") {
		t.Errorf("completing --f:\n%s", stdout)
	}
}

// Help lists boolean flags as --quiet, without pflag's [=true|false], with
// every description starting at the same column; lint's help lists the
// exit codes and examples.
func TestHelp(t *testing.T) {
	code, stdout, _ := kvet(t, "lint", "--help")
	if code != 0 || strings.Contains(stdout, "[=true|false]") {
		t.Fatalf("exit %d, help:\n%s", code, stdout)
	}
	for _, want := range []string{
		"\nExit status: 0 when nothing (unsuppressed) at or above --fail-on was found, 1 when something was, 2 on a usage",
		"\nExamples:\n  kvet lint k8s/ ",
		"\n  -q, --quiet ",
		"\n      --show-suppressed ",
		"\n      --fail-on SEVERITY ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("lint --help lacks %q:\n%s", want, stdout)
		}
	}
	flagLine := regexp.MustCompile(`^  (?:-\w, |    )--[\w-]+(?: [\w.]+)? +\S`)
	col := -1
	for _, l := range strings.Split(stdout, "\n") {
		if !flagLine.MatchString(l) {
			continue
		}
		// The description starts after the first run of two spaces or more
		// that follows the flag.
		i := strings.Index(l[6:], "  ")
		for i >= 0 && l[6+i] == ' ' {
			i++
		}
		start := 6 + i
		if col == -1 {
			col = start
		} else if start != col {
			t.Errorf("description at column %d, others at %d: %q", start, col, l)
		}
	}
	if col < 0 {
		t.Fatalf("no flag lines in:\n%s", stdout)
	}
}

// kvet policy help prints the help of kvet policy, as kvet help policy does.
func TestPolicyHelp(t *testing.T) {
	if code, stdout, _ := kvet(t, "policy", "help"); code != 0 || !strings.Contains(stdout, "Work with Rego policies") {
		t.Errorf("kvet policy help: exit %d\n%s", code, stdout)
	}
}

// kvet help COMMAND and kvet policy help COMMAND print the help of
// COMMAND, as COMMAND --help does, and succeed.
func TestHelpCommand(t *testing.T) {
	for _, tt := range []struct{ help, want []string }{
		{[]string{"help", "lint"}, []string{"lint", "--help"}},
		{[]string{"help", "policy", "test"}, []string{"policy", "test", "--help"}},
		{[]string{"policy", "help", "test"}, []string{"policy", "test", "--help"}},
	} {
		_, want, _ := kvet(t, tt.want...)
		code, stdout, stderr := kvet(t, tt.help...)
		if code != 0 || stdout != want || stderr != "" {
			t.Errorf("kvet %v: exit %d, stderr %q, stdout:\n%s\nwant (kvet %v):\n%s", tt.help, code, stderr, stdout, tt.want, want)
		}
	}
}

// Command-line mistakes get a suggestion and point to the help of the
// command at fault (exit 2).
func TestUsageErrors(t *testing.T) {
	repo(t, map[string]string{"k8s/cron.yaml": cronJobWithoutDeadline})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"lint", "--formt", "json"}, "kvet: unknown flag: --formt (did you mean --format?)\nRun 'kvet lint --help' for usage.\n"},
		{[]string{"lint", "--fail-on", "bad"}, "kvet: --fail-on: unknown severity \"bad\" (want error, warning, info or none)\nRun 'kvet lint --help' for usage.\n"},
		{[]string{"explain"}, "kvet: kvet explain takes one rule ID, such as job-ttl-missing, and got 0 (kvet rules lists them)\nRun 'kvet explain --help' for usage.\n"},
		{[]string{"explain", "job-ttl-mising"}, "kvet: unknown rule \"job-ttl-mising\"; did you mean \"job-ttl-missing\"? (run 'kvet rules' for the list)\nRun 'kvet explain --help' for usage.\n"},
		{[]string{"rules", "extra"}, "kvet: unknown command \"extra\" for \"kvet rules\"\nRun 'kvet rules --help' for usage.\n"},
		{[]string{"policy", "test", "--verbsoe"}, "kvet: unknown flag: --verbsoe (did you mean --verbose?)\nRun 'kvet policy test --help' for usage.\n"},
		{[]string{"--versio"}, "kvet: unknown flag: --versio (did you mean --version?)\nRun 'kvet --help' for usage.\n"},
		{[]string{"lint", "--disable", "job-ttl-mising", "k8s"}, "kvet: --disable: unknown rule \"job-ttl-mising\" (did you mean \"job-ttl-missing\"?) (run 'kvet rules' for the list)\nRun 'kvet lint --help' for usage.\n"},
		{[]string{"fix", "--enable", "nosuch", "k8s"}, "kvet: --enable: unknown rule \"nosuch\" (run 'kvet rules' for the list)\nRun 'kvet fix --help' for usage.\n"},
		{[]string{"lint", "--policy-timeout", "0", "k8s"}, "kvet: --policy-timeout: want a positive duration such as 10s, got 0s\nRun 'kvet lint --help' for usage.\n"},
		{[]string{"policy", "tests", "policy/"}, "kvet: unknown command \"tests\" for \"kvet policy\"; did you mean \"test\"?\nRun 'kvet policy --help' for usage.\n"},
		{[]string{"help", "nonexist"}, "kvet: unknown command \"nonexist\" for \"kvet\"\nRun 'kvet --help' for usage.\n"},
		{[]string{"help", "lnt"}, "kvet: unknown command \"lnt\" for \"kvet\"; did you mean \"lint\"?\nRun 'kvet --help' for usage.\n"},
		{[]string{"lnt", "k8s"}, "kvet: unknown command \"lnt\" for \"kvet\"; did you mean \"lint\"?\nRun 'kvet --help' for usage.\n"},
		{[]string{"help", "policy", "tst"}, "kvet: unknown command \"tst\" for \"kvet policy\"; did you mean \"test\"?\nRun 'kvet --help' for usage.\n"},
		{[]string{"policy", "help", "tset"}, "kvet: unknown command \"tset\" for \"kvet policy\"; did you mean \"test\"?\nRun 'kvet policy --help' for usage.\n"},
		{[]string{"completion", "tcsh"}, "kvet: unknown shell \"tcsh\" (want bash, fish, powershell, zsh)\nRun 'kvet completion --help' for usage.\n"},
	}
	for _, tt := range tests {
		code, stdout, stderr := kvet(t, tt.args...)
		if code != cli.ExitError || stdout != "" || stderr != tt.want {
			t.Errorf("kvet %v: exit %d, stdout %q, stderr:\n%s\nwant:\n%s", tt.args, code, stdout, stderr, tt.want)
		}
	}
}

// -o into a directory that does not exist names the path given, not a
// temporary file.
func TestOutputIntoMissingDirectory(t *testing.T) {
	repo(t, map[string]string{"k8s/cron.yaml": cronJobWithoutDeadline})
	code, _, stderr := kvet(t, "lint", "-o", "reports/kvet.txt", "k8s")
	if code != cli.ExitError || !strings.Contains(stderr, "kvet: writing report to reports/kvet.txt: no such file or directory\n") || strings.Contains(stderr, ".kvet") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat("reports"); !os.IsNotExist(err) {
		t.Errorf("reports/ was created: %v", err)
	}
}
