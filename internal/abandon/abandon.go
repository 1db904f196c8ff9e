// Package abandon runs calls that take no context and may block or run
// for long (opening a named pipe nobody writes to, a kustomize build of a
// deep tree of bases) so that the caller still returns as soon as its
// context is done: the call then runs on, abandoned, until the process
// exits. kvet uses it where Ctrl-C must not wait.
package abandon

import "context"

// Do runs fn in a goroutine and returns its results, or the zero T and
// ctx.Err() when ctx is done first. fn is not called when ctx is already
// done. An abandoned fn must not write what the caller reads afterwards.
func Do[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}
