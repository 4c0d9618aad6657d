// Package diag writes the text of "Copy diagnostics": what a bug report
// needs to know about this Brook and its setup, and nothing private. It has
// versions, paths, the settings (their sizes, not the system prompt's text),
// each endpoint's protocol, host, server kind, answers at once and
// reachability, and the latest warnings and errors from the log. API keys
// are never in it: the report says only whether one is stored, every URL is
// cut to its scheme and host, and as a last check any stored key that
// still turned up (say, in a server's error) is blanked out.
package diag

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"brook/backend/endpoints"
	"brook/backend/endpoints/kind"
	"brook/backend/paths"
	"brook/backend/secrets"
	"brook/backend/store"
	"brook/backend/version"
)

// BrookVersion is the build's version and commit, as `brook --version`
// says them ([version.String]).
func BrookVersion() string {
	return strings.TrimPrefix(version.String(), "Brook ")
}

// Surveyor asks the endpoints for their models ([endpoints.Registry]).
type Surveyor interface {
	Survey(ctx context.Context) ([]endpoints.Status, error)
}

// Sources are where the report comes from.
type Sources struct {
	Store interface {
		LoadSettings(ctx context.Context) (store.Settings, error)
		ListEndpoints(ctx context.Context) ([]store.Endpoint, error)
	}
	Survey Surveyor
	Keys   secrets.Keyring
	Layout paths.Layout
	// Recent returns the latest warnings and errors from the log.
	Recent func() []string
	// Extra are more lines for the top of the report, as label and value
	// (the window's WebKitGTK version, its GPU choice); empty values are left out.
	Extra [][2]string
}

// surveyWait bounds how long the report waits for the endpoints.
const surveyWait = 8 * time.Second

// Report writes the diagnostics text.
func Report(ctx context.Context, src Sources) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	line("Brook diagnostics, %s", time.Now().UTC().Format(time.RFC3339))
	line("Brook: %s", BrookVersion())
	line("Go: %s", runtime.Version())
	line("System: %s/%s", runtime.GOOS, runtime.GOARCH)
	for _, kv := range src.Extra {
		if kv[1] != "" {
			line("%s: %s", kv[0], kv[1])
		}
	}
	line("Database schema: %d", store.SchemaVersion())
	line("Data folder: %s", src.Layout.Data)
	line("Database: %s", src.Layout.Database)
	line("Backups: %s", src.Layout.Backups)
	line("Logs: %s", src.Layout.Logs)
	if w, ok := src.Keys.(interface {
		Where() (secrets.Location, string)
	}); ok {
		switch where, path := w.Where(); where {
		case secrets.InKeyring:
			line("Keyring: available")
		case secrets.InFile:
			line("Keyring: not available (API keys are kept in %s, readable only by the user)", path)
		default:
			line("Keyring: not available (API keys are kept for this session only)")
		}
	} else if src.Keys != nil {
		if src.Keys.Available() {
			line("Keyring: available")
		} else {
			line("Keyring: not available (API keys are kept for this session only)")
		}
	}

	var statuses []endpoints.Status
	var surveyErr error
	if src.Survey != nil {
		sctx, cancel := context.WithTimeout(ctx, surveyWait)
		statuses, surveyErr = src.Survey.Survey(sctx)
		cancel()
	}

	line("")
	line("Settings")
	if src.Store == nil {
		line("  (not available)")
	} else if s, err := src.Store.LoadSettings(ctx); err != nil {
		line("  could not be read: %s", scrub(err.Error()))
	} else {
		writeSettings(line, s, statuses)
	}

	line("")
	switch {
	case surveyErr != nil:
		line("Endpoints: could not be listed: %s", scrub(surveyErr.Error()))
	case len(statuses) == 0:
		line("Endpoints: none")
	default:
		line("Endpoints (%d)", len(statuses))
		for i, st := range statuses {
			writeEndpoint(line, i+1, st, src.Keys)
		}
	}

	line("")
	var recent []string
	if src.Recent != nil {
		recent = src.Recent()
	}
	if len(recent) == 0 {
		line("Recent warnings and errors: none")
	} else {
		line("Recent warnings and errors (%d, oldest first)", len(recent))
		for _, l := range recent {
			line("  %s", scrub(l))
		}
	}
	var all []store.Endpoint
	if src.Store != nil {
		all, _ = src.Store.ListEndpoints(ctx)
	}
	for _, st := range statuses {
		all = append(all, st.Endpoint)
	}
	return blankKeys(b.String(), all, src.Keys)
}

