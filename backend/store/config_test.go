package store

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
)

type retention struct {
	KeepLast int    `json:"keepLast"`
	KeepDays int    `json:"keepDays"`
	Note     string `json:"note"`
}

func TestConfigRoundTrip(t *testing.T) {
	ctx := context.Background()
	stores(t, func(t *testing.T, s *Store) {
		tests := []struct {
			key  string
			val  any
			dst  func() any
			want any
		}{
			{"quotes", `say "hi" ' \ ; DROP TABLE app_config; --`, func() any { return new(string) }, nil},
			{"unicode", "中文 — émoji 🎉 \u0000 nul", func() any { return new(string) }, nil},
			{"number", 42.5, func() any { return new(float64) }, nil},
			{"bool", true, func() any { return new(bool) }, nil},
			{"struct", retention{KeepLast: 5, KeepDays: 30, Note: `"x"`}, func() any { return new(retention) }, nil},
			{"list", []string{"a", `b"c`}, func() any { return new([]string) }, nil},
			{"map", map[string]any{"k": []any{1.0, "二"}}, func() any { return new(map[string]any) }, nil},
		}
		for _, tt := range tests {
			if err := s.SetConfig(ctx, tt.key, tt.val); err != nil {
				t.Fatalf("%s: %v", tt.key, err)
			}
			dst := tt.dst()
			found, err := s.GetConfig(ctx, tt.key, dst)
			if err != nil || !found {
				t.Fatalf("%s: found %v, %v", tt.key, found, err)
			}
			got := reflect.ValueOf(dst).Elem().Interface()
			if !reflect.DeepEqual(got, tt.val) {
				t.Errorf("%s: got %#v, want %#v", tt.key, got, tt.val)
			}
			var stored string
			if err := s.db.QueryRow(`SELECT value::VARCHAR FROM app_config WHERE key = ?`, tt.key).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(tt.val)
			if stored != string(want) {
				t.Errorf("%s: stored %s, want %s", tt.key, stored, want)
			}
		}
		if err := s.SetConfig(ctx, "quotes", "replaced"); err != nil {
			t.Fatal(err)
		}
		var v string
		if _, err := s.GetConfig(ctx, "quotes", &v); err != nil || v != "replaced" {
			t.Fatalf("overwrite: %q, %v", v, err)
		}
		untouched := "default"
		found, err := s.GetConfig(ctx, "missing", &untouched)
		if err != nil || found || untouched != "default" {
			t.Fatalf("missing key: found %v, %v, dst %q", found, err, untouched)
		}
	})
}
