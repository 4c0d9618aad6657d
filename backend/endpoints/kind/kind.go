// Package kind describes the kinds of endpoint Brook speaks to: one
// descriptor per wire protocol (Ollama's API, the OpenAI-compatible API),
// with its client, its connection test, how it tells what software serves
// it, what it can do and its defaults. Everything that differs by kind asks
// the descriptor; nothing else names a kind.
//
// Each kind lives in its own package and is registered once, in
// brook/backend/endpoints/allkinds, in the order Settings offers them.
package kind

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"brook/backend/i18n"
	"brook/backend/provider"
)

// KeyNeed says whether an endpoint of a kind takes an API key.
type KeyNeed string

const (
	KeyNone     KeyNeed = "none"     // the API has no keys; none is stored or sent
	KeyOptional KeyNeed = "optional" // a key is sent when one is stored
	KeyRequired KeyNeed = "required" // the API refuses requests without one
)

// Caps are what an endpoint of a kind can do beyond chatting.
type Caps struct {
	// ExtraModels: the user may add model names the server does not list.
	ExtraModels bool `json:"extraModels"`
	// LocalModels: the server's own models are managed from Brook
	// (installed, loaded, pulled, deleted): backend/localmodels.
	LocalModels bool `json:"localModels"`
	// ThinkOnOff: thinking is turned on and off, besides the effort levels.
	ThinkOnOff bool `json:"thinkOnOff"`
}

// Words are what Brook says about an endpoint of the kind, in its terms.
// The text fields are message ids of backend/i18n (looked up when said,
// in the language current then); Unreachable says its words itself.
type Words struct {
	// Label is the kind's name as Settings shows it, when it is words
	// ("OpenAI-compatible"); "" to show Kind.Label as it is.
	Label string
	// API names the API in "The server answered, but not like …".
	API string
	// NotShaped is the failure a connection test reports for a server that
	// answered, but not like the API; "not_<id>" when empty.
	NotShaped string
	// WrongPath follows "404 at /path: " when a test's request was not found.
	WrongPath string
	// CheckPath is added when an answer was not shaped like the API, or "".
	CheckPath string
	// Unreachable is the hint for a server that did not answer at baseURL;
	// nil for the general one.
	Unreachable func(baseURL string) string
	// NoModels is the hint for a server that answered with no models, or "".
	NoModels string
	// StartCommand starts the server from a terminal, and Site is where to
	// get it, for the window's "can't reach" banner; "" when not known.
	StartCommand string
	Site         string
}

// Detection is what Brook found serving an endpoint.
type Detection struct {
	Kind provider.ServerKind
	// Slots is how many requests the server says it runs at once (llama-server's total_slots), or 0.
	Slots int
}

// Found is what a connection test that worked found.
type Found struct {
	Server  provider.ServerKind
	Version string
	Models  int
}

// Prober asks the server under a connection test, the way Brook's test
// does: it keeps what the first failed request said, in plain words.
type Prober interface {
	// Get GETs path under the base URL (with the API key when withKey) and
	// decodes a 200 JSON answer into into. It reports false when the
	// request failed or the answer was not JSON.
	Get(ctx context.Context, path string, withKey bool, into any) bool
	// NotShaped records that the server answered, but not like the API.
	NotShaped()
	// Client is the HTTP client of the test, for [Kind.Detect].
	Client() *http.Client
	// BaseURL is the base URL under test, tidied.
	BaseURL() string
}

// Seed is an endpoint a kind configures on first run, from the environment.
type Seed struct {
	Name, BaseURL, APIKey string
	// Follows keeps the endpoint's address in step with the environment at
	// later starts, until the user edits it. The store keeps one such
	// address, so at most one kind follows.
	Follows bool
}

