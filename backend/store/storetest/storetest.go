// Package storetest gives tests a catalog of their own.
package storetest

import (
	"testing"

	"rewind/backend/store"
)

// Open opens a new catalog in a temporary directory of t, as the test's
// process, and closes it when the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir(), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
