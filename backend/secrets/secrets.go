// Package secrets keeps API keys in the OS keyring (Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows). Keys are never written to
// the database, logs or exports. When no keyring is available, keys are kept
// in memory for this session only, unless the user chose to keep them in a
// file only they can read (see [KeyFileName]); [Store.Where] says which.
package secrets

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"sync"
	"time"

	"github.com/zalando/go-keyring"

	"brook/backend/i18n"
)

// Service is the keyring service name Brook's keys are filed under.
const Service = "Brook"

// Keyring is where API keys live, by endpoint ID.
type Keyring interface {
	// Get returns the key, or "" when there is none.
	Get(id string) (string, error)
	Set(id, secret string) error
	Delete(id string) error
	// Available reports whether keys survive a restart.
	Available() bool
}

// Location is where API keys live now.
type Location string

const (
	InKeyring Location = "keyring" // the OS keyring
	InFile    Location = "file"    // the key file, chosen by the user
	InSession Location = "session" // memory: lost when Brook quits
)

// Store is the OS keyring, else the key file when the user chose it, else
// memory for this session.
//
// A keyring that does not answer is asked again whenever a key is needed,
// not polled: a locked keyring answers once the user unlocks it (its unlock
// prompt holds the first question, which goes on waiting past
// [probeTimeout]), and a keyring service may start after Brook. When it
// answers, keys kept for the session move into it; keys in the key file move
// only when the user agrees ([Store.MoveToKeyring]).
type Store struct {
	service string
	os      osKeyring
	// probeTimeout bounds the wait for an answer; a question that outlasts
	// it goes on waiting in the background.
	probeTimeout time.Duration
	// reaskAfter is how long a keyring that answered with an error is not
	// asked again (a machine without one would otherwise be asked for every key).
	reaskAfter time.Duration

	probeMu   sync.Mutex
	available bool          // the keyring answered; it stays in use
	probing   chan struct{} // closed when the question under way is answered; nil when none is
	failedAt  time.Time     // when the last question failed

	mu     sync.Mutex
	memory map[string]string // without a keyring: every key, also those in the file
	path   string            // where the key file is, or would be
	inFile bool              // the user chose the file and it was read or written
}

var _ Keyring = (*Store)(nil)

// osKeyring is the OS keyring as a [Store] uses it.
type osKeyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// goKeyring is the OS keyring of github.com/zalando/go-keyring.
type goKeyring struct{}

