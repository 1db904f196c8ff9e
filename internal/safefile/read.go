// Package safefile reads and writes the files kvet is given without letting
// a hostile or unlucky one hang it, exhaust its memory or lose data: every
// read is bounded and refuses what is not a regular file (unless it was
// named as a stream: standard input or a process substitution), and every
// write replaces its target atomically, or not at all (but for a file with
// other hard links, which Replace rewrites in place after saving a backup
// copy, so that it stays one file).
package safefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/kvet-dev/kvet/internal/abandon"
)

// DefaultMaxSize is the default limit on the size of one file (64 MiB).
const DefaultMaxSize int64 = 64 << 20

// TooLargeError is returned for a file over the size limit. It does not
// name the file: callers wrap it with the path.
type TooLargeError struct {
	// Size is the file's size, or 0 when unknown (a stream).
	Size  int64
	Limit int64
}

func (e *TooLargeError) Error() string {
	if e.Size > 0 {
		return fmt.Sprintf("file is %s, over the %s limit (--max-file-size)", FormatSize(e.Size), FormatSize(e.Limit))
	}
	return fmt.Sprintf("file is over the %s limit (--max-file-size)", FormatSize(e.Limit))
}

// NotRegularError is returned for a path that is not a regular file after
// resolving symbolic links (a named pipe, a device, a socket, a directory).
type NotRegularError struct {
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return "not a regular file (" + Describe(e.Mode) + ")"
}

// Describe names the type of a file mode for messages: "a named pipe",
// "a device", ...
func Describe(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "a regular file"
}

var streamName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^/(?:dev/fd|proc/self/fd|proc/[0-9]+/fd)/[0-9]+$`) })

// IsStreamName reports whether path names a stream the user handed kvet on
// purpose: /dev/stdin, or a process substitution (`<(cmd)` expands to
// /dev/fd/N or /proc/self/fd/N). Only such paths may be pipes or devices.
func IsStreamName(path string) bool {
	if path == "/dev/stdin" {
		return true
	}
	// The pattern is compiled only for the paths it can match.
	return (strings.HasPrefix(path, "/dev/fd/") || strings.HasPrefix(path, "/proc/")) && streamName().MatchString(path)
}

// Read returns the content of the file at path, at most limit bytes
// (DefaultMaxSize when limit <= 0). The file must be a regular file after
// resolving symbolic links, unless IsStreamName(path): a named pipe or a
// device anywhere else is refused without being opened for a blocking read,
// so a FIFO can never hang kvet. Reading a stream stops with ctx.Err() when
// ctx is done. Errors do not name the path: callers wrap them with it.
func Read(ctx context.Context, path string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	if IsStreamName(path) {
		data, err := readStream(ctx, func() (io.ReadCloser, error) { return os.Open(path) }, limit)
		if err != nil {
			return nil, err
		}
		return data, nil
	}
	// O_NONBLOCK: opening a FIFO for reading does not wait for a writer;
	// Fstat then refuses it. It changes nothing for regular files.
	f, err := os.OpenFile(path, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, unwrap(err)
	}
	defer f.Close() //nolint:errcheck // read-only
	info, err := f.Stat()
	if err != nil {
		return nil, unwrap(err)
	}
	if !info.Mode().IsRegular() {
		return nil, &NotRegularError{Mode: info.Mode()}
	}
	if info.Size() > limit {
		return nil, &TooLargeError{Size: info.Size(), Limit: limit}
	}
	// The size may be unknown (files of /proc report 0) or grow while
	// reading: the limit applies to what is read.
	data, err := readAll(f, limit, info.Size(), nil)
	if err != nil {
		return nil, err
	}
	return data, nil
}

// ReadStream reads r (standard input) to its end, at most limit bytes
// (DefaultMaxSize when limit <= 0), and stops with ctx.Err() when ctx is
// done first: a terminal or a pipe that never closes cannot hang kvet.
// With an error (over the limit, ctx done, a failed read) it returns what
// it read of r before it: the rest is still in r, for a caller that must
// pass the stream on unchanged.
func ReadStream(ctx context.Context, r io.Reader, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	return readStream(ctx, func() (io.ReadCloser, error) { return io.NopCloser(r), nil }, limit)
}

// Copy copies r to w until r ends or ctx is done (checked between reads),
// and says why it stopped: nil at the end of r.
func Copy(ctx context.Context, w io.Writer, r io.Reader) error {
	buf := make([]byte, 64<<10)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return unwrap(err)
		}
	}
}

// readStream opens and reads a stream in a goroutine, so that the caller
// returns when ctx is done even if the open or a read blocks forever (the
// goroutine is then abandoned, blocked, until the process exits). With an
// error, ctx.Err() included, it returns what was read before it.
func readStream(ctx context.Context, open func() (io.ReadCloser, error), limit int64) ([]byte, error) {
	var p progress
	data, err := abandon.Do(ctx, func() ([]byte, error) {
		rc, err := open()
		if err != nil {
			return nil, unwrap(err)
		}
		defer rc.Close() //nolint:errcheck // read-only
		return readAll(rc, limit, 0, p.set)
	})
	if err != nil {
		return p.get(), err
	}
	return data, nil
}

// progress is what a read in a goroutine that may be abandoned (see
// readStream) has read so far. readAll only ever appends to what it
// published, so the bytes of the slice get returns are not written again
// while the goroutine runs on.
type progress struct {
	mu   sync.Mutex
	read []byte
}

func (p *progress) set(read []byte) {
	p.mu.Lock()
	p.read = read
	p.mu.Unlock()
}

func (p *progress) get() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.read
}

// readAll reads r up to limit bytes; size is a hint (0 when unknown). Over
// the limit it returns what it read (limit+1 bytes) with the
// *TooLargeError; on another error, what it read before it. seen, when not
// nil, is given what was read after each read.
func readAll(r io.Reader, limit, size int64, seen func([]byte)) ([]byte, error) {
	buf := make([]byte, 0, min(size, limit)+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), limit+1)])
		buf = buf[:len(buf)+n]
		if seen != nil {
			seen(buf)
		}
		if int64(len(buf)) > limit {
			return buf, &TooLargeError{Limit: limit}
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, unwrap(err)
		}
	}
}

// unwrap drops the path from the errors of the os package: callers name
// the file themselves.
func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// ParseSize parses a size: a number of bytes, optionally followed by a unit
// (K/KB/KiB = 1024, M/MB/MiB, G/GB/GiB; case does not matter).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil || i == 0 {
		return 0, fmt.Errorf("invalid size %q (want a number of bytes, optionally with a unit: 512KiB, 64MiB, 1GiB)", s)
	}
	var shift uint
	switch strings.ToLower(strings.TrimSpace(t[i:])) {
	case "", "b":
	case "k", "kb", "kib":
		shift = 10
	case "m", "mb", "mib":
		shift = 20
	case "g", "gb", "gib":
		shift = 30
	default:
		return 0, fmt.Errorf("invalid size %q: unknown unit %q (want KiB, MiB or GiB)", s, strings.TrimSpace(t[i:]))
	}
	if n <= 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("invalid size %q: must be positive and below 4 EiB", s)
	}
	return n << shift, nil
}

// FormatSize writes a size for people: 64 MiB, 1.5 KiB, 300 bytes.
func FormatSize(n int64) string {
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	v, u := float64(n)/1024, 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + units[u]
}
