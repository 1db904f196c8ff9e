package safefile

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kvet-dev/kvet/internal/abandon"
)

// newFileMode is the mode of a file WriteAtomic creates.
const newFileMode fs.FileMode = 0o644

// WriteAtomic writes what write produces to path, so that path holds either
// its previous content or the complete new one, never a part of it: the
// data goes to a temporary file beside the target, which replaces the
// target by a rename once it is complete, and only if ctx is not done by
// then. When write fails or ctx is done, the target is left as it was and
// the temporary file is removed.
//
// An existing target keeps its permission bits (a 0600 report stays
// 0600); a new one is created 0644. A symbolic link is followed, so the
// link stays and its target is replaced. A target that exists and is not a
// regular file (/dev/stdout, a terminal, a named pipe) is written to
// directly, as there is nothing to replace; WriteAtomic then returns when
// ctx is done even if the open (a named pipe nobody reads) or a write
// blocks.
func WriteAtomic(ctx context.Context, path string, write func(io.Writer) error) error {
	return writeAtomic(ctx, path, write, nil)
}

// ErrChanged is returned by Replace when the file no longer holds what kvet
// read from it: someone (an editor, another tool) wrote it in between.
var ErrChanged = errors.New("the file changed since kvet read it")

// Replace replaces the content old, which kvet read from the regular file
// at path, by content, atomically as WriteAtomic does (the mode is kept, a
// symbolic link stays a link). Just before the new content takes the
// file's place, the file is read again: if it no longer holds old,
// Replace returns ErrChanged and leaves it as it is, so that a change made
// while kvet ran is never lost. A path that is not a regular file (a
// named pipe, a device: a process substitution) is not written:
// *NotRegularError.
//
// A file with other hard links is rewritten in place instead
// (replaceInPlace): a new file renamed over one of its names would leave
// the others holding the old content.
func Replace(ctx context.Context, path string, old, content []byte) error {
	info, err := os.Stat(path)
	if err != nil {
		return unwrap(err)
	}
	if !info.Mode().IsRegular() {
		return &NotRegularError{Mode: info.Mode()}
	}
	unchanged := func(target string) error {
		now, err := Read(ctx, target, int64(len(old)))
		var tooLarge *TooLargeError
		switch {
		case errors.As(err, &tooLarge):
			return ErrChanged
		case err != nil:
			return err
		case !bytes.Equal(now, old):
			return ErrChanged
		}
		return nil
	}
	if links(path, info) > 1 {
		return replaceInPlace(ctx, path, old, content, unchanged, overwrite)
	}
	return writeAtomic(ctx, path, func(w io.Writer) error { _, err := w.Write(content); return err }, unchanged)
}

// BackupError is returned by Replace when rewriting a file in place failed
// and its old content could not be put back either: the file may hold a
// part of the new content, and Backup the content kvet read.
type BackupError struct {
	Err    error
	Backup string
}

func (e *BackupError) Error() string {
	return fmt.Sprintf("%v; the file may be left part-written: its content as kvet read it is in %s", e.Err, e.Backup)
}

func (e *BackupError) Unwrap() error { return e.Err }

// replaceInPlace is Replace for a file with other hard links: every name
// keeps the one file, as gofmt -w and editors keep it. Rewriting in place
// is not atomic, so the old content is first saved in a file beside it
// (.NAME.kvet-backup-*, readable by its owner alone), removed once the new
// content is written and synced, or once the old is written back after a
// failed write; kept, and named in a *BackupError, when even that fails.
// unchanged checks the file just before it is rewritten, as for Replace;
// write writes content into it (overwrite; a test makes it fail).
func replaceInPlace(ctx context.Context, path string, old, content []byte, unchanged func(target string) error,
	write func(f *os.File, content []byte) error) error {
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	}
	// Opened first: a file kvet may not write (read-only) is left as it
	// is, with no backup made.
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("%w (it has other hard links, so kvet writes it in place, which needs permission to write it)", unwrap(err))
	}
	backup, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".kvet-backup-*")
	if err != nil {
		return errors.Join(unwrap(err), f.Close())
	}
	_, err = backup.Write(old)
	if err == nil {
		err = backup.Sync()
	}
	if err = errors.Join(err, backup.Close()); err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = unchanged(target)
	}
	if err != nil {
		_ = os.Remove(backup.Name())
		return errors.Join(unwrap(err), f.Close())
	}
	if err := write(f, content); err != nil {
		if rerr := write(f, old); rerr != nil {
			_ = f.Close()
			return &BackupError{Err: unwrap(err), Backup: backup.Name()}
		}
		_ = os.Remove(backup.Name())
		return errors.Join(unwrap(err), f.Close())
	}
	if err := f.Close(); err != nil {
		return &BackupError{Err: unwrap(err), Backup: backup.Name()}
	}
	return unwrap(os.Remove(backup.Name()))
}

// overwrite replaces the content of f, open for writing, by content, and
// syncs it.
func overwrite(f *os.File, content []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(content, 0); err != nil {
		return err
	}
	return f.Sync()
}

// writeAtomic is WriteAtomic, which calls check (when not nil) on the
// resolved target just before replacing it, and gives up with its error.
func writeAtomic(ctx context.Context, path string, write func(io.Writer) error, check func(target string) error) error {
	target := path
	mode := newFileMode
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	}
	if info, err := os.Stat(target); err == nil {
		if !info.Mode().IsRegular() {
			return writeDirect(ctx, target, write)
		}
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".kvet-*")
	if err != nil {
		return unwrap(err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return unwrap(err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return unwrap(err)
	}
	if err := tmp.Sync(); err != nil {
		return unwrap(err)
	}
	if err := tmp.Close(); err != nil {
		return unwrap(err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if check != nil {
		if err := check(target); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return unwrap(err)
	}
	committed = true
	return nil
}

// writeDirect writes to a file that is not a regular file, in a goroutine
// so that it returns with ctx.Err() when ctx is done first: opening a
// named pipe for writing waits for a reader, and writing to a full pipe
// waits for the reader to read, either of which can be forever (the
// goroutine is then abandoned, blocked, until the process exits).
func writeDirect(ctx context.Context, path string, write func(io.Writer) error) error {
	_, err := abandon.Do(ctx, func() (struct{}, error) {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return struct{}{}, unwrap(err)
		}
		w := bufio.NewWriterSize(f, 64<<10)
		err = write(w)
		if err == nil {
			err = unwrap(w.Flush())
		}
		return struct{}{}, errors.Join(err, unwrap(f.Close()))
	})
	return err
}