func (goKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (goKeyring) Set(service, user, secret string) error   { return keyring.Set(service, user, secret) }
func (goKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }

// New returns a Store filing keys under service.
func New(service string) *Store {
	return &Store{service: service, os: goKeyring{}, probeTimeout: probeTimeout, reaskAfter: reaskAfter, memory: map[string]string{}}
}

// UseFile says where the key file is. When it exists, the user chose it
// earlier: its keys are read now and are used whenever the OS keyring is not
// available. An error says why an existing file cannot be used (it is then
// left alone, and keys are kept for the session only).
func (s *Store) UseFile(path string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.path = path
	keys, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	maps.Copy(keys, s.memory) // keys set before, this session, are newer
	s.memory = keys
	s.inFile = true
	return nil
}

// Where says where keys live now, and the key file's path.
func (s *Store) Where() (Location, string) {
	if s.keyringAvailable() {
		s.mu.Lock()
		defer s.mu.Unlock()
		return InKeyring, s.path
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inFile {
		return InFile, s.path
	}
	return InSession, s.path
}

// FileKeys is how many keys are still in the key file while the OS keyring
// answers: the file was chosen while there was none, and its keys wait for
// the user to move them ([Store.MoveToKeyring]). Until then they are read
// from the file.
func (s *Store) FileKeys() int {
	if !s.keyringAvailable() {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.inFile {
		return 0
	}
	return len(s.memory)
}

// MoveToKeyring moves the keys of the key file into the OS keyring and
// removes the file, when the user agreed. A key the keyring already holds
// is kept as it is there. When a key cannot be stored, nothing is removed.
func (s *Store) MoveToKeyring() error {
	if !s.keyringAvailable() {
		return i18n.New("Secrets.keyringLocked")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.inFile {
		return nil
	}
	if err := s.moveLocked(); err != nil {
		return err
	}
	if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return i18n.Wrap("Secrets.movedNotRemoved", err, nil)
	}
	s.inFile = false
	return nil
}

// moveLocked puts every key held in memory into the OS keyring, unless it
// holds one for that ID already, and forgets them. It stops at the first
// failure, keeping the keys not moved yet.
func (s *Store) moveLocked() error {
	for id, secret := range s.memory {
		_, err := s.os.Get(s.service, id)
		switch {
		case errors.Is(err, keyring.ErrNotFound):
			if err := s.os.Set(s.service, id, secret); err != nil {
				return i18n.Wrap("Secrets.cannotStore", err, nil)
			}
		case err != nil:
			return i18n.Wrap("Secrets.cannotRead", err, nil)
		}
		delete(s.memory, id)
	}
	return nil
}

// SetFile turns the key file on or off, when there is no OS keyring. On, the
// keys typed this session are written to it, beside any it already holds.
// Off, its keys stay in memory for this session and the file is removed.
func (s *Store) SetFile(on bool) error {
	if s.keyringAvailable() {
		return i18n.New("Secrets.keyringAvailable")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.path == "" {
		return i18n.New("Secrets.noPath")
	}
	if on == s.inFile {
		return nil
	}
	if !on {
		if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return i18n.Wrap("Secrets.cannotRemove", err, nil)
		}
		s.inFile = false
		return nil
	}
	keys, err := readKeyFile(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		keys = map[string]string{}
	case err != nil:
		return err
	}
	maps.Copy(keys, s.memory)
	if err := writeKeyFile(s.path, keys); err != nil {
		return i18n.Wrap("Secrets.cannotWrite", err, nil)
	}
	s.memory = keys
	s.inFile = true
	return nil
}

// probeTimeout bounds a keyring that hangs (a D-Bus without a secret
// service, or a locked keyring's unlock prompt).
const probeTimeout = 3 * time.Second

// reaskAfter is the default of [Store.reaskAfter].
const reaskAfter = 30 * time.Second

// Available reports whether keys survive a restart: the OS keyring answers,
// or the user chose the key file.
func (s *Store) Available() bool {
	if s.keyringAvailable() {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFile
}

// keyringAvailable reports whether the OS keyring answers. Once it has, it
// is not asked again. Until then each call asks it, unless a question is
// still waiting for an answer (a locked keyring's unlock prompt: then it
// says no at once, and that question's answer decides), or the last one
// failed less than reaskAfter ago.
func (s *Store) keyringAvailable() bool {
	s.probeMu.Lock()
	if s.available {
		s.probeMu.Unlock()
		return true
	}
	if s.probing != nil || (!s.failedAt.IsZero() && time.Since(s.failedAt) < s.reaskAfter) {
		s.probeMu.Unlock()
		return false
	}
	answered := make(chan struct{})
	s.probing = answered
	s.probeMu.Unlock()
	go s.probe(answered)
	select {
	case <-answered:
	case <-time.After(s.probeTimeout):
		return false
	}
	s.probeMu.Lock()
	defer s.probeMu.Unlock()
	return s.available
}

// probe asks the keyring and records its answer. When it answers for the
// first time, the keys kept for the session move into it.
func (s *Store) probe(answered chan struct{}) {
	defer close(answered)
	_, err := s.os.Get(s.service, "brook-probe")
	ok := err == nil || errors.Is(err, keyring.ErrNotFound)
	if ok {
		s.mu.Lock()
		if !s.inFile {
			// Kept in memory only because there was no keyring; the file's
			// keys wait for the user's yes.
			_ = s.moveLocked() // a key that fails stays in memory, still used
		}
		s.mu.Unlock()
	}
	s.probeMu.Lock()
	s.available = s.available || ok
	s.probing = nil
	if !ok {
		s.failedAt = time.Now()
	}
	s.probeMu.Unlock()
}

// Get returns the key for id, or "" when none is stored. With the keyring,
// a key it does not hold may still be in the key file, waiting to move.
func (s *Store) Get(id string) (string, error) {
	if s.keyringAvailable() {
		v, err := s.os.Get(s.service, id)
		if !errors.Is(err, keyring.ErrNotFound) {
			return v, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.memory[id], nil
}

// Set stores the key for id.
func (s *Store) Set(id, secret string) error {
	if !s.keyringAvailable() {
		return s.change(func(m map[string]string) { m[id] = secret })
	}
	if err := s.os.Set(s.service, id, secret); err != nil {
		return err
	}
	return s.forget(id) // an older value waiting in the file must not come back
}

// Delete removes the key for id; a missing key is not an error.
func (s *Store) Delete(id string) error {
	if !s.keyringAvailable() {
		return s.change(func(m map[string]string) { delete(m, id) })
	}
	if err := s.os.Delete(s.service, id); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return err
	}
	return s.forget(id)
}

// forget removes id from the keys kept outside the keyring, if it is there.
func (s *Store) forget(id string) error {
	s.mu.Lock()
	_, held := s.memory[id]
	s.mu.Unlock()
	if !held {
		return nil
	}
	return s.change(func(m map[string]string) { delete(m, id) })
}

// change edits the keys in memory and, when the file is on, in the file:
// if the file cannot be written, nothing changes.
func (s *Store) change(edit func(map[string]string)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := maps.Clone(s.memory)
	edit(next)
	if s.inFile {
		if err := writeKeyFile(s.path, next); err != nil {
			return i18n.Wrap("Secrets.cannotWrite", err, nil)
		}
	}
	s.memory = next
	return nil
}
