package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"brook/backend/guard"
)

func TestSaveSettingsChecksEveryField(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	saved := DefaultSettings()
	saved.SystemPrompt = "Be brief."
	if err := s.SaveSettings(ctx, saved); err != nil {
		t.Fatal(err)
	}
	nan, negative := math.NaN(), -0.5
	tests := []struct {
		name    string
		change  func(*Settings)
		wantErr string // "" means accepted
	}{
		{"defaults", func(*Settings) {}, ""},
		{"dark theme", func(s *Settings) { s.Theme = "dark" }, ""},
		{"a default model", func(s *Settings) { s.DefaultEndpointID, s.DefaultModel = "ep", "llama3" }, ""},
		{"longest timeouts", func(s *Settings) { s.FirstTokenTimeoutSeconds, s.IdleTimeoutSeconds = 3600, 3600 }, ""},
		{"shortest timeouts", func(s *Settings) { s.FirstTokenTimeoutSeconds, s.IdleTimeoutSeconds = 1, 1 }, ""},
		{"unknown theme", func(s *Settings) { s.Theme = "neon" }, "theme “neon” is not one of system, light, dark"},
		{"no theme", func(s *Settings) { s.Theme = "" }, "theme"},
		{"first-token timeout 0", func(s *Settings) { s.FirstTokenTimeoutSeconds = 0 }, "first word must be from 1 to 3,600 seconds, not 0"},
		{"idle timeout negative", func(s *Settings) { s.IdleTimeoutSeconds = -5 }, "silence mid-answer must be from 1 to 3,600 seconds, not -5"},
		{"timeout of a year", func(s *Settings) { s.FirstTokenTimeoutSeconds = 365 * 24 * 3600 }, "from 1 to 3,600"},
		{"10 MB system prompt", func(s *Settings) { s.SystemPrompt = strings.Repeat("x", 10<<20) }, "system prompt is 10 MB"},
		{"system prompt not UTF-8", func(s *Settings) { s.SystemPrompt = "caf\xe9" }, "not valid text"},
		{"default model without endpoint", func(s *Settings) { s.DefaultModel = "llama3" }, "both or neither"},
		{"default endpoint id with a line break", func(s *Settings) { s.DefaultEndpointID, s.DefaultModel = "ep\n", "m" }, "no endpoint"},
		{"titles off", func(s *Settings) { s.AutoTitles = false }, ""},
		{"a model for titles", func(s *Settings) { s.TitleEndpointID, s.TitleModel = "local", "tiny" }, ""},
		{"a model for titles without endpoint", func(s *Settings) { s.TitleModel = "tiny" }, "Model for titles: A model is chosen with its endpoint"},
		{"a title endpoint id with a line break", func(s *Settings) { s.TitleEndpointID, s.TitleModel = "ep\n", "m" }, "Model for titles: "},
		{"NaN temperature", func(s *Settings) { s.Params.Temperature = &nan }, "temperature"},
		{"negative temperature", func(s *Settings) { s.Params.Temperature = &negative }, "temperature"},
		{"negative context", func(s *Settings) { s.Params.ContextLength = -1 }, "must not be negative"},
		{"unknown thinking", func(s *Settings) { s.Params.Think = "max" }, "thinking"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			settings := saved
			tt.change(&settings)
			err := s.SaveSettings(ctx, settings)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if err := s.SaveSettings(ctx, saved); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%v is not ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not say %q", err, tt.wantErr)
			}
			if got, _ := s.LoadSettings(ctx); got != saved {
				t.Fatalf("a refused save changed the settings: %+v", got)
			}
		})
	}
	// Guard's refusals read as themselves, without a "store:" prefix.
	bad := saved
	bad.Theme = "neon"
	if err := s.SaveSettings(ctx, bad); !errors.Is(err, guard.ErrInvalid) || strings.HasPrefix(err.Error(), "store") {
		t.Fatalf("error %q should be plain words matching guard.ErrInvalid", err)
	}
}

