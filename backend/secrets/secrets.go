// Package secrets keeps API keys in the OS keyring (Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows). Keys are never written to
// the database, logs or exports. When no keyring is available, keys are kept
// in memory for this session only and [Store.Available] says so.
package secrets

import (
	"errors"
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

// Store is the OS keyring with an in-memory fallback.
type Store struct {
	service string

	probeOnce sync.Once
	available bool

	mu     sync.Mutex
	memory map[string]string
}

var _ Keyring = (*Store)(nil)

// New returns a Store filing keys under service.
func New(service string) *Store {
	return &Store{service: service, memory: map[string]string{}}
}

// probeTimeout bounds a keyring that hangs (a D-Bus without a secret service).
const probeTimeout = 3 * time.Second

// Available reports whether the OS keyring answers. It asks once.
func (s *Store) Available() bool {
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
	if !s.Available() {
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
	if !s.Available() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.memory[id] = secret
		return nil
	}
	return keyring.Set(s.service, id, secret)
}

// Delete removes the key for id; a missing key is not an error.
func (s *Store) Delete(id string) error {
	if !s.Available() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.memory, id)
		return nil
	}
	if err := keyring.Delete(s.service, id); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return err
	}
	return nil
}
