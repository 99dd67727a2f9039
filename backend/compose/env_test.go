package compose

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"testing"
)

func TestReadEnv(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		want    map[string]string
		wantErr error
	}{
		{name: "basic", content: "A=1\nB=two\n", want: map[string]string{"A": "1", "B": "two"}},
		{name: "comments and blanks", content: "# c\n\n  # indented\nA=1\n", want: map[string]string{"A": "1"}},
		{name: "export prefix and spaces", content: "export A=1\n  B = 2 \nexported=3\n",
			want: map[string]string{"A": "1", "B": "2", "exported": "3"}},
		{name: "inline comment", content: "A=1.2 # current\nB=a#b\nC=x\t# tab\n",
			want: map[string]string{"A": "1.2", "B": "a#b", "C": "x"}},
		{name: "single quotes are literal", content: "A='$B # not a comment'\n",
			want: map[string]string{"A": "$B # not a comment"}},
		{name: "double quotes", content: `A="x \"q\" \\ \n" # c` + "\n",
			want: map[string]string{"A": "x \"q\" \\ \n"}},
		{name: "expansion", content: "V=1\nIMG=shop:${V}\nD=${NOPE:-def}\nE=\"$V\"\nF=\"\\$V\"\n",
			want: map[string]string{"V": "1", "IMG": "shop:1", "D": "def", "E": "1", "F": "$V"}},
		{name: "later wins", content: "A=1\nA=2\n", want: map[string]string{"A": "2"}},
		{name: "multi-line double quoted", content: "A=\"l1\nl2\"\nB=3\n", want: map[string]string{"A": "l1\nl2", "B": "3"}},
		{name: "CRLF", content: "A=1\r\nB='2'\r\n", want: map[string]string{"A": "1", "B": "2"}},
		{name: "empty values", content: "A=\nB=''\nC=\"\"\n", want: map[string]string{"A": "", "B": "", "C": ""}},
		{name: "no final newline", content: "A=1", want: map[string]string{"A": "1"}},
		{name: "bare name skipped", content: "FROM_SHELL\nA=1\n", want: map[string]string{"A": "1"}},
		{name: "invalid key", content: "A B=1\n", wantErr: ErrEnvSyntax},
		{name: "unterminated single", content: "A='x\n", wantErr: ErrEnvSyntax},
		{name: "unterminated double", content: "A=\"x\n", wantErr: ErrEnvSyntax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), ".env")
			writeFile(t, path, tc.content)
			got, err := ReadEnv(path)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("ReadEnv = %v, %v; want error %v", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || !maps.Equal(got, tc.want) {
				t.Fatalf("ReadEnv = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if _, err := ReadEnv(filepath.Join(t.TempDir(), ".env")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadEnv of a missing file: %v, want fs.ErrNotExist", err)
	}
}

