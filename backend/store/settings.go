package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/window"
)

// Settings are the user's preferences, stored as one JSON document that only
// [Store.SaveSettings] writes (Settings → Save). What Brook itself remembers
// is kept apart, in [AppState], so the two never overwrite each other.
type Settings struct {
	// DefaultEndpointID and DefaultModel are the model new conversations
	// start with; empty means the model used last.
	DefaultEndpointID string `json:"defaultEndpointId"`
	DefaultModel      string `json:"defaultModel"`
	SystemPrompt      string `json:"systemPrompt"`
	Params            Params `json:"params"`
	// FirstTokenTimeoutSeconds is generous: a local model may take a while to load.
	FirstTokenTimeoutSeconds int `json:"firstTokenTimeoutSeconds"`
	// IdleTimeoutSeconds is how long a stream may go silent after its first token.
	IdleTimeoutSeconds int    `json:"idleTimeoutSeconds"`
	Theme              string `json:"theme"` // "system", "light" or "dark"
	// Language is the BCP 47 tag of the language Brook speaks ("de",
	// "pt-BR", "zh-CN"); empty follows the desktop's locale.
	Language string `json:"language"`
	// ResumeAnswers, on by default, continues at start-up the answers that
	// Brook's closing cut short (a quit, a crash, a power cut), where the
	// server can continue them.
	ResumeAnswers bool `json:"resumeAnswers"`
	// StartOllama, on by default, starts the installed Ollama when the
	// local Ollama endpoint does not answer ("Start Ollama when it isn't
	// running").
	StartOllama bool `json:"startOllama"`
	// KeepOllamaRunning leaves the Ollama that Brook started running when
	// Brook quits; off by default, so Brook stops what it started.
	KeepOllamaRunning bool `json:"keepOllamaRunning"`
	// AutoTitles, on by default, asks a model for a short title after a
	// conversation's first answer, in place of its first words.
	AutoTitles bool `json:"autoTitles"`
	// TitleEndpointID and TitleModel choose the model that writes titles
	// (a small local one, say); empty means the conversation's own model.
	TitleEndpointID string `json:"titleEndpointId"`
	TitleModel      string `json:"titleModel"`
	// EmbedEndpointID and EmbedModel choose the one Ollama embedding model
	// (all-minilm, say) that retrieval uses for every conversation; empty
	// means none, and retrieval searches by words only (BM25).
	EmbedEndpointID string `json:"embedEndpointId"`
	EmbedModel      string `json:"embedModel"`
}

// DefaultSettings are the settings of a new installation.
func DefaultSettings() Settings {
	return Settings{FirstTokenTimeoutSeconds: 300, IdleTimeoutSeconds: 60, Theme: "system", ResumeAnswers: true, StartOllama: true, AutoTitles: true}
}

// MaxTimeoutSeconds is the longest either timeout may be: an hour.
const MaxTimeoutSeconds = 3600

// LoadSettings returns the saved settings, or [DefaultSettings] if none were
// saved. Settings added since they were saved get their default values.
func (s *Store) LoadSettings(ctx context.Context) (Settings, error) {
	settings := DefaultSettings()
	var data string
	err := s.read.QueryRowContext(ctx, `SELECT data FROM settings WHERE id = 1`).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return settings, nil
	}
	if err != nil {
		return Settings{}, err
	}
	if err := json.Unmarshal([]byte(data), &settings); err != nil {
		return Settings{}, fmt.Errorf("store: settings: %w", err)
	}
	return settings, nil
}

// SaveSettings checks the settings and replaces the saved ones. It never
// touches [AppState]. A refusal says why in plain words, matches
// [ErrInvalid] and [guard.ErrInvalid], and changes nothing.
func (s *Store) SaveSettings(ctx context.Context, settings Settings) error {
	if err := validateSettings(settings); err != nil {
		return err
	}
	data, err := json.Marshal(settings)
	if err != nil {
		return err
	}
	_, err = s.write.ExecContext(ctx, `INSERT INTO settings (id, data) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data`, string(data))
	return err
}

// validateSettings says what is wrong with settings, in words for the user.
func validateSettings(settings Settings) error {
	if err := guard.Theme(settings.Theme); err != nil {
		return refused(err)
	}
	for _, t := range []struct {
		id      string
		seconds int
	}{
		{"Settings.firstTokenTimeout", settings.FirstTokenTimeoutSeconds},
		{"Settings.idleTimeout", settings.IdleTimeoutSeconds},
	} {
		if t.seconds < 1 || t.seconds > MaxTimeoutSeconds {
			return refused(i18n.Errorf(t.id, i18n.Args{"Max": MaxTimeoutSeconds, "Value": t.seconds}))
		}
	}
	if err := i18n.Validate(settings.Language); err != nil {
		return refused(err)
	}
	if err := guard.SystemPrompt(settings.SystemPrompt); err != nil {
		return refused(err)
	}
	if err := guard.Selection(settings.DefaultEndpointID, settings.DefaultModel); err != nil {
		return refused(err)
	}
	if err := guard.Selection(settings.TitleEndpointID, settings.TitleModel); err != nil {
		return refused(i18n.Wrap("Settings.titleModel", err, nil))
	}
	if err := guard.Selection(settings.EmbedEndpointID, settings.EmbedModel); err != nil {
		return refused(i18n.Wrap("Settings.embeddingModel", err, nil))
	}
	return validateParams(settings.Params)
}

