package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"unsafe"
)

// openPTY opens a pseudo-terminal pair: the controlling side and the
// terminal device a child process writes to.
func openPTY(t *testing.T) (ctrl, term *os.File) {
	t.Helper()
	ctrl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ctrl.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		ctrl.Close()
		t.Skipf("unlocking the pseudo-terminal: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ctrl.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		ctrl.Close()
		t.Skipf("naming the pseudo-terminal: %v", e)
	}
	term, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		ctrl.Close()
		t.Skipf("opening the pseudo-terminal: %v", err)
	}
	return ctrl, term
}

// kvetOnTerminal runs kvet with its stdout on a terminal and returns what
// it wrote there.
func kvetOnTerminal(t *testing.T, env []string, args ...string) string {
	t.Helper()
	ctrl, term := openPTY(t)
	defer ctrl.Close()
	cmd := exec.Command(kvetBin, args...)
	cmd.Dir = "testdata"
	cmd.Env = kvetEnv(env)
	cmd.Stdout = term
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		term.Close()
		t.Fatal(err)
	}
	term.Close() // only the child holds the terminal now
	out := make(chan []byte)
	go func() {
		// Reading ends with EIO once the child has exited.
		data, _ := io.ReadAll(ctrl)
		out <- data
	}()
	_ = cmd.Wait()
	data := <-out
	// The terminal turns "\n" into "\r\n".
	return string(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")))
}

// TestColorOnTerminal: --color=auto colors a terminal unless NO_COLOR is
// set or TERM is dumb.
func TestColorOnTerminal(t *testing.T) {
	tests := []struct {
		name  string
		env   []string
		args  []string
		color bool
	}{
		{"auto", []string{"TERM=xterm"}, nil, true},
		{"auto, NO_COLOR", []string{"TERM=xterm", "NO_COLOR=1"}, nil, false},
		{"auto, TERM=dumb", []string{"TERM=dumb"}, nil, false},
		{"never", []string{"TERM=xterm"}, []string{"--color=never"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"lint"}, tt.args...), "warnings.yaml")
			out := kvetOnTerminal(t, tt.env, args...)
			if got := ansiCode.MatchString(out); got != tt.color {
				t.Errorf("color = %v, want %v: %q", got, tt.color, out)
			}
			wantLines(t, ansiCode.ReplaceAllString(out, ""), warningsFindings("warnings.yaml"))
		})
	}
}
