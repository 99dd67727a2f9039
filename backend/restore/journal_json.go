package restore

import (
	"encoding/json"
	"fmt"

	"rewind/backend/archive"
)

// The journal names top-level entries and carried paths, which may be any
// bytes; recovery renames by these names, so they travel faithfully: a name
// that is not UTF-8 also goes as base64 beside its readable form
// (archive.NameToJSON).

type swapFields swap

type swapJSON struct {
	swapFields
	TargetBase64 string `json:"targetBase64,omitempty"`
}

func (s swap) MarshalJSON() ([]byte, error) {
	j := swapJSON{swapFields: swapFields(s)}
	j.Target, j.TargetBase64 = archive.NameToJSON(s.Target)
	return json.Marshal(j)
}

func (s *swap) UnmarshalJSON(data []byte) error {
	var j swapJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	var err error
	if j.Target, err = archive.NameFromJSON(j.Target, j.TargetBase64); err != nil {
		return fmt.Errorf("swap target: %w", err)
	}
	*s = swap(j.swapFields)
	return nil
}

type factsFields facts

type factsJSON struct {
	factsFields
	CarriedBase64 []string `json:"carriedBase64,omitempty"`
}

func (f facts) MarshalJSON() ([]byte, error) {
	j := factsJSON{factsFields: factsFields(f)}
	j.Carried, j.CarriedBase64 = archive.NamesToJSON(f.Carried)
	return json.Marshal(j)
}

func (f *facts) UnmarshalJSON(data []byte) error {
	var j factsJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	var err error
	if j.Carried, err = archive.NamesFromJSON(j.Carried, j.CarriedBase64); err != nil {
		return fmt.Errorf("carried: %w", err)
	}
	*f = facts(j.factsFields)
	return nil
}
