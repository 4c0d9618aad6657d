package secrets

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// TestAKeyringThatAnswersLaterIsUsed: at first the keyring does not answer
// (locked, or its service not started yet), so a key typed then is kept for
// the session; once it answers, the next key Brook needs finds it there, and
// the session's key moves into it, never to be lost at quit.
func TestAKeyringThatAnswersLaterIsUsed(t *testing.T) {
	keyring.MockInitWithError(errors.New("the collection is locked"))
	t.Cleanup(keyring.MockInit)
	s := New("BrookTest")
	if s.Available() || where(s) != InSession {
		t.Fatalf("with no keyring answering: %s", where(s))
	}
	keyring.MockInit() // it answers now, but was asked a moment ago
	if where(s) != InSession {
		t.Fatal("a keyring that just failed was asked again at once")
	}
	keyring.MockInitWithError(errors.New("the collection is locked"))
	s.failedAt = time.Now().Add(-s.reaskAfter) // a while later
	if s.Available() || where(s) != InSession {
		t.Fatalf("with no keyring answering: %s", where(s))
	}
	if err := s.Set("ep1", "sk-typed-while-locked"); err != nil {
		t.Fatal(err)
	}
	keyring.MockInit() // it answers now
	s.failedAt = time.Now().Add(-s.reaskAfter)
	if v, err := s.Get("ep1"); err != nil || v != "sk-typed-while-locked" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if where(s) != InKeyring || !s.Available() {
		t.Fatalf("once the keyring answers: %s", where(s))
	}
	if v, _ := keyring.Get("BrookTest", "ep1"); v != "sk-typed-while-locked" {
		t.Fatalf("the session's key did not move into the keyring: %q", v)
	}
}

// absentKeyring is a machine without an OS keyring: every question fails at once.
type absentKeyring struct{}

func (absentKeyring) Get(string, string) (string, error) { return "", errors.New("no secret service") }
func (absentKeyring) Set(string, string, string) error   { return errors.New("no secret service") }
func (absentKeyring) Delete(string, string) error        { return errors.New("no secret service") }

// lockedKeyring is a keyring whose collection is locked: every question
// waits on its unlock prompt until the user unlocks it, then it answers as
// go-keyring's mock does.
type lockedKeyring struct {
	unlocked chan struct{}
	asked    chan struct{} // a question began
}

func (k lockedKeyring) wait() {
	select {
	case k.asked <- struct{}{}:
	default:
	}
	<-k.unlocked
}
func (k lockedKeyring) Get(s, u string) (string, error) { k.wait(); return keyring.Get(s, u) }
func (k lockedKeyring) Set(s, u, v string) error        { k.wait(); return keyring.Set(s, u, v) }
func (k lockedKeyring) Delete(s, u string) error        { k.wait(); return keyring.Delete(s, u) }

// TestALockedKeyringIsUsedOnceUnlocked: the probe outlasts its timeout on a
// locked keyring, so keys go to the session meanwhile, without a second
// prompt for each key; the unlock answers the waiting question, and the
// session's keys move into the keyring with nothing polling.
func TestALockedKeyringIsUsedOnceUnlocked(t *testing.T) {
	keyring.MockInit()
	locked := lockedKeyring{unlocked: make(chan struct{}), asked: make(chan struct{}, 8)}
	s := New("BrookTest")
	s.os, s.probeTimeout = locked, 20*time.Millisecond
	if s.Available() {
		t.Fatal("a locked keyring counted as available")
	}
	if err := s.Set("ep1", "sk-session"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Get("ep1"); v != "sk-session" || where(s) != InSession {
		t.Fatalf("while locked: Get %q, %s", v, where(s))
	}
	if n := len(locked.asked); n != 1 {
		t.Fatalf("the keyring was asked %d times while its first question waited, want once", n)
	}
	close(locked.unlocked)
	deadline := time.Now().Add(5 * time.Second)
	for where(s) != InKeyring {
		if time.Now().After(deadline) {
			t.Fatal("the unlocked keyring is not used")
		}
		time.Sleep(time.Millisecond)
	}
	if v, _ := keyring.Get("BrookTest", "ep1"); v != "sk-session" {
		t.Fatalf("the session's key is not in the keyring: %q", v)
	}
	if v, _ := s.Get("ep1"); v != "sk-session" {
		t.Fatalf("Get = %q", v)
	}
}

// TestKeyFileKeysMoveIntoTheKeyringOnlyWhenAsked: keys the user chose to keep
// in the file while there was no keyring stay there, and are still read,
// when a keyring answers; they move, and the file goes, only when the user
// says so. A key the keyring already holds is not overwritten.
func TestKeyFileKeysMoveIntoTheKeyringOnlyWhenAsked(t *testing.T) {
	path := filepath.Join(t.TempDir(), KeyFileName)
	s, err := noKeyring(t, path)
	must(t, err)
	must(t, s.SetFile(true))
	must(t, s.Set("ep1", "sk-one"))
	must(t, s.Set("ep2", "sk-two"))

	keyring.MockInit()
	must(t, keyring.Set("BrookTest", "ep2", "sk-two-newer"))
	s.os, s.failedAt = goKeyring{}, time.Time{} // the keyring answers now
	if where(s) != InKeyring || s.FileKeys() != 2 {
		t.Fatalf("once the keyring answers: %s, %d keys in the file", where(s), s.FileKeys())
	}
	if v, _ := keyring.Get("BrookTest", "ep1"); v != "" {
		t.Fatal("a key left the file without the user's yes")
	}
	if v, _ := s.Get("ep1"); v != "sk-one" {
		t.Fatalf("a key waiting in the file is not read: %q", v)
	}
	if _, err := os.Lstat(path); err != nil {
		t.Fatalf("the file went without the user's yes: %v", err)
	}

	must(t, s.MoveToKeyring())
	if v, _ := keyring.Get("BrookTest", "ep1"); v != "sk-one" {
		t.Fatalf("ep1 in the keyring: %q", v)
	}
	if v, _ := keyring.Get("BrookTest", "ep2"); v != "sk-two-newer" {
		t.Fatalf("the keyring's own ep2 was overwritten: %q", v)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the key file is still there: %v", err)
	}
	if s.FileKeys() != 0 || where(s) != InKeyring {
		t.Fatalf("after the move: %d keys in the file, %s", s.FileKeys(), where(s))
	}
}
