package view

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"rewind/backend/backup"
	"rewind/backend/diskspace"
	"rewind/backend/op"
	"rewind/backend/restore"
	"rewind/backend/store"
)

func TestCodesUniqueAndMessagesKept(t *testing.T) {
	seen := map[string]error{}
	for _, r := range errorTable {
		if r.code == "" || r.target == nil {
			t.Fatalf("row %v: empty code or target", r)
		}
		if prev, ok := seen[r.code]; ok {
			t.Errorf("code %q used for %v and %v", r.code, prev, r.target)
		}
		seen[r.code] = r.target
	}
}

func TestFromError(t *testing.T) {
	cases := []struct {
		err  error
		code string
	}{
		{fmt.Errorf("create: %w", &op.BusyError{Name: "deployment shop", Holder: op.Holder{PID: 7, What: "restore"}}), "busy"},
		{&store.InUseError{PID: 42}, "catalog_in_use"},
		{fmt.Errorf("x: %w", context.Canceled), "canceled"},
		{&backup.NotFoundError{ID: 3}, "backup_not_found"},
		{op.Cancelled(context.Canceled, "backup x was cancelled"), "canceled"},
		{&restore.NotRestorableError{ID: 3, Why: "it failed"}, "backup_not_restorable"},
		{errors.Join(fmt.Errorf("stop: %w", diskspace.ErrNoSpace), errors.New("restart: boom")), "no_space"},
		{errors.New("something odd"), CodeInternal},
	}
	for _, c := range cases {
		got := FromError(c.err)
		if got.Code != c.code {
			t.Errorf("FromError(%v).Code: got %q, want %q", c.err, got.Code, c.code)
		}
		if got.Message == "" || got.Detail != c.err.Error() {
			t.Errorf("FromError(%v): got %+v, want the message and full detail", c.err, got)
		}
	}
	if got := FromError(&store.InUseError{PID: 42}).Message; got != "catalog in use by PID 42" {
		t.Errorf("in-use message: got %q", got)
	}
}

// Codes lists every code the table can produce, for the tests.
func Codes() []string {
	seen := map[string]bool{CodeInternal: true}
	out := []string{CodeInternal}
	for _, r := range errorTable {
		if !seen[r.code] {
			seen[r.code] = true
			out = append(out, r.code)
		}
	}
	return out
}