// refusal is a plain-words reason for refusing input: it reads as its
// reason alone and matches both [ErrInvalid] and the reason.
type refusal struct{ reason error }

func (r refusal) Error() string   { return r.reason.Error() }
func (r refusal) Unwrap() []error { return []error{ErrInvalid, guard.ErrInvalid, r.reason} }

func refused(reason error) error { return refusal{reason} }

// AppState is what Brook remembers for itself, apart from the user's
// [Settings]. Each field is its own row and is written on its own, so no
// writer rewrites another's values.
type AppState struct {
	// LastEndpointID and LastModel are the model used last.
	LastEndpointID string `json:"lastEndpointId"`
	LastModel      string `json:"lastModel"`
	// SeededOllamaURL is the URL Brook gave the Ollama endpoint it configured
	// from $OLLAMA_HOST. While the endpoint still has it, Brook follows
	// $OLLAMA_HOST; once the user edits the endpoint, their choice wins.
	SeededOllamaURL string `json:"seededOllamaUrl,omitempty"`
	// Window is the window's place, size and maximised state when Brook
	// last closed; zero when never saved (or unreadable).
	Window window.Rect `json:"window"`
}

// The keys of the app_state table.
const (
	stateLastEndpointID  = "last_endpoint_id"
	stateLastModel       = "last_model"
	stateSeededOllamaURL = "seeded_ollama_url"
	// stateWindow is a JSON window.Rect. app_state is one row per key, so a
	// new value needs no migration.
	stateWindow = "window"
)

// AppState returns what Brook remembers; missing values are "".
func (s *Store) AppState(ctx context.Context) (AppState, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT key, value FROM app_state`)
	if err != nil {
		return AppState{}, err
	}
	defer rows.Close()
	var st AppState
	for rows.Next() {
		var key, value string
		if err := rows.Scan(&key, &value); err != nil {
			return AppState{}, err
		}
		switch key {
		case stateLastEndpointID:
			st.LastEndpointID = value
		case stateLastModel:
			st.LastModel = value
		case stateSeededOllamaURL:
			st.SeededOllamaURL = value
		case stateWindow:
			// An unreadable value is forgotten: the window opens at its default.
			if json.Unmarshal([]byte(value), &st.Window) != nil {
				st.Window = window.Rect{}
			}
		}
	}
	return st, rows.Err()
}

// SetLastModel remembers the model used last. The endpoint and model are
// written together, in one transaction, and nothing else is.
func (s *Store) SetLastModel(ctx context.Context, endpointID, model string) error {
	if err := guard.Selection(endpointID, model); err != nil {
		return refused(err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := setState(ctx, tx, stateLastEndpointID, endpointID); err != nil {
			return err
		}
		return setState(ctx, tx, stateLastModel, model)
	})
}

// SetSeededOllamaURL remembers the URL Brook gave the Ollama endpoint it
// configured itself ("" forgets it).
func (s *Store) SetSeededOllamaURL(ctx context.Context, url string) error {
	return setState(ctx, s.write, stateSeededOllamaURL, url)
}

// SetWindow remembers the window's place, size and maximised state.
func (s *Store) SetWindow(ctx context.Context, r window.Rect) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return setState(ctx, s.write, stateWindow, string(data))
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func setState(ctx context.Context, db execer, key, value string) error {
	var err error
	if value == "" {
		_, err = db.ExecContext(ctx, `DELETE FROM app_state WHERE key = ?`, key)
	} else {
		_, err = db.ExecContext(ctx, `INSERT INTO app_state (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	}
	if err != nil {
		return fmt.Errorf("store: app state %s: %w", key, err)
	}
	return nil
}

// PeekWindow reads the saved window place from the database at path without
// opening it as a Store (no migration, no recovery, nothing created): it is
// read before the window opens, to open it at its saved size. Anything
// amiss (no database yet, an older schema, damage) gives the zero Rect.
func PeekWindow(path string) window.Rect {
	if _, err := os.Stat(path); err != nil {
		return window.Rect{}
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(1000)")
	if err != nil {
		return window.Rect{}
	}
	defer db.Close()
	var value string
	var r window.Rect
	if db.QueryRow(`SELECT value FROM app_state WHERE key = ?`, stateWindow).Scan(&value) != nil ||
		json.Unmarshal([]byte(value), &r) != nil {
		return window.Rect{}
	}
	return r
}