func TestSetEnvValue(t *testing.T) {
	for _, tc := range []struct {
		name       string
		content    string // "" with missing=true: no file
		missing    bool
		key, value string
		want       string
	}{
		{name: "unquoted keeps comments and order",
			content: "# versions\nAPP_VERSION=1.3 # running\n\nDB=pg\n", key: "APP_VERSION", value: "1.4",
			want: "# versions\nAPP_VERSION=1.4 # running\n\nDB=pg\n"},
		{name: "double quotes kept",
			content: "A=1\nAPP_VERSION=\"1.3\"\n", key: "APP_VERSION", value: "2.0",
			want: "A=1\nAPP_VERSION=\"2.0\"\n"},
		{name: "single quotes kept",
			content: "APP_VERSION='1.3'  # c\n", key: "APP_VERSION", value: "2.0",
			want: "APP_VERSION='2.0'  # c\n"},
		{name: "export and spacing kept",
			content: "  export APP_VERSION =  1.3\n", key: "APP_VERSION", value: "1.4",
			want: "  export APP_VERSION =  1.4\n"},
		{name: "value needing quotes",
			content: "A=x\n", key: "A", value: "two words $HOME",
			want: "A='two words $HOME'\n"},
		{name: "value with a quote in single-quoted line",
			content: "A='x'\n", key: "A", value: `it's "$x"`,
			want: `A="it's \"\$x\""` + "\n"},
		{name: "every assignment of the key",
			content: "A=1\nB=2\nA=3\n", key: "A", value: "10",
			want: "A=10\nB=2\nA=10\n"},
		{name: "appended when absent",
			content: "A=1\n", key: "APP_VERSION", value: "1.4",
			want: "A=1\nAPP_VERSION=1.4\n"},
		{name: "appended after a last line without newline",
			content: "A=1", key: "B", value: "2",
			want: "A=1\nB=2\n"},
		{name: "CRLF kept",
			content: "A=1\r\nB=2\r\n", key: "A", value: "5",
			want: "A=5\r\nB=2\r\n"},
		{name: "CRLF append",
			content: "A=1\r\n", key: "B", value: "2",
			want: "A=1\r\nB=2\r\n"},
		{name: "multi-line value replaced",
			content: "A=\"l1\nl2\" # c\nB=2\n", key: "A", value: "one",
			want: "A=\"one\" # c\nB=2\n"},
		{name: "similar names untouched",
			content: "APP_VERSION_OLD=1\nAPP_VERSION=2\n#APP_VERSION=0\n", key: "APP_VERSION", value: "3",
			want: "APP_VERSION_OLD=1\nAPP_VERSION=3\n#APP_VERSION=0\n"},
		{name: "empty value",
			content: "A=1\n", key: "A", value: "",
			want: "A=\n"},
		{name: "missing file created", missing: true, key: "APP_VERSION", value: "1.0",
			want: "APP_VERSION=1.0\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, ".env")
			if !tc.missing {
				writeFile(t, path, tc.content)
				if err := os.Chmod(path, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := SetEnvValue(path, tc.key, tc.value); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("content = %q, want %q", got, tc.want)
			}
			env, err := ReadEnv(path)
			if err != nil || env[tc.key] != tc.value {
				t.Errorf("read back %s = %q (%v), want %q", tc.key, env[tc.key], err, tc.value)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			wantMode := os.FileMode(0o600)
			if tc.missing {
				wantMode = 0o644
			}
			if st.Mode().Perm() != wantMode {
				t.Errorf("mode = %v, want %v", st.Mode().Perm(), wantMode)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("directory holds %d entries, want only .env (temporary file left behind?)", len(entries))
			}
		})
	}
}

func TestSetEnvValueRefuses(t *testing.T) {
	const content = "A=1\n"
	for _, tc := range []struct {
		name, content, key, value string
		wantErr                   error
	}{
		{"newline in value", content, "A", "1\nB=2", ErrEnvValue},
		{"bad key", content, "A B", "1", ErrEnvValue},
		{"empty key", content, "", "1", ErrEnvValue},
		{"unparsable file", "A='open\n", "A", "2", ErrEnvSyntax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), ".env")
			writeFile(t, path, tc.content)
			if err := SetEnvValue(path, tc.key, tc.value); !errors.Is(err, tc.wantErr) {
				t.Fatalf("SetEnvValue error = %v, want %v", err, tc.wantErr)
			}
			if got, _ := os.ReadFile(path); string(got) != tc.content {
				t.Fatalf("file changed to %q", got)
			}
		})
	}
}

func TestSetEnvValueThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "shared.env")
	writeFile(t, real, "A=1\n")
	link := filepath.Join(dir, ".env")
	if err := os.Symlink("shared.env", link); err != nil {
		t.Fatal(err)
	}
	if err := SetEnvValue(link, "A", "2"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the .env symlink was replaced: %v %v", fi, err)
	}
	if got, _ := os.ReadFile(real); string(got) != "A=2\n" {
		t.Fatalf("target = %q, want %q", got, "A=2\n")
	}
}
