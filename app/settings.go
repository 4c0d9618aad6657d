package app

import (
	"brook/backend/i18n"
	"brook/backend/paths"
	"brook/backend/store"
)

// SettingsService reads and saves preferences and endpoints.
type SettingsService struct{ a *App }

// Get returns the settings.
func (s *SettingsService) Get() (store.Settings, error) {
	if err := s.a.ready(); err != nil {
		return store.DefaultSettings(), err
	}
	return s.a.store.LoadSettings(s.a.ctx)
}

// Save stores the user's preferences; the store checks every field and
// refuses in plain words. Brook's own state (the model used last) is kept
// apart and never touched.
func (s *SettingsService) Save(st store.Settings) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := s.a.store.SaveSettings(s.a.ctx, st); err != nil {
		return err
	}
	// The store has checked the tag, so this cannot fail; the words of
	// errors and reasons follow it from now on.
	return i18n.SetLanguage(st.Language)
}

// Paths says where Brook keeps its files.
func (s *SettingsService) Paths() paths.Layout { return s.a.layout }

// KeyStorage is where API keys live now: "keyring" (the OS keyring),
// "file" (a file only the user can read, which they chose) or "session"
// (memory, lost at quit); Path is where the key file is, or would be.
// FileKeys is how many keys still wait in the key file while the keyring
// answers (it was locked or missing when they were saved): they move only
// when the user says so ([SettingsService.MoveKeysToKeyring]).
type KeyStorage struct {
	Where    string `json:"where"`
	Path     string `json:"path"`
	FileKeys int    `json:"fileKeys"`
}

// KeyStorage says where API keys live now. A keyring that did not answer
// before (locked, or not started) is asked again.
func (s *SettingsService) KeyStorage() (KeyStorage, error) {
	if err := s.a.ready(); err != nil {
		return KeyStorage{}, err
	}
	where, path := s.a.keys.Where()
	return KeyStorage{Where: string(where), Path: path, FileKeys: s.a.keys.FileKeys()}, nil
}

// MoveKeysToKeyring moves the keys waiting in the key file into the OS
// keyring and removes the file, when the user agreed to.
func (s *SettingsService) MoveKeysToKeyring() error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := s.a.keys.MoveToKeyring(); err != nil {
		return err
	}
	where, path := s.a.keys.Where()
	s.a.log.Info("key storage changed: the key file's keys moved into the keyring", "where", string(where), "path", path)
	return nil
}

// SetKeyFile keeps API keys in a file only the user can read (on), moving
// this session's keys there, or stops (off): the file is removed and its
// keys are kept for this session only. Only without an OS keyring.
func (s *SettingsService) SetKeyFile(on bool) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := s.a.keys.SetFile(on); err != nil {
		return err
	}
	where, path := s.a.keys.Where()
	s.a.log.Info("key storage changed", "where", string(where), "path", path)
	return nil
}

// StartupNotice is a message for the user about start-up, or "".
func (s *SettingsService) StartupNotice() string { return s.a.notice }
