package credentials

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnsureCreatesOnceAndKeeps(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "credentials")
	first, err := Ensure(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Reader) < 40 || len(first.Writer) < 40 || first.Reader == first.Writer {
		t.Fatalf("passwords %q / %q: want two distinct 43-character secrets", first.Reader, first.Writer)
	}
	for name, want := range map[string]os.FileMode{"": 0o700, ReaderFile: 0o600, WriterFile: 0o600} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s mode %v, want %v", name, got, want)
		}
	}
	again, err := Ensure(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Errorf("second Ensure changed the passwords")
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, content string
		mode          os.FileMode
		want, wantErr string
	}{
		{name: "ok", content: "s3cret\n", mode: 0o600, want: "s3cret"},
		{name: "crlf", content: "s3cret\r\nignored", mode: 0o600, want: "s3cret"},
		{name: "empty", content: "\n", mode: 0o600, wantErr: "is empty"},
		{name: "world readable", content: "s3cret", mode: 0o644, wantErr: "readable by others"},
		{name: "missing", wantErr: "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			if tt.mode != 0 {
				if err := os.WriteFile(path, []byte(tt.content), tt.mode); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tt.mode); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Read(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Read = %q, %v; want error %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Read = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
