// Package secrets keeps API keys in the OS keyring (Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows). Keys are never written to
// the database, logs or exports. When no keyring is available, keys are kept
// in memory for this session only, unless the user chose to keep them in a
// file only they can read (see [KeyFileName]); [Store.Where] says which.
package secrets

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
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
type Store struct {
	service string

	probeOnce sync.Once
	available bool

	mu     sync.Mutex
	memory map[string]string // without a keyring: every key, also those in the file
	path   string            // where the key file is, or would be
	inFile bool              // the user chose the file and it was read or written
}

var _ Keyring = (*Store)(nil)

// New returns a Store filing keys under service.
func New(service string) *Store {
	return &Store{service: service, memory: map[string]string{}}
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

// SetFile turns the key file on or off, when there is no OS keyring. On, the
// keys typed this session are written to it, beside any it already holds.
// Off, its keys stay in memory for this session and the file is removed.
func (s *Store) SetFile(on bool) error {
	if s.keyringAvailable() {
		return errors.New("The system keyring is available; API keys are kept there.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.path == "" {
		return errors.New("Brook does not know where to keep the key file.")
	}
	if on == s.inFile {
		return nil
	}
	if !on {
		if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("Could not remove the key file: %w", err)
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
		return fmt.Errorf("Could not write the key file: %w", err)
	}
	s.memory = keys
	s.inFile = true
	return nil
}

// probeTimeout bounds a keyring that hangs (a D-Bus without a secret service).
const probeTimeout = 3 * time.Second

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

// keyringAvailable reports whether the OS keyring answers. It asks once.
func (s *Store) keyringAvailable() bool {
	s.probeOnce.Do(func() {
		answered := make(chan bool, 1)
		go func() {
			_, err := keyring.Get(s.service, "brook-probe")
			answered <- err == nil || errors.Is(err, keyring.ErrNotFound)
		}()
		select {
		case s.available = <-answered:
		case <-time.After(probeTimeout):
		}
	})
	return s.available
}

// Get returns the key for id, or "" when none is stored.
func (s *Store) Get(id string) (string, error) {
	if !s.keyringAvailable() {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.memory[id], nil
	}
	v, err := keyring.Get(s.service, id)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", nil
	}
	return v, err
}

// Set stores the key for id.
func (s *Store) Set(id, secret string) error {
	if !s.keyringAvailable() {
		return s.change(func(m map[string]string) { m[id] = secret })
	}
	return keyring.Set(s.service, id, secret)
}

// Delete removes the key for id; a missing key is not an error.
func (s *Store) Delete(id string) error {
	if !s.keyringAvailable() {
		return s.change(func(m map[string]string) { delete(m, id) })
	}
	if err := keyring.Delete(s.service, id); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return err
	}
	return nil
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
			return fmt.Errorf("Could not write the key file: %w", err)
		}
	}
	s.memory = next
	return nil
}
