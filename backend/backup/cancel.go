package backup

import (
	"context"
	"errors"
	"fmt"

	"rewind/backend/deployment"
	"rewind/backend/op"
)

// cancelledEarly words the cancellation of a backup before its record
// existed, when nothing was written yet.
func cancelledEarly(ctx context.Context, dep deployment.Deployment, err *error) {
	if op.IsCancel(ctx, *err) && !errors.As(*err, new(*op.CancelledError)) {
		*err = op.Cancelled(*err, fmt.Sprintf("the backup of %s was cancelled; nothing was written", dep.Name))
	}
}
