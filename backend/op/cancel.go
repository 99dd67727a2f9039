package op

import (
	"context"
	"errors"
)

// CancelledReason is the error the record of an operation the admin
// cancelled keeps.
const CancelledReason = "cancelled by the admin"

// CancelledError is the error of an operation the admin cancelled. Its text
// says what was cancelled and what that left behind, instead of the bare
// "context canceled"; it matches context.Canceled.
type CancelledError struct{ Msg string }

func (e *CancelledError) Error() string { return e.Msg }

func (e *CancelledError) Unwrap() error { return context.Canceled }

// Cancelled replaces the cancellation in err with msg, keeping whatever else
// err joins (a failed restart, say).
func Cancelled(err error, msg string) error {
	return errors.Join(append([]error{&CancelledError{Msg: msg}}, notCancel(err)...)...)
}

// IsCancel reports whether err is the cancellation of ctx (and not, say, a
// timeout of its own).
func IsCancel(ctx context.Context, err error) bool {
	return err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled)
}

// notCancel lists the errors joined in err that are not a cancellation.
func notCancel(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, notCancel(e)...)
		}
		return out
	}
	if err == nil || errors.Is(err, context.Canceled) {
		return nil
	}
	return []error{err}
}
