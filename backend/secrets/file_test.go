package secrets

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"brook/backend/applog"
)

// noKeyring returns a Store that found no OS keyring, with its key file at
// path.
func noKeyring(t *testing.T, path string) (*Store, error) {
	t.Helper()
	s := New("BrookTest")
	s.os = absentKeyring{} // as if no keyring answered
	return s, s.UseFile(path)
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}

func where(s *Store) Location { l, _ := s.Where(); return l }

func TestKeyFileIsWrittenOnlyForTheUser(t *testing.T) {
	if !checkPerms {
		t.Skip("no Unix modes here")
	}
	dir := filepath.Join(t.TempDir(), "brook") // not there yet: created 0700
	path := filepath.Join(dir, KeyFileName)
	s, err := noKeyring(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if where(s) != InSession || s.Available() {
		t.Fatalf("before opting in: %s, available %v", where(s), s.Available())
	}
	if err := s.SetFile(true); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, dir); m.Perm() != 0o700 {
		t.Fatalf("folder mode %v, want 0700", m)
	}
	steps := []struct {
		name string
		do   func() error
	}{
		{"opted in", func() error { return nil }},
		{"key added (atomic rewrite)", func() error { return s.Set("ep1", "sk-one") }},
		{"key changed", func() error { return s.Set("ep1", "sk-two") }},
		{"key deleted", func() error { return s.Delete("ep1") }},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.do(); err != nil {
				t.Fatal(err)
			}
			if m := mode(t, path); m != keyFileMode {
				t.Fatalf("file mode %v, want exactly -rw-------", m)
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
			if len(left) != 0 {
				t.Fatalf("temporary files left: %v", left)
			}
		})
	}
}

func TestKeyFileIsRefused(t *testing.T) {
	valid := []byte(`{"version":1,"keys":{"ep1":"sk-file"}}`)
	tests := []struct {
		name    string
		skip    bool
		prepare func(t *testing.T, path string)
		want    string // in the error
	}{
		{"readable by the group", !checkPerms, func(t *testing.T, path string) {
			must(t, os.WriteFile(path, valid, 0o640))
			must(t, os.Chmod(path, 0o640))
		}, "chmod 600 "},
		{"readable by everyone", !checkPerms, func(t *testing.T, path string) {
			must(t, os.WriteFile(path, valid, 0o644))
			must(t, os.Chmod(path, 0o644))
		}, "chmod 600 "},
		{"a symbolic link", false, func(t *testing.T, path string) {
			target := filepath.Join(filepath.Dir(path), "elsewhere.json")
			must(t, os.WriteFile(target, valid, 0o600))
			if err := os.Symlink(target, path); err != nil {
				t.Skip("no symbolic links here:", err)
			}
		}, "symbolic link"},
		{"a folder", false, func(t *testing.T, path string) { must(t, os.Mkdir(path, 0o700)) }, "not a regular file"},
		{"not Brook's", false, func(t *testing.T, path string) {
			must(t, os.WriteFile(path, []byte(`{"sk-file": true}`), 0o600))
		}, "not one Brook wrote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.skip {
				t.Skip("no Unix modes here")
			}
			path := filepath.Join(t.TempDir(), KeyFileName)
			tt.prepare(t, path)
			s, err := noKeyring(t, path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("UseFile = %v; want an error saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "sk-file") {
				t.Fatalf("the error quotes the key: %v", err)
			}
			if where(s) != InSession {
				t.Fatalf("a refused file is in use: %s", where(s))
			}
			if v, _ := s.Get("ep1"); v != "" {
				t.Fatalf("a key was read from a refused file: %q", v)
			}
			// Opting in does not overwrite it either.
			if err := s.SetFile(true); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("SetFile(true) = %v; want an error saying %q", err, tt.want)
			}
			if where(s) != InSession {
				t.Fatalf("after a refused opt-in: %s", where(s))
			}
		})
	}
}

func TestKeyFileChoiceSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), KeyFileName)
	s, err := noKeyring(t, path)
	if err != nil {
		t.Fatal(err)
	}
	// Keys typed before opting in move to the file.
	must(t, s.Set("ep1", "sk-typed-earlier"))
	must(t, s.SetFile(true))
	must(t, s.Set("ep2", "sk-typed-after"))
	if l, p := s.Where(); l != InFile || p != path {
		t.Fatalf("Where = %s, %s", l, p)
	}
	if !s.Available() {
		t.Fatal("with the file, keys survive a restart: Available should say so")
	}

	// A new Store (Brook restarted) finds the choice and the keys.
	again, err := noKeyring(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if where(again) != InFile {
		t.Fatalf("after a restart: %s", where(again))
	}
	for id, want := range map[string]string{"ep1": "sk-typed-earlier", "ep2": "sk-typed-after"} {
		if v, err := again.Get(id); err != nil || v != want {
			t.Fatalf("after a restart, Get(%s) = %q, %v; want %q", id, v, err, want)
		}
	}

	// Opting out keeps the keys for this session and removes the file.
	must(t, again.SetFile(false))
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the file is still there after opting out: %v", err)
	}
	if v, _ := again.Get("ep1"); v != "sk-typed-earlier" || where(again) != InSession {
		t.Fatalf("after opting out: Get = %q, %s", v, where(again))
	}
	must(t, again.Set("ep3", "sk-3"))
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("a key set after opting out wrote the file again")
	}

	// And after another restart, nothing is kept.
	third, err := noKeyring(t, path)
	if err != nil || where(third) != InSession {
		t.Fatalf("after opting out and restarting: %s, %v", where(third), err)
	}
	if v, _ := third.Get("ep1"); v != "" {
		t.Fatalf("a key survived opting out: %q", v)
	}
}

func TestKeyFileMergesWithKeysItHolds(t *testing.T) {
	path := filepath.Join(t.TempDir(), KeyFileName)
	must(t, writeKeyFile(path, map[string]string{"old": "sk-old", "ep1": "sk-stale"}))
	must(t, os.Rename(path, path+".away")) // as if refused at start-up, then put back
	s, err := noKeyring(t, path)
	must(t, err)
	must(t, s.Set("ep1", "sk-new"))
	must(t, os.Rename(path+".away", path))
	must(t, s.SetFile(true))
	for id, want := range map[string]string{"old": "sk-old", "ep1": "sk-new"} {
		if v, _ := s.Get(id); v != want {
			t.Fatalf("Get(%s) = %q, want %q", id, v, want)
		}
	}
	keys, err := readKeyFile(path)
	if err != nil || keys["ep1"] != "sk-new" || keys["old"] != "sk-old" {
		t.Fatalf("file holds %d keys, %v", len(keys), err)
	}
}

func TestKeyFileNotUsedWithAKeyring(t *testing.T) {
	path := filepath.Join(t.TempDir(), KeyFileName)
	keyring.MockInit()
	s := New("BrookTest")
	must(t, s.UseFile(path))
	if where(s) != InKeyring {
		t.Fatalf("Where = %s", where(s))
	}
	if err := s.SetFile(true); err == nil {
		t.Fatal("opting in with a working keyring: want an error")
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the file was written although the keyring works")
	}
}

// TestKeyFileKeysNeverLogged logs what Brook would log about the key file
// (its place, and every error on the way) and checks no key comes out.
func TestKeyFileKeysNeverLogged(t *testing.T) {
	const secret = "sk-live-0123456789abcdef"
	var buf bytes.Buffer
	log := applog.New(&buf, nil, applog.Options{Content: true})
	dir := t.TempDir()
	path := filepath.Join(dir, KeyFileName)

	s, err := noKeyring(t, path)
	must(t, err)
	must(t, s.Set("ep1", secret))
	must(t, s.SetFile(true))
	l, p := s.Where()
	log.Info("key storage", "where", l, "path", p)

	// A file others can read, one that is not Brook's, one Brook cannot write.
	if checkPerms {
		must(t, os.Chmod(path, 0o644))
		_, err = noKeyring(t, path)
		log.Error("key file", "err", err)
		must(t, os.Chmod(path, 0o600))
	}
	must(t, os.WriteFile(path, []byte(`{"version":1,"keys":{"ep1":"`+secret+`"},"x":"`+secret+`"}`), 0o600))
	_, err = noKeyring(t, path)
	log.Error("key file", "err", err)
	must(t, os.WriteFile(path, []byte(`{"version":1,"keys":{"ep1":`+secret+`}}`), 0o600))
	_, err = noKeyring(t, path)
	log.Error("key file", "err", err)
	must(t, os.Remove(path))
	must(t, os.Mkdir(path, 0o700))
	log.Error("key file", "err", s.Set("ep2", secret))

	out := buf.String()
	if strings.Contains(out, secret) {
		t.Fatalf("the log holds the key:\n%s", out)
	}
	if strings.Count(out, "level=ERROR") < 3 || !strings.Contains(out, path) {
		t.Fatalf("the log does not say what went wrong, and where:\n%s", out)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
