//go:build !unix

package engine

import "errors"

func mkfifo(string) error { return errors.New("named pipes are a Unix thing") }
