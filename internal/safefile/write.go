package safefile

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
// directly, as there is nothing to replace.
func WriteAtomic(ctx context.Context, path string, write func(io.Writer) error) error {
	target := path
	mode := newFileMode
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	}
	if info, err := os.Stat(target); err == nil {
		if !info.Mode().IsRegular() {
			return writeDirect(target, write)
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
	if err := os.Rename(tmp.Name(), target); err != nil {
		return unwrap(err)
	}
	committed = true
	return nil
}

func writeDirect(path string, write func(io.Writer) error) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return unwrap(err)
	}
	defer func() { err = errors.Join(err, unwrap(f.Close())) }()
	w := bufio.NewWriterSize(f, 64<<10)
	if err := write(w); err != nil {
		return err
	}
	return unwrap(w.Flush())
}
