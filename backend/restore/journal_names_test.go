package restore

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"rewind/backend/op"
)

// Recovery renames entries by the names in the journal: a top-level name
// that is not UTF-8 must come back from the journal file and from the
// operations row byte for byte (encoding/json alone turns its stray bytes
// into U+FFFD, and recovery would look for an entry that does not exist).
func TestJournalKeepsOddNames(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := facts{Work: t.TempDir(), Carried: []string{"data", "up\xffloads/keep\n"},
		Swaps: []swap{{Target: "r\xe9sum\xe9.pdf", StagedIno: 7}, {Target: "app", LiveIno: 9, Done: true}}}
	o := op.For(f.r.Kernel, &Spec, f.dep, &in)
	o.File = journalFile(in.Work)
	ctx, err := o.Begin(ctx, "test", Planning)
	if err != nil {
		t.Fatal(err)
	}
	defer o.End(ctx, &err)
	if err := o.Step(ctx, Carried); err != nil {
		t.Fatal(err)
	}
	fromFile, err := loadFacts(in.Work)
	if err != nil {
		t.Fatal(err)
	}
	row, err := f.st.GetOperation(ctx, o.ID())
	if err != nil {
		t.Fatal(err)
	}
	var fromRow facts
	if err := json.Unmarshal(row.Facts, &fromRow); err != nil {
		t.Fatal(err)
	}
	for where, out := range map[string]facts{"file": fromFile, "row": fromRow} {
		if !slices.Equal(out.Carried, in.Carried) || !slices.Equal(out.Swaps, in.Swaps) {
			t.Errorf("journal %s gave back carried %q, swaps %+v; want %q, %+v", where, out.Carried, out.Swaps, in.Carried, in.Swaps)
		}
	}
}
