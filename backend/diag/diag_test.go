package diag

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"brook/backend/applog"
	"brook/backend/endpoints"
	_ "brook/backend/endpoints/allkinds"
	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/endpoints/kind/openaikind"
	"brook/backend/paths"
	"brook/backend/providertest"
	"brook/backend/secrets"
	"brook/backend/store"
	"brook/backend/version"
)

const (
	fakeKey      = "sk-diag-SECRET-0123456789"
	brokenKey    = "sk-broken-SECRET-987654"
	querySecret  = "QUERY-SECRET-42"
	systemPrompt = "I am Alice and my diary says private things"
)

// TestReportHoldsNoSecrets builds the report of a setup with keys in the
// keyring, a secret in a base URL's query, a private system prompt, and a
// log line that (wrongly) quotes a key, and checks none of it shows while
// what a bug report needs does.
func TestReportHoldsNoSecrets(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	openaiSrv := providertest.NewOpenAI(providertest.Script{APIKey: fakeKey, Models: []string{"gpt-x", "gpt-y"}, Kind: "vllm"})
	defer openaiSrv.Close()
	ollamaSrv := providertest.NewOllama(providertest.Script{})
	defer ollamaSrv.Close()

	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	keys := secrets.New("BrookDiagTest")
	cloud, err := st.SaveEndpoint(ctx, store.Endpoint{Name: "Cloud", Kind: openaikind.ID, BaseURL: openaiSrv.URL + "/v1", Enabled: true, MaxParallel: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.Set(cloud.ID, fakeKey); err != nil {
		t.Fatal(err)
	}
	local, err := st.SaveEndpoint(ctx, store.Endpoint{Name: "Local", Kind: ollamakind.ID, BaseURL: ollamaSrv.URL, Enabled: true, ServerKind: "llamacpp"})
	if err != nil {
		t.Fatal(err)
	}
	// A base URL whose query holds a secret; the server is down.
	broken, err := st.SaveEndpoint(ctx, store.Endpoint{Name: "Broken", Kind: openaikind.ID, BaseURL: "http://127.0.0.1:1/v1?token=" + querySecret, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.Set(broken.ID, brokenKey); err != nil {
		t.Fatal(err)
	}
	settings := store.DefaultSettings()
	temp := 0.7
	settings.SystemPrompt, settings.Params.Temperature = systemPrompt, &temp
	settings.DefaultEndpointID, settings.DefaultModel = cloud.ID, "gpt-y"
	if err := st.SaveSettings(ctx, settings); err != nil {
		t.Fatal(err)
	}

	var logBuf bytes.Buffer
	recent := applog.NewRecent(applog.RecentSize)
	log := applog.New(&logBuf, recent, applog.Options{})
	log.Info("not an error")
	log.Warn("survey failed", "endpoint", broken.ID, "err", fmt.Errorf(`Get "http://127.0.0.1:1/v1/models?token=%s": refused`, querySecret))
	log.Error("a careless log line", "err", "auth failed with "+fakeKey, "content", systemPrompt)

	report := Report(ctx, Sources{
		Store: st, Survey: endpoints.New(st, keys), Keys: keys,
		Layout: paths.Layout{Data: "/data/brook", Database: "/data/brook/brook.db", Backups: "/data/brook/backups", Logs: "/data/brook/logs"},
		Recent: recent.Lines,
		Extra:  [][2]string{{"WebKitGTK", "2.50.6"}, {"Empty", ""}},
	})

	for _, secret := range []string{fakeKey, brokenKey, querySecret, systemPrompt, "diary"} {
		if strings.Contains(report, secret) {
			t.Errorf("the report holds %q:\n%s", secret, report)
		}
	}
	for _, want := range []string{
		"Brook: ", "Go: " + runtime.Version(), "System: " + runtime.GOOS + "/" + runtime.GOARCH, "WebKitGTK: 2.50.6",
		fmt.Sprintf("Database schema: %d", store.SchemaVersion()), "Logs: /data/brook/logs",
		"Theme: system", "Default model: gpt-y on endpoint " + cloud.ID + " (offered)",
		fmt.Sprintf("System prompt: set (%d characters; not shown)", len(systemPrompt)),
		"Parameters: temperature 0.7", "Longest wait for a first word: 300 s",
		"Endpoints (3)",
		"1. Cloud (id " + cloud.ID + ")", "Protocol: openai", "Base URL: " + openaiSrv.URL + "\n",
		"Server: vllm (detected)", "Answers at once: 4 (set in Settings)", "Reachable: yes, 2 models", "API key: stored (not shown)",
		"2. Local (id " + local.ID + ")", "Protocol: ollama", "Server: llamacpp (set in Settings; detected ollama)",
		"3. Broken", "Base URL: http://127.0.0.1:1\n", "Reachable: no: ",
		"Recent warnings and errors (2, oldest first)", "survey failed", "[API key]",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "not an error") || strings.Contains(report, "Empty:") {
		t.Errorf("the report holds an info line or an empty extra:\n%s", report)
	}
	if strings.Contains(report, "/v1") {
		t.Errorf("the report holds a URL path:\n%s", report)
	}
}

func TestReportWithoutABackend(t *testing.T) {
	report := Report(context.Background(), Sources{})
	for _, want := range []string{"Brook: ", "Settings\n  (not available)", "Endpoints: none", "Recent warnings and errors: none"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
}

func TestHost(t *testing.T) {
	tests := map[string]string{
		"http://127.0.0.1:11434":                 "http://127.0.0.1:11434",
		"https://user:pass@api.example.com/v1":   "https://api.example.com",
		"https://api.example.com/v1?key=s3cr3t":  "https://api.example.com",
		"https://api.example.com/v1#frag":        "https://api.example.com",
		"https://[::1]:8080/path/with/token-xyz": "https://[::1]:8080",
		"not a url":                              "(not a URL)",
		"":                                       "(not a URL)",
	}
	for in, want := range tests {
		if got := Host(in); got != want {
			t.Errorf("Host(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScrub(t *testing.T) {
	got := scrub(`Post "https://me:pw@api.example.com/v1/chat?key=abc": EOF` + "\nsecond line" + strings.Repeat("x", 2000))
	if strings.Contains(got, "pw") || strings.Contains(got, "abc") || strings.Contains(got, "\n") || len(got) > maxLine+4 {
		t.Fatalf("scrub = %q", got)
	}
	if !strings.HasPrefix(got, `Post "https://api.example.com/…`) {
		t.Fatalf("scrub = %.80q", got)
	}
}

func TestBrookVersion(t *testing.T) {
	if v := BrookVersion(); v == "" || !strings.HasPrefix(v, "dev (") {
		t.Fatalf("unstamped BrookVersion = %q", v)
	}
	version.Version, version.Commit = "1.2.3", "abc1234"
	defer func() { version.Version, version.Commit = "dev", "" }()
	if v := BrookVersion(); v != "1.2.3 (abc1234)" {
		t.Fatalf("BrookVersion = %q with the ldflags version set", v)
	}
}

// TestReportSaysWhereKeysAre: the keyring, the key file the user chose, or
// this session only; never the keys.
func TestReportSaysWhereKeysAre(t *testing.T) {
	t.Cleanup(keyring.MockInit)
	path := filepath.Join(t.TempDir(), secrets.KeyFileName)
	tests := []struct {
		name    string
		keyring bool
		file    bool
		want    string
	}{
		{"keyring", true, false, "Keyring: available"},
		{"file", false, true, "Keyring: not available (API keys are kept in " + path + ", readable only by the user)"},
		{"session", false, false, "Keyring: not available (API keys are kept for this session only)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.keyring {
				keyring.MockInit()
			} else {
				keyring.MockInitWithError(fmt.Errorf("no secret service"))
			}
			keys := secrets.New("BrookDiagTest")
			if err := keys.UseFile(path); err != nil {
				t.Fatal(err)
			}
			if err := keys.Set("ep1", fakeKey); err != nil {
				t.Fatal(err)
			}
			if tt.file {
				if err := keys.SetFile(true); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { keys.SetFile(false) })
			}
			report := Report(context.Background(), Sources{Keys: keys})
			if !strings.Contains(report, tt.want+"\n") || strings.Contains(report, fakeKey) {
				t.Fatalf("want %q and no key in:\n%s", tt.want, report)
			}
		})
	}
}
