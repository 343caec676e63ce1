// Package credentials keeps the embedded store's generated accounts: one
// password file per role in a private directory, created on the first
// start and read by every client of the store (the exporter, kaizen,
// Grafana's provisioning), so a new install is protected with zero setup.
package credentials

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The accounts' user names.
const (
	ReaderUser = "kaizen_reader"
	WriterUser = "kaizen_writer"
)

// File names of the passwords inside the credentials directory.
const (
	ReaderFile = "reader.password"
	WriterFile = "writer.password"
)

// DirName is the credentials directory's name inside the store's data
// path.
const DirName = "credentials"

// Dir returns the credentials directory of a store's data path.
func Dir(dataPath string) string { return filepath.Join(dataPath, DirName) }

// Passwords are the two accounts' passwords.
type Passwords struct {
	Reader, Writer string
}

// Ensure returns the passwords kept in dir, first creating the directory
// (0700) and any missing password file (0600, 32 random bytes in base64url)
// so existing ones, which clients already use, are kept.
func Ensure(dir string) (Passwords, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Passwords{}, fmt.Errorf("create credentials directory %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return Passwords{}, fmt.Errorf("restrict credentials directory %s: %w", dir, err)
	}
	var p Passwords
	for _, f := range []struct {
		name string
		dst  *string
	}{{ReaderFile, &p.Reader}, {WriterFile, &p.Writer}} {
		path := filepath.Join(dir, f.name)
		if err := create(path); err != nil {
			return Passwords{}, err
		}
		pw, err := Read(path)
		if err != nil {
			return Passwords{}, err
		}
		*f.dst = pw
	}
	return p, nil
}

// create writes a fresh random password to path unless the file exists;
// O_EXCL makes two starting processes agree on one password.
func create(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create password file %s: %w", path, err)
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	_, werr := f.WriteString(base64.RawURLEncoding.EncodeToString(b) + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = os.Remove(path)
		return fmt.Errorf("write password file %s: %w", path, werr)
	}
	return nil
}

// Read returns the password kept in a password file (its first line), and
// refuses a file others can read or an empty one.
func Read(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("password file: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("password file %s is readable by others (mode %v): chmod 600 it", path, info.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("password file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pw := strings.TrimRight(line, "\r")
	if pw == "" {
		return "", fmt.Errorf("password file %s is empty", path)
	}
	return pw, nil
}
