package compose

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
)

// Service is one service of a compose file.
type Service struct {
	Name  string `json:"name"`
	Image string `json:"image"` // interpolated; "" for a build-only service
	// HasHealthcheck: the compose file declares an enabled healthcheck. The
	// image may define one too; the engine's inspect is what counts at run time.
	HasHealthcheck bool `json:"hasHealthcheck"`
}

type serviceDef struct {
	Image       string `yaml:"image"`
	Healthcheck *struct {
		Test    any  `yaml:"test"`
		Disable bool `yaml:"disable"`
	} `yaml:"healthcheck"`
}

// Services lists the services of dir's compose file, sorted by name, with
// image references interpolated from env. A nil env means dir/.env (if any).
// Only the one compose file is read: no overrides, extends or include.
func Services(dir string, env map[string]string) ([]Service, error) {
	file, err := FindFile(dir)
	if err != nil {
		return nil, err
	}
	if env == nil {
		env, err = ReadEnv(filepath.Join(dir, ".env"))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	var doc struct {
		Services map[string]*serviceDef `yaml:"services"`
	}
	if err := readYAML(file, &doc); err != nil {
		return nil, err
	}
	out := make([]Service, 0, len(doc.Services))
	for name, def := range doc.Services {
		s := Service{Name: name}
		if def != nil {
			img, err := Interpolate(def.Image, mapLookup(env))
			if err != nil {
				return nil, fmt.Errorf("%s: service %s: image: %w", file, name, err)
			}
			s.Image = img
			s.HasHealthcheck = def.Healthcheck != nil && !def.Healthcheck.Disable && !testIsNone(def.Healthcheck.Test)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// testIsNone reports a healthcheck test of ["NONE"], which disables the check.
func testIsNone(t any) bool {
	if l, ok := t.([]any); ok && len(l) > 0 {
		s, _ := l[0].(string)
		return s == "NONE"
	}
	return false
}
