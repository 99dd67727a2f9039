package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"
)

type restoreFacts struct {
	Target  string `json:"target"`
	Staging string `json:"staging"`
	Dev     uint64 `json:"dev"`
}

func TestOperationJournal(t *testing.T) {
	ctx := context.Background()
	stores(t, func(t *testing.T, s *Store) {
		id, err := s.BeginOperation(ctx, Operation{DeploymentID: 4, Kind: "restore", Step: "R1",
			Facts: json.RawMessage(`{"backupId":9}`)})
		if err != nil {
			t.Fatal(err)
		}
		op, err := s.GetOperation(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if op.State != OpRunning || op.PID != os.Getpid() || op.Step != "R1" || op.FinishedAt != nil ||
			string(op.Facts) != `{"backupId":9}` || op.StartedAt.Location() != time.UTC {
			t.Fatalf("after begin: %+v", op)
		}
		facts := restoreFacts{Target: `/srv/shop/da"ta`, Staging: "/srv/shop/.rewind/staging-数据", Dev: 1 << 60}
		if err := s.UpdateOperation(ctx, id, "R8", facts); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateOperation(ctx, id, "R9", nil); err != nil { // nil keeps the facts
			t.Fatal(err)
		}
		unfinished, err := s.UnfinishedOperations(ctx)
		if err != nil || len(unfinished) != 1 || unfinished[0].Step != "R9" {
			t.Fatalf("unfinished %+v, %v", unfinished, err)
		}
		var gotFacts restoreFacts
		if err := json.Unmarshal(unfinished[0].Facts, &gotFacts); err != nil || gotFacts != facts {
			t.Fatalf("facts %s (%v), want %+v", unfinished[0].Facts, err, facts)
		}
		if err := s.FinishOperation(ctx, id, OpFailed, "swap failed"); err != nil {
			t.Fatal(err)
		}
		op, _ = s.GetOperation(ctx, id)
		if op.State != OpFailed || op.Error != "swap failed" || op.FinishedAt == nil {
			t.Fatalf("after finish: %+v", op)
		}
		if unfinished, _ := s.UnfinishedOperations(ctx); len(unfinished) != 0 {
			t.Fatalf("still unfinished: %+v", unfinished)
		}
	})
}

func TestOperationErrors(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"empty kind", func() error { _, err := s.BeginOperation(ctx, Operation{}); return err }(), ErrInvalid},
		{"bad facts", func() error {
			_, err := s.BeginOperation(ctx, Operation{Kind: "x", Facts: json.RawMessage("{")})
			return err
		}(), ErrInvalid},
		{"unencodable facts", s.UpdateOperation(ctx, 1, "x", func() {}), ErrInvalid},
		{"update missing", s.UpdateOperation(ctx, 99, "x", nil), ErrNotFound},
		{"finish running", s.FinishOperation(ctx, 1, OpRunning, ""), ErrInvalid},
		{"finish missing", s.FinishOperation(ctx, 99, OpSucceeded, ""), ErrNotFound},
		{"get missing", func() error { _, err := s.GetOperation(ctx, 99); return err }(), ErrNotFound},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.err, tt.want)
		}
	}
}

func TestListOperations(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	for i, dep := range []int64{1, 2, 1, 1} {
		if _, err := s.BeginOperation(ctx, Operation{DeploymentID: dep, Kind: OpKind(fmt.Sprint("op", i)),
			StartedAt: fixedTime.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		dep   int64
		limit int
		want  []string
	}{
		{1, 0, []string{"op3", "op2", "op0"}},
		{1, 2, []string{"op3", "op2"}},
		{0, 0, []string{"op3", "op2", "op1", "op0"}},
		{7, 0, []string{}},
	}
	for _, tt := range tests {
		list, err := s.ListOperations(ctx, tt.dep, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		got := []string{}
		for _, op := range list {
			got = append(got, string(op.Kind))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("dep %d limit %d: got %q, want %q", tt.dep, tt.limit, got, tt.want)
		}
	}
}

// TestConcurrentWritesRetryConflicts hammers one row from many goroutines:
// DuckDB's write conflicts are retried inside the store.
func TestConcurrentWritesRetryConflicts(t *testing.T) {
	ctx := context.Background()
	s, _ := newFileStore(t)
	id, err := s.BeginOperation(ctx, Operation{Kind: "stress"})
	if err != nil {
		t.Fatal(err)
	}
	const workers, rounds = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*2)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				errs <- s.UpdateOperation(ctx, id, fmt.Sprintf("w%d-r%d", w, r), map[string]int{"w": w, "r": r})
				_, err := s.InsertBackup(ctx, sampleBackup(int64(w), fmt.Sprintf("w%d-r%d", w, r), fixedTime))
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListBackups(ctx, 0)
	if err != nil || len(list) != workers*rounds {
		t.Fatalf("%d backups (%v), want %d", len(list), err, workers*rounds)
	}
}

func TestClosedStore(t *testing.T) {
	s, err := openMemory()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, err := s.ListBackups(context.Background(), 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v, want ErrClosed", err)
	}
}
