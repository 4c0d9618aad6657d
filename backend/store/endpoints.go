package store

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"brook/backend/i18n"
	"brook/backend/provider"
)

// MaxParallelLimit is the largest [Endpoint.MaxParallel] Brook accepts.
const MaxParallelLimit = 64

// The bounds of [Endpoint.ContextWindow] other than 0: no model reads fewer
// than 256 tokens, and none has a window of more than 16M.
const (
	MinContextWindow = 256
	MaxContextWindow = 1 << 24
)

// ListEndpoints returns the configured endpoints in the order they were added.
func (s *Store) ListEndpoints(ctx context.Context) ([]Endpoint, error) {
	rows, err := s.read.QueryContext(ctx,
		`SELECT id, name, kind, base_url, enabled, models, server_kind, max_parallel,
			extra_models, header_names, context_window
		FROM endpoints ORDER BY created_at, rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []Endpoint{}
	for rows.Next() {
		var e Endpoint
		var models, extra, headers string
		if err := rows.Scan(&e.ID, &e.Name, &e.Kind, &e.BaseURL, &e.Enabled, &models,
			&e.ServerKind, &e.MaxParallel, &extra, &headers, &e.ContextWindow); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(models), &e.Models); err != nil {
			return nil, fmt.Errorf("store: endpoint %s: models: %w", e.ID, err)
		}
		if err := json.Unmarshal([]byte(extra), &e.ExtraModels); err != nil {
			return nil, fmt.Errorf("store: endpoint %s: extra models: %w", e.ID, err)
		}
		if err := json.Unmarshal([]byte(headers), &e.HeaderNames); err != nil {
			return nil, fmt.Errorf("store: endpoint %s: header names: %w", e.ID, err)
		}
		list = append(list, e)
	}
	return list, rows.Err()
}

// validKind is what a kind's ID looks like; which kinds exist is known
// above the store (brook/backend/endpoints/kind).
var validKind = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// validateEndpoint checks an endpoint before it is saved and tidies its
// name and base URL.
func validateEndpoint(e *Endpoint) error {
	e.Name = strings.TrimSpace(e.Name)
	e.BaseURL = strings.TrimSpace(e.BaseURL)
	if e.Name == "" {
		return refuseIn("Store.endpointNameEmpty", nil)
	}
	if !validKind.MatchString(string(e.Kind)) {
		return invalid("endpoint kind %q is not a kind's ID (lower-case letters and digits)", e.Kind)
	}
	if e.ServerKind != "" && !provider.ServerKind(e.ServerKind).Valid() {
		known := make([]string, len(provider.ServerKinds))
		for i, k := range provider.ServerKinds {
			known[i] = string(k)
		}
		return refuseIn("Store.badServerKind", i18n.Args{"Kind": clipText(string(e.ServerKind)), "Known": strings.Join(known, ", ")})
	}
	if e.MaxParallel < 0 || e.MaxParallel > MaxParallelLimit {
		return refuseIn("Store.badMaxParallel", i18n.Args{"Value": e.MaxParallel, "Max": MaxParallelLimit})
	}
	if e.ContextWindow != 0 && (e.ContextWindow < MinContextWindow || e.ContextWindow > MaxContextWindow) {
		return refuseIn("Store.badContextWindow", i18n.Args{"Min": MinContextWindow, "Max": MaxContextWindow, "Value": e.ContextWindow})
	}
	u, err := url.Parse(e.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return refuseIn("Store.badBaseURL", i18n.Args{"URL": clipText(e.BaseURL)})
	}
	if u.User != nil {
		// Credentials belong in the keyring, never in the database.
		return refuseIn("Store.baseURLCredentials", nil)
	}
	e.BaseURL = strings.TrimRight(e.BaseURL, "/")
	extra, err := tidyExtraModels(e.ExtraModels)
	if err != nil {
		return err
	}
	e.ExtraModels = extra
	names, err := tidyHeaderNames(e.HeaderNames)
	if err != nil {
		return err
	}
	e.HeaderNames = names
	return nil
}

// Limits of an endpoint's model names added by hand.
const (
	MaxExtraModels     = 100
	MaxExtraModelRunes = 200
)

// tidyExtraModels checks the model names added by hand and drops repeats:
// each one line of at most [MaxExtraModelRunes] characters, at most
// [MaxExtraModels] names.
func tidyExtraModels(names []string) ([]string, error) {
	if len(names) > MaxExtraModels {
		return nil, refuseIn("Store.tooManyExtraModels", i18n.Args{"Count": len(names), "Max": MaxExtraModels})
	}
	out := []string{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		switch {
		case n == "":
			return nil, refuseIn("Store.extraModelNoName", nil)
		case !utf8.ValidString(n) || strings.IndexFunc(n, unicode.IsControl) >= 0:
			return nil, refuseIn("Store.extraModelNotOneLine", i18n.Args{"Name": clipText(n)})
		case utf8.RuneCountInString(n) > MaxExtraModelRunes:
			return nil, refuseIn("Store.extraModelTooLong", i18n.Args{"Max": MaxExtraModelRunes})
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// tidyHeaderNames checks the names of an endpoint's extra headers and puts
// them in canonical form; a name given twice (in any case) is refused.
// Whether Authorization may be set depends on the API key, which the store
// does not know: the caller checks that ([provider.CheckHeaderName]).
func tidyHeaderNames(names []string) ([]string, error) {
	if len(names) > provider.MaxHeaders {
		return nil, refuseIn("Store.tooManyHeaders", i18n.Args{"Count": len(names), "Max": provider.MaxHeaders})
	}
	out := []string{}
	for _, n := range names {
		if err := provider.CheckHeaderName(n, false); err != nil {
			return nil, refused(err)
		}
		c := http.CanonicalHeaderKey(n)
		if slices.Contains(out, c) {
			return nil, refuseIn("Store.headerTwice", i18n.Args{"Name": c})
		}
		out = append(out, c)
	}
	return out, nil
}

// SaveEndpoint adds an endpoint (generating its ID when e.ID is empty) or
// replaces the one with the same ID, and returns it as saved.
func (s *Store) SaveEndpoint(ctx context.Context, e Endpoint) (Endpoint, error) {
	if err := validateEndpoint(&e); err != nil {
		return Endpoint{}, err
	}
	if e.ID == "" {
		e.ID = uuid.NewString()
	}
	if e.Models == nil {
		e.Models = []string{}
	}
	models, err := json.Marshal(e.Models)
	if err != nil {
		return Endpoint{}, err
	}
	extra, err := json.Marshal(e.ExtraModels)
	if err != nil {
		return Endpoint{}, err
	}
	headers, err := json.Marshal(e.HeaderNames)
	if err != nil {
		return Endpoint{}, err
	}
	_, err = s.write.ExecContext(ctx, `INSERT INTO endpoints
		(id, name, kind, base_url, enabled, models, server_kind, max_parallel, extra_models, header_names,
			context_window, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
			base_url = excluded.base_url, enabled = excluded.enabled, models = excluded.models,
			server_kind = excluded.server_kind, max_parallel = excluded.max_parallel,
			extra_models = excluded.extra_models, header_names = excluded.header_names,
			context_window = excluded.context_window`,
		e.ID, e.Name, e.Kind, e.BaseURL, e.Enabled, string(models), e.ServerKind, e.MaxParallel,
		string(extra), string(headers), e.ContextWindow, s.now())
	if err != nil {
		return Endpoint{}, fmt.Errorf("store: save endpoint: %w", err)
	}
	return e, nil
}

// DeleteEndpoint removes an endpoint. Conversations that used it keep its ID,
// so the UI can say the endpoint is gone.
func (s *Store) DeleteEndpoint(ctx context.Context, id string) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM endpoints WHERE id = ?`, id)
	return requireOneRow(res, err, "endpoint", id)
}
