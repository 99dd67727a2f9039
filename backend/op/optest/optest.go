// Package optest drives the operation kernel's one hook in tests: a fault
// at a named step, or a crash there.
package optest

import (
	"errors"
	"strconv"
	"strings"

	"rewind/backend/op"
)

// ErrInjected is the fault Fault injects.
var ErrInjected = errors.New("injected fault")

// Fault returns a kernel hook that fails each named point: "kind.step", or
// "kind.step#n" for its n-th hit only.
func Fault(points ...string) func(string) error {
	hits := map[string]int{}
	return func(p string) error {
		hits[p]++
		for _, point := range points {
			name, nth, _ := strings.Cut(point, "#")
			if p == name && (nth == "" || nth == strconv.Itoa(hits[p])) {
				return ErrInjected
			}
		}
		return nil
	}
}

// crash stands for the process dying at a point: the panic skips the rest
// of the operation, as SIGKILL would; the kernel releases only the lock.
type crash struct{ point string }

// Crash runs fn with the kernel's hook set to crash at point ("kind.step",
// or "kind.step#n" for its n-th hit) and reports whether fn got there. The
// hook is cleared afterwards.
func Crash(k *op.Kernel, point string, fn func()) (crashed bool) {
	name, nth := point, 1
	if before, after, ok := strings.Cut(point, "#"); ok {
		name = before
		if n, err := strconv.Atoi(after); err == nil {
			nth = n
		}
	}
	hits := 0
	k.Hook = func(p string) error {
		if p == name {
			if hits++; hits == nth {
				panic(crash{point})
			}
		}
		return nil
	}
	defer func() { k.Hook = nil }()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(crash); !ok {
				panic(r)
			}
			crashed = true
		}
	}()
	fn()
	return false
}
