package compose

import (
	"errors"
	"testing"
)

func TestInterpolate(t *testing.T) {
	env := map[string]string{"V": "1.4", "EMPTY": "", "REG": "r.local", "A_1": "a"}
	for _, tc := range []struct {
		in, want string
		wantErr  error
	}{
		{in: "shop:${V}", want: "shop:1.4"},
		{in: "shop:$V", want: "shop:1.4"},
		{in: "$A_1-x", want: "a-x"},
		{in: "${MISSING}", want: ""},
		{in: "${MISSING:-16}", want: "16"},
		{in: "${EMPTY:-16}", want: "16"},
		{in: "${EMPTY-16}", want: ""},
		{in: "${MISSING-16}", want: "16"},
		{in: "${V:+set}", want: "set"},
		{in: "${EMPTY:+set}", want: ""},
		{in: "${EMPTY+set}", want: "set"},
		{in: "${MISSING:-${REG}/x}:${V}", want: "r.local/x:1.4"},
		{in: "$$V costs $$5", want: "$V costs $5"},
		{in: "100$", want: "100$"},
		{in: "a $ b", want: "a $ b"},
		{in: "${V:?needed}", want: "1.4"},
		{in: "${EMPTY?needed}", want: ""},
		{in: "${EMPTY:?needed}", wantErr: ErrRequiredVariable},
		{in: "${MISSING?needed}", wantErr: ErrRequiredVariable},
		{in: "${V", wantErr: errSyntax},
		{in: "${1X}", wantErr: errSyntax},
		{in: "${V/x}", wantErr: errSyntax},
	} {
		got, err := Interpolate(tc.in, mapLookup(env))
		switch {
		case tc.wantErr == errSyntax:
			if err == nil {
				t.Errorf("Interpolate(%q) = %q, want a syntax error", tc.in, got)
			}
		case tc.wantErr != nil:
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("Interpolate(%q) error = %v, want %v", tc.in, err, tc.wantErr)
			}
		case err != nil || got != tc.want:
			t.Errorf("Interpolate(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

var errSyntax = errors.New("any syntax error")
