package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// OpKind names a kind of journaled operation (backup, restore, ...).
type OpKind string

// OpState is where a journaled operation stands.
type OpState string

// Operation states.
const (
	OpRunning   OpState = "running"
	OpSucceeded OpState = "succeeded"
	OpFailed    OpState = "failed"
	OpCanceled  OpState = "canceled"
	OpRecovered OpState = "recovered"
)

// Operation is one journal row: a mutating operation, its current step and
// the facts recovery needs.
type Operation struct {
	ID           int64           `json:"id"`
	DeploymentID int64           `json:"deploymentId"` // 0 = none
	Kind         OpKind          `json:"kind"`
	State        OpState         `json:"state"`
	Step         string          `json:"step"`
	Facts        json.RawMessage `json:"facts" ts_type:"any"`
	StartedAt    time.Time       `json:"startedAt" ts_type:"string"`
	UpdatedAt    time.Time       `json:"updatedAt" ts_type:"string"`
	FinishedAt   *time.Time      `json:"finishedAt" ts_type:"string"`
	Error        string          `json:"error,omitempty"`
	PID          int             `json:"pid"`
}

const operationColumns = `id, deployment_id, kind, state, step, facts::VARCHAR, started_at,
	updated_at, finished_at, error, pid`

// BeginOperation journals a new running operation and returns its ID.
// StartedAt defaults to now and PID to this process.
func (s *Store) BeginOperation(ctx context.Context, op Operation) (int64, error) {
	if err := s.alive(); err != nil {
		return 0, err
	}
	var id int64
	err := s.retry(ctx, func() (err error) {
		id, err = beginOperation(ctx, s.db, op)
		return err
	})
	if err != nil {
		return 0, err
	}
	s.checkpointAfterWrite(ctx)
	return id, nil
}

// querier is what a statement runs on: the pool or one connection in a
// transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func beginOperation(ctx context.Context, q querier, op Operation) (int64, error) {
	if op.Kind == "" {
		return 0, invalidf("empty operation kind")
	}
	facts, err := rawJSON(op.Facts)
	if err != nil {
		return 0, err
	}
	started := op.StartedAt
	if started.IsZero() {
		started = now()
	}
	pid := op.PID
	if pid == 0 {
		pid = os.Getpid()
	}
	var id int64
	err = q.QueryRowContext(ctx, `INSERT INTO operations (deployment_id, kind, state, step, facts,
		started_at, updated_at, pid) VALUES (?, ?, 'running', ?, ?, ?, ?, ?) RETURNING id`,
		nullID(op.DeploymentID), op.Kind, nullString(op.Step), facts, started.UTC(), started.UTC(), pid).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("begin operation: %w", err)
	}
	return id, nil
}

// UpdateOperation journals the step about to run and, unless facts is nil,
// replaces the facts (encoded with encoding/json; a json.RawMessage is kept).
func (s *Store) UpdateOperation(ctx context.Context, id int64, step string, facts any) error {
	var (
		n   int64
		err error
	)
	if facts == nil {
		n, err = s.exec(ctx, `UPDATE operations SET step = ?, updated_at = ? WHERE id = ?`,
			nullString(step), now(), id)
	} else {
		var text string
		if text, err = encodeJSON(facts); err != nil {
			return err
		}
		n, err = s.exec(ctx, `UPDATE operations SET step = ?, facts = ?, updated_at = ? WHERE id = ?`,
			nullString(step), text, now(), id)
	}
	if err != nil {
		return fmt.Errorf("update operation %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("operation %d: %w", id, ErrNotFound)
	}
	return nil
}

// FinishOperation ends the operation in a final state (succeeded, failed,
// canceled or recovered) with an optional error text.
func (s *Store) FinishOperation(ctx context.Context, id int64, state OpState, errText string) error {
	if err := s.alive(); err != nil {
		return err
	}
	err := s.retry(ctx, func() error { return finishOperation(ctx, s.db, id, state, errText) })
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(ctx)
	return nil
}

func finishOperation(ctx context.Context, q querier, id int64, state OpState, errText string) error {
	switch state {
	case OpSucceeded, OpFailed, OpCanceled, OpRecovered:
	default:
		return invalidf("final operation state %q", state)
	}
	t := now()
	res, err := q.ExecContext(ctx, `UPDATE operations SET state = ?, error = ?, finished_at = ?, updated_at = ?
		WHERE id = ?`, state, nullString(errText), t, t, id)
	if err != nil {
		return fmt.Errorf("finish operation %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("finish operation %d: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("operation %d: %w", id, ErrNotFound)
	}
	return nil
}

// GetOperation returns the journal row, or ErrNotFound.
func (s *Store) GetOperation(ctx context.Context, id int64) (Operation, error) {
	list, err := s.queryOperations(ctx, `WHERE id = ?`, id)
	if err != nil {
		return Operation{}, err
	}
	if len(list) == 0 {
		return Operation{}, fmt.Errorf("operation %d: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// UnfinishedOperations returns every operation still marked running, oldest first.
func (s *Store) UnfinishedOperations(ctx context.Context) ([]Operation, error) {
	return s.queryOperations(ctx, `WHERE state = 'running' ORDER BY id`)
}

// ListOperations returns a deployment's operations (all when deploymentID is
// 0), newest first, at most limit (no limit when limit <= 0).
func (s *Store) ListOperations(ctx context.Context, deploymentID int64, limit int) ([]Operation, error) {
	where, args := "", []any{}
	if deploymentID != 0 {
		where, args = "WHERE deployment_id = ?", append(args, deploymentID)
	}
	tail := where + ` ORDER BY started_at DESC, id DESC`
	if limit > 0 {
		tail += ` LIMIT ?`
		args = append(args, limit)
	}
	return s.queryOperations(ctx, tail, args...)
}

func (s *Store) queryOperations(ctx context.Context, tail string, args ...any) ([]Operation, error) {
	return queryRows(ctx, s, "operations", operationColumns, "operations", tail, args, scanOperation)
}

func scanOperation(rows *sql.Rows) (Operation, error) {
	var (
		op              Operation
		deploymentID    sql.NullInt64
		step, errS, fct sql.NullString
		finished        sql.NullTime
		pid             sql.NullInt64
	)
	if err := rows.Scan(&op.ID, &deploymentID, &op.Kind, &op.State, &step, &fct, &op.StartedAt,
		&op.UpdatedAt, &finished, &errS, &pid); err != nil {
		return Operation{}, fmt.Errorf("scan operation: %w", err)
	}
	op.DeploymentID, op.Step, op.Error, op.PID = deploymentID.Int64, step.String, errS.String, int(pid.Int64)
	op.Facts = rawOrNil(fct)
	op.StartedAt, op.UpdatedAt, op.FinishedAt = op.StartedAt.UTC(), op.UpdatedAt.UTC(), timePtr(finished)
	return op, nil
}
