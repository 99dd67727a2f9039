package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// maxAttempts bounds retries of a transaction that lost a DuckDB write conflict.
const maxAttempts = 8

// retry runs fn again while it fails with a transaction conflict: goroutines
// share one *sql.DB and DuckDB resolves concurrent writes optimistically.
func (s *Store) retry(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !isConflict(err) || attempt >= maxAttempts {
			return err
		}
		backoff := time.Duration(attempt)*2*time.Millisecond +
			time.Duration(rand.Int64N(int64(2*time.Millisecond)))
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// exec runs one write statement (retrying conflicts), then checkpoints.
// It returns the number of rows affected.
func (s *Store) exec(ctx context.Context, query string, args ...any) (int64, error) {
	if err := s.alive(); err != nil {
		return 0, err
	}
	var n int64
	err := s.retry(ctx, func() error {
		res, err := s.db.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, err
	}
	s.checkpointAfterWrite(ctx)
	return n, nil
}

// insertID runs an INSERT ... RETURNING id (retrying conflicts), then checkpoints.
func (s *Store) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	if err := s.alive(); err != nil {
		return 0, err
	}
	var id int64
	err := s.retry(ctx, func() error {
		return s.db.QueryRowContext(ctx, query, args...).Scan(&id)
	})
	if err != nil {
		return 0, err
	}
	s.checkpointAfterWrite(ctx)
	return id, nil
}

// withTx runs fn in one transaction on one connection, retrying conflicts,
// then checkpoints. fn must not keep c.
func (s *Store) withTx(ctx context.Context, fn func(ctx context.Context, c *sql.Conn) error) error {
	if err := s.alive(); err != nil {
		return err
	}
	err := s.retry(ctx, func() error { return s.runTx(ctx, fn) })
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(ctx)
	return nil
}

func (s *Store) runTx(ctx context.Context, fn func(ctx context.Context, c *sql.Conn) error) error {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	if err := fn(ctx, c); err != nil {
		rollback(ctx, c)
		return err
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		rollback(ctx, c)
		return err
	}
	return nil
}

// rollback ends a failed transaction. If that fails too, the connection is
// discarded so that no later caller inherits an open transaction.
func rollback(ctx context.Context, c *sql.Conn) {
	if _, err := c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); err != nil {
		_ = c.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// checkpointAfterWrite folds the WAL into the database file after a state
// change (docs/architecture.md, "The catalog"). It is best effort: the commit is already durable in
// the WAL, and a checkpoint refused because another transaction runs is left
// to that transaction's own checkpoint.
func (s *Store) checkpointAfterWrite(ctx context.Context) {
	if s.noCheckpoint {
		return
	}
	_ = s.Checkpoint(context.WithoutCancel(ctx))
}

// Checkpoint writes the WAL into the database file. It retries for a moment
// while other transactions are active.
func (s *Store) Checkpoint(ctx context.Context) error {
	if err := s.alive(); err != nil {
		return err
	}
	s.ckMu.Lock()
	defer s.ckMu.Unlock()
	var err error
	for attempt := 1; attempt <= 5; attempt++ {
		if _, err = s.db.ExecContext(ctx, "CHECKPOINT"); err == nil || !isCheckpointBusy(err) {
			break
		}
		time.Sleep(time.Duration(attempt) * 2 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// now is the catalog's clock: UTC at the TIMESTAMP columns' microsecond precision.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// dbTimePtr maps nil or a zero time to NULL and any other to UTC.
func dbTimePtr(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UTC()
}

func timePtr(nt sql.NullTime) *time.Time {
	if !nt.Valid {
		return nil
	}
	t := nt.Time.UTC()
	return &t
}

// nullString maps "" to NULL, and escapes bytes that are not UTF-8 (see
// validText).
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return validText(s)
}

// nullID maps an unset ID (0) to NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// rawJSON validates raw JSON text for a JSON column; empty or null is NULL.
func rawJSON(raw json.RawMessage) (any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if !json.Valid(raw) {
		return nil, invalidf("malformed JSON")
	}
	return string(raw), nil
}

// encodeJSON encodes v for a JSON column. A json.RawMessage is validated and kept.
func encodeJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("%w: encode JSON: %w", ErrInvalid, err)
	}
	return string(b), nil
}

// rawOrNil turns a scanned JSON text column back into a RawMessage.
func rawOrNil(ns sql.NullString) json.RawMessage {
	if !ns.Valid || ns.String == "" {
		return nil
	}
	return json.RawMessage(ns.String)
}

// queryRows runs `SELECT columns FROM table tail` and scans every row with
// scan; what names the rows in errors ("backups").
func queryRows[T any](ctx context.Context, s *Store, what, columns, table, tail string, args []any,
	scan func(*sql.Rows) (T, error)) ([]T, error) {
	if err := s.alive(); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+columns+` FROM `+table+` `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", what, err)
	}
	defer rows.Close()
	list := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query %s: %w", what, err)
	}
	return list, nil
}