// Kind is one kind of endpoint.
type Kind struct {
	// ID is what the store keeps in an endpoint's kind; it never changes.
	ID string
	// Label is the kind's name when it is a name no language changes
	// ("Ollama"); a name that is words has its message id in Words.Label.
	Label string
	// Key says whether the kind takes an API key.
	Key KeyNeed
	// DefaultName and DefaultURL fill a new endpoint of the kind.
	DefaultName, DefaultURL string
	// New returns the client of an endpoint at baseURL; apiKey is "" for
	// [KeyNone].
	New func(baseURL, apiKey string, headers http.Header) provider.Client
	// Probe tests the server the way Brook uses it, and reports false when
	// it failed (the Prober holds why).
	Probe func(ctx context.Context, p Prober) (Found, bool)
	// Detect tells what software serves the endpoint at baseURL, with
	// plain GETs that carry no API key. The server kind decides whether a
	// broken answer is continued ([provider.ServerKind.Prefill]).
	Detect func(ctx context.Context, hc *http.Client, baseURL string) Detection
	// Seed is the endpoint the kind adds on first run, if any; nil for none.
	Seed  func(getenv func(string) string) (Seed, bool)
	Caps  Caps
	Words Words
}

// Info is what the window needs of a kind.
type Info struct {
	ID          string  `json:"id"`
	Label       string  `json:"label"`
	Key         KeyNeed `json:"key"`
	DefaultName string  `json:"defaultName"`
	DefaultURL  string  `json:"defaultUrl"`
	Caps        Caps    `json:"caps"`
	// StartCommand and Site: see [Words].
	StartCommand string `json:"startCommand,omitempty"`
	Site         string `json:"site,omitempty"`
}

// Info returns what the window needs of k.
func (k Kind) Info() Info {
	return Info{ID: k.ID, Label: k.Name(), Key: k.Key, DefaultName: k.DefaultName, DefaultURL: k.DefaultURL,
		Caps: k.Caps, StartCommand: k.Words.StartCommand, Site: k.Words.Site}
}

// Name is the kind's name as Settings shows it, in the language current
// now.
func (k Kind) Name() string {
	if k.Words.Label != "" {
		return i18n.T(k.Words.Label, nil)
	}
	return k.Label
}

// NotShaped is the failure for a server that answered, but not like k's API.
func (k Kind) NotShaped() string {
	if k.Words.NotShaped != "" {
		return k.Words.NotShaped
	}
	return "not_" + k.ID
}

var (
	mu    sync.RWMutex
	kinds []Kind
)

// validID is what a kind's ID may be: it is stored, and sent to the window.
var validID = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// Register adds k. It panics on a kind without an ID, label, client, test
// or detection, or with an ID already registered: registering is done once,
// at start-up, by code.
func Register(k Kind) {
	if !validID.MatchString(k.ID) || (k.Label == "" && k.Words.Label == "") || k.New == nil || k.Probe == nil || k.Detect == nil {
		panic(fmt.Sprintf("kind: %q lacks an ID, label, client, test or detection", k.ID))
	}
	switch k.Key {
	case KeyNone, KeyOptional, KeyRequired:
	default:
		panic(fmt.Sprintf("kind %s: key need %q", k.ID, k.Key))
	}
	mu.Lock()
	defer mu.Unlock()
	if slices.ContainsFunc(kinds, func(x Kind) bool { return x.ID == k.ID }) {
		panic("kind: " + k.ID + " is registered twice")
	}
	kinds = append(kinds, k)
}

// Unregister removes the kind with id, for tests that register one of
// their own.
func Unregister(id string) {
	mu.Lock()
	defer mu.Unlock()
	kinds = slices.DeleteFunc(kinds, func(x Kind) bool { return x.ID == id })
}

// Lookup returns the kind with id.
func Lookup(id string) (Kind, bool) {
	mu.RLock()
	defer mu.RUnlock()
	for _, k := range kinds {
		if k.ID == id {
			return k, true
		}
	}
	return Kind{}, false
}

// All returns every registered kind, in the order they were registered.
func All() []Kind {
	mu.RLock()
	defer mu.RUnlock()
	return slices.Clone(kinds)
}

// Infos returns what the window needs of every kind, in order.
func Infos() []Info {
	all := All()
	out := make([]Info, len(all))
	for i, k := range all {
		out[i] = k.Info()
	}
	return out
}

// IDs lists the registered kinds' IDs, in order.
func IDs() []string {
	all := All()
	out := make([]string, len(all))
	for i, k := range all {
		out[i] = k.ID
	}
	return out
}

// ServerRoot is the server's address without the OpenAI API's /v1, where
// servers answer the questions that tell them apart.
func ServerRoot(baseURL string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil {
		return nil, err
	}
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v1")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}