func writeSettings(line func(string, ...any), s store.Settings, statuses []endpoints.Status) {
	line("  Theme: %s", s.Theme)
	if s.DefaultModel == "" {
		line("  Default model: last used")
	} else {
		sel := endpoints.Selection{EndpointID: s.DefaultEndpointID, Model: s.DefaultModel}
		offered := "not offered now"
		if endpoints.Offered(statuses, sel) {
			offered = "offered"
		}
		line("  Default model: %s on endpoint %s (%s)", s.DefaultModel, s.DefaultEndpointID, offered)
	}
	if s.SystemPrompt == "" {
		line("  System prompt: none")
	} else {
		line("  System prompt: set (%d characters; not shown)", len([]rune(s.SystemPrompt)))
	}
	line("  Parameters: %s", params(s.Params))
	line("  Longest wait for a first word: %d s", s.FirstTokenTimeoutSeconds)
	line("  Longest silence mid-answer: %d s", s.IdleTimeoutSeconds)
}

func params(p store.Params) string {
	var parts []string
	if p.Temperature != nil {
		parts = append(parts, "temperature "+strconv.FormatFloat(*p.Temperature, 'g', -1, 64))
	}
	if p.ContextLength > 0 {
		parts = append(parts, fmt.Sprintf("context length %d", p.ContextLength))
	}
	if p.MaxTokens > 0 {
		parts = append(parts, fmt.Sprintf("max tokens %d", p.MaxTokens))
	}
	if p.Think != "" {
		parts = append(parts, "thinking "+p.Think)
	}
	if len(parts) == 0 {
		return "the servers' defaults"
	}
	return strings.Join(parts, ", ")
}

func writeEndpoint(line func(string, ...any), n int, st endpoints.Status, keys secrets.Keyring) {
	e := st.Endpoint
	line("  %d. %s (id %s)", n, e.Name, e.ID)
	line("     Protocol: %s", e.Kind)
	line("     Base URL: %s", Host(e.BaseURL))
	if !e.Enabled {
		line("     Enabled: no")
	}
	server := string(st.ServerKind)
	switch {
	case e.ServerKind != "":
		server = fmt.Sprintf("%s (set in Settings", e.ServerKind)
		if st.DetectedKind != "" && string(st.DetectedKind) != e.ServerKind {
			server += "; detected " + string(st.DetectedKind)
		}
		server += ")"
	case st.DetectedKind != "":
		server = string(st.DetectedKind) + " (detected)"
	case server == "":
		server = "not known"
	}
	line("     Server: %s", server)
	if st.ServerKind != "" {
		cont := "asked again in full"
		if st.Continues {
			cont = "continued"
		}
		line("     Broken answers are: %s", cont)
	}
	parallel := fmt.Sprintf("%d", st.Parallel)
	if e.MaxParallel > 0 {
		parallel += " (set in Settings)"
	} else {
		parallel += " (the server's default)"
	}
	line("     Answers at once: %s", parallel)
	if len(e.Models) > 0 {
		line("     Models: a fixed list of %s", plural(len(e.Models), "model"))
	}
	if len(e.ExtraModels) > 0 {
		line("     Models added by hand: %d", len(e.ExtraModels))
	}
	if len(e.HeaderNames) > 0 {
		line("     Extra headers: %s (values not shown)", strings.Join(e.HeaderNames, ", "))
	}
	if st.ListError != "" {
		line("     Model list: %s", scrub(st.ListError))
	}
	if st.Reachable {
		line("     Reachable: yes, %s", plural(len(st.Models), "model"))
	} else {
		why := st.Error
		if why == "" {
			why = "no answer"
		}
		line("     Reachable: no: %s", scrub(why))
	}
	if k, known := kind.Lookup(string(e.Kind)); keys != nil && known && k.Key != kind.KeyNone {
		if k, err := keys.Get(e.ID); err != nil {
			line("     API key: the keyring could not be read")
		} else if k != "" {
			line("     API key: stored (not shown)")
		} else {
			line("     API key: none")
		}
	}
}

// Host returns a URL's scheme and host only: no user name, password, path,
// query or fragment, any of which may carry a secret.
func Host(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "(not a URL)"
	}
	return u.Scheme + "://" + u.Host
}

// urlPattern finds URLs in free text.
var urlPattern = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>]+`)

// maxLine is the longest line of free text in the report.
const maxLine = 600

// scrub makes free text (a server's error, a log line) fit for the report:
// URLs cut to scheme and host, and long text cut short.
func scrub(s string) string {
	s = urlPattern.ReplaceAllStringFunc(s, func(u string) string {
		if h := Host(strings.TrimRight(u, ".,;:)]}")); h != "(not a URL)" {
			return h + "/…"
		}
		return "[link]"
	})
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > maxLine {
		cut := maxLine
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// blankKeys replaces any stored API key that turned up in the report.
func blankKeys(report string, list []store.Endpoint, keys secrets.Keyring) string {
	if keys == nil {
		return report
	}
	for _, e := range list {
		k, err := keys.Get(e.ID)
		if err == nil && len(k) >= 4 {
			report = strings.ReplaceAll(report, k, "[API key]")
		}
		// Header values may be secrets too.
		for _, name := range e.HeaderNames {
			v, err := keys.Get(store.HeaderSecretID(e.ID, name))
			if err == nil && len(v) >= 4 {
				report = strings.ReplaceAll(report, v, "[header value]")
			}
		}
	}
	return report
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
