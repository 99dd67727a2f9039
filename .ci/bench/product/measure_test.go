package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		{"empty", nil, 0},
		{"one", []float64{3}, 3},
		{"odd, unsorted", []float64{9, 1, 5}, 5},
		{"even averages the middle two", []float64{4, 1, 3, 10}, 3.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := make([]sample, len(tt.in))
			for i, v := range tt.in {
				ss[i].wall = v
			}
			if got := median(ss, func(s sample) float64 { return s.wall }); got != tt.want {
				t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestSummaryPhases(t *testing.T) {
	ss := []sample{
		{phases: map[string]float64{"stage": 100, "swap": 10}},
		{phases: map[string]float64{"stage": 300, "swap": 30}},
		{phases: map[string]float64{"stage": 200, "swap": 20}},
	}
	got := summary(ss).phases
	if got["stage"] != 200 || got["swap"] != 20 {
		t.Errorf("summary phases = %v, want stage 200, swap 20", got)
	}
	if got := summary([]sample{{wall: 1}}).phases; got != nil {
		t.Errorf("summary without phases = %v, want nil", got)
	}
}

func TestPhasesOrder(t *testing.T) {
	got := phases(map[string]float64{"zeta": 1, "safetyCopy": 5, "stage": 2, "swap": 3, "alpha": 4})
	want := "stage 2, swap 3, safetyCopy 5, alpha 4, zeta 1"
	if got != want {
		t.Errorf("phases = %q, want %q", got, want)
	}
}

func TestWalkSkipsRootRewindDir(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"a.txt":             "12345",
		"sub/b.txt":         "123",
		"sub/.rewind/c.txt": "kept: only the root's .rewind is Rewind's",
		".rewind/lock":      "skipped",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, read := range []bool{false, true} {
		got, err := walk(dir, read)
		if err != nil {
			t.Fatal(err)
		}
		want := tree{files: 3, bytes: 5 + 3 + int64(len("kept: only the root's .rewind is Rewind's"))}
		if got != want {
			t.Errorf("walk(read=%v) = %+v, want %+v", read, got, want)
		}
	}
}
