package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"brook/backend/endpoints/kind/openaikind"
	"brook/backend/secrets"
	"brook/backend/store"
)

// startWithoutKeyring starts the backend as the window does, in dataHome,
// on a machine with no OS keyring. Stop it with shutdown.
func startWithoutKeyring(t *testing.T, dataHome string) *App {
	t.Helper()
	keyring.MockInitWithError(errors.New("no secret service on this bus"))
	t.Cleanup(keyring.MockInit)
	return startBackend(t, dataHome, "alpha:latest")
}

func TestKeysKeptInAFileSurviveARestart(t *testing.T) {
	const secret = "sk-live-kept-in-a-file-0123"
	home := t.TempDir()
	a := startWithoutKeyring(t, home)
	sets := &SettingsService{a}
	wantPath := filepath.Join(home, "brook", secrets.KeyFileName)

	ks, err := sets.KeyStorage()
	if err != nil || ks != (KeyStorage{Where: "session", Path: wantPath}) {
		t.Fatalf("KeyStorage = %+v, %v; want session at %s", ks, err, wantPath)
	}
	// A key typed before opting in moves to the file.
	ep, err := sets.SaveEndpoint(store.Endpoint{Name: "Cloud", Kind: openaikind.ID, BaseURL: "https://api.example.com/v1", Enabled: true}, secret, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := sets.SetKeyFile(true); err != nil {
		t.Fatal(err)
	}
	if ks, _ := sets.KeyStorage(); ks.Where != "file" || ks.Path != wantPath {
		t.Fatalf("after opting in: %+v", ks)
	}
	if fi, err := os.Lstat(wantPath); err != nil || (runtime.GOOS != "windows" && fi.Mode() != 0o600) {
		t.Fatalf("key file: %v, %v; want mode 0600", fi, err)
	}
	a.shutdown(context.Background())

	// Restarted: the choice and the key are still there.
	a = startWithoutKeyring(t, home)
	sets = &SettingsService{a}
	if ks, _ := sets.KeyStorage(); ks.Where != "file" {
		t.Fatalf("after a restart: %+v", ks)
	}
	if key, _ := a.keys.Get(ep.ID); key != secret {
		t.Fatalf("after a restart the key is %q", key)
	}
	// Stopping removes the file; the key stays for this session.
	if err := sets.SetKeyFile(false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(wantPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the key file is still there: %v", err)
	}
	if ks, _ := sets.KeyStorage(); ks.Where != "session" {
		t.Fatalf("after opting out: %+v", ks)
	}
	if key, _ := a.keys.Get(ep.ID); key != secret {
		t.Fatalf("after opting out the key is gone from this session: %q", key)
	}
	a.shutdown(context.Background())

	// The log files Brook wrote hold the change, never the key.
	var log strings.Builder
	files, _ := filepath.Glob(filepath.Join(home, "brook", "logs", "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		log.Write(b)
	}
	if strings.Contains(log.String(), secret) {
		t.Fatalf("the log holds the key:\n%s", log.String())
	}
	if strings.Count(log.String(), "key storage changed") != 2 {
		t.Fatalf("the changes are not logged (%d files):\n%s", len(files), log.String())
	}
}

func TestAKeyFileOthersCanReadIsRefusedAtStartUp(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes here")
	}
	home := t.TempDir()
	path := filepath.Join(home, "brook", secrets.KeyFileName)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"version":1,"keys":{"x":"sk-x"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	a := startWithoutKeyring(t, home)
	defer a.shutdown(context.Background())
	sets := &SettingsService{a}
	if n := sets.StartupNotice(); !strings.Contains(n, "chmod 600 "+path) {
		t.Fatalf("the start-up notice does not say how to fix it: %q", n)
	}
	if ks, _ := sets.KeyStorage(); ks.Where != "session" {
		t.Fatalf("a refused file is in use: %+v", ks)
	}
	if err := sets.SetKeyFile(true); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("opting in over a refused file: %v", err)
	}
}

// TestKeysInTheFileMoveIntoAKeyringThatAnswersLater: keys kept in the file
// while no keyring answered stay there when one does (unlocked, or started,
// by the next run), and Settings says how many; they move into the keyring,
// and the file goes, when the user says so.
func TestKeysInTheFileMoveIntoAKeyringThatAnswersLater(t *testing.T) {
	const secret = "sk-live-moved-into-the-keyring"
	home := t.TempDir()
	a := startWithoutKeyring(t, home)
	sets := &SettingsService{a}
	if err := sets.SetKeyFile(true); err != nil {
		t.Fatal(err)
	}
	ep, err := sets.SaveEndpoint(store.Endpoint{Name: "Cloud", Kind: openaikind.ID, BaseURL: "https://api.example.com/v1", Enabled: true}, secret, false)
	if err != nil {
		t.Fatal(err)
	}
	a.shutdown(context.Background())

	keyring.MockInit() // the keyring answers now
	a = startBackend(t, home, "alpha:latest")
	defer a.shutdown(context.Background())
	sets = &SettingsService{a}
	path := filepath.Join(home, "brook", secrets.KeyFileName)
	if ks, _ := sets.KeyStorage(); ks != (KeyStorage{Where: "keyring", Path: path, FileKeys: 1}) {
		t.Fatalf("with the keyring answering: %+v", ks)
	}
	if v, _ := keyring.Get(secrets.Service, ep.ID); v != "" {
		t.Fatal("the key left the file without the user's yes")
	}
	if key, _ := a.keys.Get(ep.ID); key != secret {
		t.Fatalf("the key waiting in the file is not used: %q", key)
	}
	if err := sets.MoveKeysToKeyring(); err != nil {
		t.Fatal(err)
	}
	if v, _ := keyring.Get(secrets.Service, ep.ID); v != secret {
		t.Fatalf("the key in the keyring: %q", v)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the key file is still there: %v", err)
	}
	if ks, _ := sets.KeyStorage(); ks.Where != "keyring" || ks.FileKeys != 0 {
		t.Fatalf("after the move: %+v", ks)
	}
}