func TestAppStateIsApartFromSettings(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	if st, err := s.AppState(ctx); err != nil || st != (AppState{}) {
		t.Fatalf("AppState on a new database = %+v, %v", st, err)
	}
	if err := s.SetLastModel(ctx, "ep-1", "llama3"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSeededOllamaURL(ctx, "http://127.0.0.1:11434"); err != nil {
		t.Fatal(err)
	}
	want := AppState{LastEndpointID: "ep-1", LastModel: "llama3", SeededOllamaURL: "http://127.0.0.1:11434"}
	if st, err := s.AppState(ctx); err != nil || st != want {
		t.Fatalf("AppState = %+v, %v; want %+v", st, err, want)
	}
	// Saving the settings leaves the app state alone, and the other way round.
	prefs := DefaultSettings()
	prefs.Theme = "dark"
	if err := s.SaveSettings(ctx, prefs); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.AppState(ctx); st != want {
		t.Fatalf("SaveSettings changed the app state: %+v", st)
	}
	if err := s.SetLastModel(ctx, "ep-2", "qwen3"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSeededOllamaURL(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.LoadSettings(ctx); got != prefs {
		t.Fatalf("the app state changed the settings: %+v", got)
	}
	want = AppState{LastEndpointID: "ep-2", LastModel: "qwen3"}
	if st, _ := s.AppState(ctx); st != want {
		t.Fatalf("AppState = %+v, want %+v", st, want)
	}
	// A refused last model changes nothing.
	for _, bad := range [][2]string{{"ep", ""}, {"", "m"}, {"ep\x00", "m"}, {"ep", strings.Repeat("m", 10<<20)}} {
		if err := s.SetLastModel(ctx, bad[0], bad[1]); !errors.Is(err, ErrInvalid) {
			t.Errorf("SetLastModel(%.20q, %.20q) = %v, want ErrInvalid", bad[0], bad[1], err)
		}
	}
	if st, _ := s.AppState(ctx); st != want {
		t.Fatalf("a refused SetLastModel changed the app state: %+v", st)
	}
}

// TestConcurrentSettingsAndLastModelKeepBothWrites: the UI saving settings
// and the engine remembering the model, at the same moments, never lose
// each other's writes.
func TestConcurrentSettingsAndLastModelKeepBothWrites(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	const rounds = 100
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range rounds {
			prefs := DefaultSettings()
			prefs.SystemPrompt = fmt.Sprintf("prompt %d", i)
			if err := s.SaveSettings(ctx, prefs); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := range rounds {
			if err := s.SetLastModel(ctx, fmt.Sprintf("ep-%d", i), fmt.Sprintf("model-%d", i)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	prefs, err := s.LoadSettings(ctx)
	if err != nil || prefs.SystemPrompt != fmt.Sprintf("prompt %d", rounds-1) {
		t.Fatalf("settings = %+v, %v; the last save was lost", prefs, err)
	}
	st, err := s.AppState(ctx)
	want := AppState{LastEndpointID: fmt.Sprintf("ep-%d", rounds-1), LastModel: fmt.Sprintf("model-%d", rounds-1)}
	if err != nil || st != want {
		t.Fatalf("app state = %+v, %v; want %+v", st, err, want)
	}
}

// TestSettingsSavedBeforeOllamaStartingExistedStartIt: settings saved by a
// Brook that did not know the Ollama settings start Ollama and stop it on
// quit, as a new installation does; the user's choices are kept.
func TestSettingsSavedBeforeOllamaStartingExistedStartIt(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	if _, err := s.write.ExecContext(ctx, `INSERT INTO settings (id, data) VALUES (1, ?)`,
		`{"firstTokenTimeoutSeconds":300,"idleTimeoutSeconds":60,"theme":"dark","resumeAnswers":false}`); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadSettings(ctx)
	if err != nil || !got.StartOllama || got.KeepOllamaRunning || got.Theme != "dark" || got.ResumeAnswers {
		t.Fatalf("%+v %v", got, err)
	}
	got.StartOllama, got.KeepOllamaRunning = false, true
	if err := s.SaveSettings(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, err := s.LoadSettings(ctx); err != nil || again.StartOllama || !again.KeepOllamaRunning {
		t.Fatalf("the choice was not kept: %+v %v", again, err)
	}
}
