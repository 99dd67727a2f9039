// Package view holds the shapes the UI and the CLI's JSON output see: the
// error shape with its one mapping table, and job snapshots.
package view

import (
	"context"
	"errors"
	"strings"

	"rewind/backend/archive"
	"rewind/backend/backup"
	"rewind/backend/compose"
	"rewind/backend/deployment"
	"rewind/backend/diskspace"
	"rewind/backend/docker"
	"rewind/backend/durable"
	"rewind/backend/metadir"
	"rewind/backend/op"
	"rewind/backend/restore"
	"rewind/backend/store"
	"rewind/backend/upgrade"
)

// Error is a failure as the UI shows it: a stable code to translate by, the
// one-line message, and the full detail behind "Copy details".
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Detail  string `json:"detail"`
}

func (e Error) Error() string { return e.Message }

// errorRow maps a domain error to a code. Rows are tried in order.
type errorRow struct {
	target error
	code   string
}

// errorTable is the one place domain errors become UI codes.
var errorTable = []errorRow{
	{context.Canceled, "canceled"},
	{upgrade.ErrRollbackFailed, "rollback_failed"},
	{upgrade.ErrNotRolledBack, "upgrade_not_rolled_back"},
	{upgrade.ErrFailed, "upgrade_failed"},
	{upgrade.ErrPreflight, "upgrade_preflight"},
	{upgrade.ErrNoVersion, "upgrade_no_version"},
	{upgrade.ErrSameVersion, "upgrade_same_version"},
	{upgrade.ErrNothingToRollBack, "nothing_to_roll_back"},
	{upgrade.ErrNotInEffect, "upgrade_not_in_effect"},
	{upgrade.ErrNoBackup, "no_pre_upgrade_backup"},
	{upgrade.ErrNotConfirmed, "rollback_not_confirmed"},
	{store.ErrInUse, "catalog_in_use"},
	{op.ErrBusy, "busy"},
	{op.ErrNotCancellable, "not_cancellable"},
	{metadir.ErrLinkedPath, "rewind_dir_link"},
	{deployment.ErrNoProject, "project_missing"},
	{deployment.ErrNoCompose, "compose_missing"},
	{deployment.ErrNotConfigured, "not_configured"},
	{deployment.ErrUnknown, "deployment_unknown"},
	{deployment.ErrLocation, "location_conflict"},
	{deployment.ErrInvalidSetting, "invalid_setting"},
	{backup.ErrNotFound, "backup_not_found"},
	{backup.ErrFileMissing, "backup_file_missing"},
	{backup.ErrChecksum, "checksum_mismatch"},
	{diskspace.ErrNoSpace, "no_space"},
	{backup.ErrBadStorage, "storage_refused"},
	{backup.ErrNothingToMove, "storage_unchanged"},
	{backup.ErrInUse, "backup_in_use"},
	{backup.ErrWrongProject, "wrong_deployment"},
	{backup.ErrNotCompleted, "backup_not_completed"},
	{backup.ErrBadType, "bad_request"},
	{docker.ErrUnreachable, "docker_unreachable"},
	{docker.ErrNotHealthy, "not_healthy"},
	{docker.ErrContainerGone, "container_gone"},
	{docker.ErrStillRunning, "container_still_running"},
	{docker.ErrProjectChanged, "project_changed"},
	{docker.ErrImageNotFound, "image_not_found"},
	{compose.ErrNoCLI, "compose_cli_missing"},
	{compose.ErrNoComposeFile, "compose_file_missing"},
	{compose.ErrInvalidProjectName, "compose_project_invalid"},
	{compose.ErrInvalidCompose, "compose_invalid"},
	{compose.ErrEnvSyntax, "env_syntax"},
	{durable.ErrNotRegular, "not_regular_file"},
	{compose.ErrEnvValue, "env_value"},
	{restore.ErrBadMode, "restore_bad_mode"},
	{restore.ErrNotRestorable, "backup_not_restorable"},
	{restore.ErrNoData, "backup_no_data"},
	{restore.ErrMountPoint, "restore_mount_point"},
	{restore.ErrLinkInPath, "restore_link_in_path"},
	{restore.ErrConfirmation, "confirmation_required"},
	{restore.ErrUnhealthy, "restore_unhealthy"},
	{backup.ErrNoPolicy, "retention_policy_missing"},
	{store.ErrDuplicateName, "duplicate_name"},
	{store.ErrDuplicatePath, "duplicate_path"},
	{store.ErrInvalid, "invalid"},
	{store.ErrSchemaTooNew, "catalog_too_new"},
	{store.ErrBroken, "catalog_damaged"},
	{archive.ErrNotArchive, "archive_invalid"},
	{archive.ErrNoManifest, "archive_no_manifest"},
	{archive.ErrTruncated, "archive_truncated"},
	{archive.ErrIndexMismatch, "archive_damaged"},
	{archive.ErrCorrupt, "archive_corrupt"},
	{archive.ErrNoIndex, "archive_no_index"},
	{archive.ErrChanged, "file_changed_during_backup"},
	{archive.ErrUnsupportedVersion, "archive_too_new"},
	{archive.ErrNamesFold, "names_collide"},
	{archive.ErrUnsafeEntry, "archive_unsafe"},
	{store.ErrNotFound, "not_found"},
}

// CodeInternal is the fallback code for errors the table does not know.
const CodeInternal = "internal"

// FromError maps any error to the UI shape.
func FromError(err error) Error {
	if err == nil {
		return Error{}
	}
	var ve Error
	if errors.As(err, &ve) {
		return ve
	}
	code := CodeInternal
	for _, row := range errorTable {
		if errors.Is(err, row.target) {
			code = row.code
			break
		}
	}
	detail := err.Error()
	msg := detail
	if i := strings.IndexByte(msg, '\n'); i >= 0 { // joined errors: first line is the headline
		msg = msg[:i]
	}
	return Error{Code: code, Message: msg, Detail: detail}
}
