package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// GetConfig decodes the setting key into dst (a pointer). found is false,
// and dst untouched, when the key was never set.
func (s *Store) GetConfig(ctx context.Context, key string, dst any) (found bool, err error) {
	if err := s.alive(); err != nil {
		return false, err
	}
	var text string
	err = s.db.QueryRowContext(ctx, `SELECT value::VARCHAR FROM app_config WHERE key = ?`, key).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("get config %q: %w", key, err)
	}
	if err := json.Unmarshal([]byte(text), dst); err != nil {
		return true, fmt.Errorf("decode config %q: %w", key, err)
	}
	return true, nil
}

// SetConfig stores v, encoded with encoding/json, under key, and brings the
// settings file up to date.
func (s *Store) SetConfig(ctx context.Context, key string, v any) error {
	if err := s.setConfig(ctx, key, v); err != nil {
		return err
	}
	return settingsSaved(s.saveSettings(ctx))
}

func (s *Store) setConfig(ctx context.Context, key string, v any) error {
	if key == "" {
		return invalidf("empty config key")
	}
	text, err := encodeJSON(v)
	if err != nil {
		return err
	}
	if _, err := s.exec(ctx, `INSERT INTO app_config (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, text); err != nil {
		return fmt.Errorf("set config %q: %w", key, err)
	}
	return nil
}
