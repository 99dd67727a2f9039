// Package migrations holds the catalog's schema as numbered SQL files
// (NNNN_description.sql), applied in order by backend/store. A file, once
// released, is never edited: schema changes go into a new file.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
