package abandon

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDo(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	if v, err := Do(ctx, func() (int, error) { return 7, boom }); v != 7 || !errors.Is(err, boom) {
		t.Errorf("Do = %d, %v; want 7, boom", v, err)
	}

	// A call that blocks is abandoned when the context is done.
	cancelled, cancel := context.WithCancel(ctx)
	release := make(chan struct{})
	defer close(release)
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	v, err := Do(cancelled, func() (int, error) { <-release; return 1, nil })
	if v != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: Do = %d, %v; want 0, context.Canceled", v, err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Do returned %v after the cancellation", took)
	}

	// Not called at all once the context is done.
	called := false
	if _, err := Do(cancelled, func() (int, error) { called = true; return 1, nil }); !errors.Is(err, context.Canceled) || called {
		t.Errorf("done context: err %v, called %v", err, called)
	}
}
