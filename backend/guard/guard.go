// Package guard checks what the UI hands to Brook's bound methods before
// anything is done with it: ids, texts, sizes, URLs, enum values and pages.
// Every check returns nil or an error in plain words for the user, and
// changes nothing; errors.Is(err, ErrInvalid) is true for all of them.
//
// The window is trusted code, but what it passes on is not: pastes of any
// size, text from files, links from model output. The checks here are the
// single place that says what Brook accepts.
package guard

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"brook/backend/i18n"
	"brook/backend/provider"
)

// ErrInvalid is matched (errors.Is) by every error of this package.
var ErrInvalid = errors.New("invalid input")

// Error is a refusal, in words meant for the user: from the catalogue
// when id is set (said in the language current when it is read), else msg.
type Error struct {
	id   string
	args i18n.Args
	// err, when set, is a refusal of another check, said as it is.
	err error
}

func (e *Error) Error() string {
	if e.err != nil {
		return e.err.Error()
	}
	return i18n.T(e.id, e.args)
}

// Is makes every refusal match [ErrInvalid].
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Unwrap lets errors.Is and errors.As see the other check's refusal.
func (e *Error) Unwrap() error { return e.err }

// refuseAs is a refusal in the words of err, another check's refusal.
func refuseAs(err error) error { return &Error{err: err} }

// refuseIn is a refusal in the catalogue's words: message id with args.
func refuseIn(id string, args i18n.Args) error {
	return &Error{id: id, args: args}
}

// Limits. Sizes are in bytes of UTF-8.
const (
	// MaxMessageBytes is the most one message may hold: about 250 pages of
	// text, far more than most models take in at once.
	MaxMessageBytes = 1 << 20
	// MaxDraftBytes is the most an unsent draft may hold.
	MaxDraftBytes = MaxMessageBytes
	// MaxSystemPromptBytes is the most a system prompt may hold.
	MaxSystemPromptBytes = 256 << 10
	// MaxTitleRunes is the longest conversation title, in characters.
	MaxTitleRunes = 500
	// MaxNameRunes is the longest endpoint name, in characters.
	MaxNameRunes = 200
	// MaxModelBytes is the longest model name.
	MaxModelBytes = 512
	// MaxModels is the most models an endpoint's fixed list may hold.
	MaxModels = 1000
	// MaxEndpointIDBytes is the longest endpoint id (Brook makes UUIDs, 36 bytes).
	MaxEndpointIDBytes = 128
	// MaxSearchBytes is the longest search query.
	MaxSearchBytes = 4 << 10
	// MaxURLBytes is the longest link Brook opens, or endpoint base URL.
	MaxURLBytes = 8 << 10
	// MaxAPIKeyBytes is the longest API key.
	MaxAPIKeyBytes = 8 << 10
	// MaxPathBytes is the longest file path Brook accepts.
	MaxPathBytes = 4 << 10
	// MaxPage is the most items one page of a list may ask for.
	MaxPage = 1000
	// MaxOffset is the furthest a page may start.
	MaxOffset = 1 << 30
	// MaxIDs is the most ids one call may name (an export of many conversations).
	MaxIDs = 100_000
)

// ID checks the id of a stored thing (what: "conversation", "message",
// "answer"): ids are positive. Whether it exists is for the store to say.
func ID(what string, id int64) error {
	if id <= 0 {
		return refuseIn("Guard.noID."+nounKey(what), i18n.Args{"ID": strconv.FormatInt(id, 10)})
	}
	return nil
}

// ConversationOrNew checks a conversation id where 0 means a new conversation.
func ConversationOrNew(id int64) error {
	if id < 0 {
		return refuseIn("Guard.noConversation", i18n.Args{"ID": strconv.FormatInt(id, 10)})
	}
	return nil
}

// IDs checks a list of ids: each positive, none twice, at most [MaxIDs].
func IDs(what string, ids []int64) error {
	if len(ids) > MaxIDs {
		return refuseIn("Guard.tooManyIDs", i18n.Args{"Count": len(ids), "Max": MaxIDs})
	}
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if err := ID(what, id); err != nil {
			return err
		}
		if seen[id] {
			return refuseIn("Guard.idTwice", i18n.Args{"ID": strconv.FormatInt(id, 10)})
		}
		seen[id] = true
	}
	return nil
}

// Message checks the text of a message the user sends: valid UTF-8, no NUL,
// at most [MaxMessageBytes]. Whether it is empty is the engine's to say.
func Message(text string) error {
	if len(text) > MaxMessageBytes {
		return refuseIn("Guard.messageTooLong", i18n.Args{"Size": Size(int64(len(text))), "Max": Size(MaxMessageBytes)})
	}
	return textOK("message", text)
}

// Draft checks the unsent text of a conversation.
func Draft(text string) error {
	if len(text) > MaxDraftBytes {
		return refuseIn("Guard.draftTooLong", i18n.Args{"Size": Size(int64(len(text))), "Max": Size(MaxDraftBytes)})
	}
	return textOK("draft", text)
}

// SystemPrompt checks a system prompt (a conversation's or the default).
func SystemPrompt(text string) error {
	if len(text) > MaxSystemPromptBytes {
		return refuseIn("Guard.systemPromptTooLong", i18n.Args{"Size": Size(int64(len(text))), "Max": Size(MaxSystemPromptBytes)})
	}
	return textOK("systemPrompt", text)
}

// Title checks a conversation title: text of at most [MaxTitleRunes]
// characters, on one line. Whether it is empty is the store's to say.
func Title(title string) error {
	return shortText("title", title, MaxTitleRunes)
}

// Name checks the name of an endpoint.
func Name(name string) error {
	return shortText("endpointName", name, MaxNameRunes)
}

// Search checks a search query.
func Search(query string) error {
	if len(query) > MaxSearchBytes {
		return refuseIn("Guard.searchTooLong", i18n.Args{"Size": Size(int64(len(query))), "Max": Size(MaxSearchBytes)})
	}
	return textOK("search", query)
}

// Model checks a model name; "" is allowed (no model chosen).
func Model(name string) error {
	if len(name) > MaxModelBytes {
		return refuseIn("Guard.modelNameTooLong", i18n.Args{"Count": len(name), "Max": MaxModelBytes})
	}
	return shortText("modelName", name, MaxModelBytes)
}

// OllamaModel checks the name of a model to pull from, or manage on, an
// Ollama server: required, and in Ollama's own form
// [host/][namespace/]model[:tag], each part of letters, digits and _ - .
// ("llama3.2", "llama3.2:1b", "hf.co/org/repo:Q4_K_M"). Ollama checks the
// name again; this refuses what it would never accept before anything is sent.
func OllamaModel(name string) error {
	if strings.TrimSpace(name) == "" {
		return refuseIn("Guard.noModelNamed", nil)
	}
	if len(name) > MaxModelBytes {
		return refuseIn("Guard.modelNameTooLong", i18n.Args{"Count": len(name), "Max": MaxModelBytes})
	}
	if !ollamaName.MatchString(name) {
		return refuseIn("Guard.badOllamaModel", i18n.Args{"Name": clip(name)})
	}
	return nil
}

// ollamaName is Ollama's name grammar (types/model/name.go): an optional
// host (which may carry a port) and namespace, then the model and an
// optional tag. Each part starts with a letter, digit or underscore; a
// namespace has no dots.
var ollamaName = regexp.MustCompile(`^(?:[A-Za-z0-9_][A-Za-z0-9_.:-]{0,349}/)??(?:[A-Za-z0-9_][A-Za-z0-9_-]{0,79}/)?[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,79})?$`)

// Models checks an endpoint's fixed list of models.
func Models(names []string) error {
	if len(names) > MaxModels {
		return refuseIn("Guard.tooManyModels", i18n.Args{"Count": len(names), "Max": MaxModels})
	}
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			return refuseIn("Guard.modelNoName", nil)
		}
		if err := Model(n); err != nil {
			return err
		}
	}
	return nil
}

// EndpointID checks an endpoint id; "" is allowed (none, or a new endpoint).
func EndpointID(id string) error {
	if len(id) > MaxEndpointIDBytes {
		return refuseIn("Guard.endpointIDTooLong", i18n.Args{"Size": Size(int64(len(id)))})
	}
	if !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0 || strings.TrimSpace(id) != id {
		return refuseIn("Guard.badEndpointID", i18n.Args{"ID": strconv.Quote(id)})
	}
	return nil
}

// RequiredEndpointID checks an endpoint id that must be given.
func RequiredEndpointID(id string) error {
	if id == "" {
		return refuseIn("Guard.noEndpointNamed", nil)
	}
	return EndpointID(id)
}

// Selection checks an endpoint and model chosen together: both or neither.
func Selection(endpointID, model string) error {
	if err := EndpointID(endpointID); err != nil {
		return err
	}
	if err := Model(model); err != nil {
		return err
	}
	if (endpointID == "") != (model == "") {
		return refuseIn("Guard.selectionHalf", nil)
	}
	return nil
}

// APIKey checks an API key as typed or pasted: after trimming the spaces and
// line breaks around it, it is one line of printable text.
func APIKey(key string) error {
	if len(key) > MaxAPIKeyBytes {
		return refuseIn("Guard.apiKeyTooLong", i18n.Args{"Size": Size(int64(len(key))), "Max": Size(MaxAPIKeyBytes)})
	}
	k := strings.TrimSpace(key)
	if !utf8.ValidString(k) || strings.IndexFunc(k, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
		return refuseIn("Guard.apiKeyBadChars", nil)
	}
	return nil
}

// BaseURL checks an endpoint's base URL for size and text; the store checks
// its scheme and host.
func BaseURL(raw string) error {
	if len(raw) > MaxURLBytes {
		return refuseIn("Guard.baseURLTooLong", i18n.Args{"Size": Size(int64(len(raw))), "Max": Size(MaxURLBytes)})
	}
	return shortText("baseURL", raw, MaxURLBytes)
}

// ServerKind checks the server kind chosen for an endpoint: one of
// [provider.ServerKinds], or "" to let Brook detect it.
func ServerKind(kind string) error {
	if kind == "" || provider.ServerKind(kind).Valid() {
		return nil
	}
	known := make([]string, len(provider.ServerKinds))
	for i, k := range provider.ServerKinds {
		known[i] = string(k)
	}
	return refuseIn("Guard.badServerKind", i18n.Args{"Kind": clip(kind), "Known": strings.Join(known, ", ")})
}

// Themes are the themes Brook has.
var Themes = []string{"system", "light", "dark"}

// Theme checks a theme name.
func Theme(theme string) error {
	return OneOf("theme", theme, Themes...)
}

// First returns the first of errs that is not nil: the first of several
// checks that refused.
func First(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// OneOf checks that value is one of allowed (what names the setting).
func OneOf(what, value string, allowed ...string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return refuseIn("Guard.notOneOf."+nounKey(what), i18n.Args{"Value": clip(value), "Allowed": strings.Join(allowed, ", ")})
}

// Page checks a page of a list: limit from 1 to [MaxPage] (0 means
// [MaxPage]) and offset from 0 to [MaxOffset]. It returns the limit to use.
func Page(limit, offset int) (int, error) {
	if limit < 0 || offset < 0 {
		return 0, refuseIn("Guard.pageNegative", i18n.Args{"Limit": limit, "Offset": offset})
	}
	if limit > MaxPage {
		return 0, refuseIn("Guard.pageTooLong", i18n.Args{"Value": limit, "Max": MaxPage})
	}
	if offset > MaxOffset {
		return 0, refuseIn("Guard.offsetTooFar", i18n.Args{"Value": offset})
	}
	if limit == 0 {
		limit = MaxPage
	}
	return limit, nil
}

// MaxPaintIntervalMs is the longest paint interval the UI may report, in
// milliseconds.
const MaxPaintIntervalMs = 2000

// PaintInterval checks how often the UI says it paints a streaming answer:
// from 0 to [MaxPaintIntervalMs] milliseconds.
func PaintInterval(ms int) error {
	if ms < 0 || ms > MaxPaintIntervalMs {
		return refuseIn("Guard.paintInterval", i18n.Args{"Value": ms, "Max": MaxPaintIntervalMs})
	}
	return nil
}

// Path checks a file path given by the UI: absolute, text, no NUL. Whether
// it is a file Brook will use is for the caller to say.
func Path(path string) error {
	if len(path) > MaxPathBytes {
		return refuseIn("Guard.pathTooLong", i18n.Args{"Size": Size(int64(len(path))), "Max": Size(MaxPathBytes)})
	}
	if err := shortText("path", path, MaxPathBytes); err != nil {
		return err
	}
	if !isAbs(path) {
		return refuseIn("Guard.notFullPath", i18n.Args{"Path": strconv.Quote(clip(path))})
	}
	return nil
}

// isAbs reports whether path is absolute on Linux, macOS or Windows.
func isAbs(path string) bool {
	if strings.HasPrefix(path, "/") || strings.HasPrefix(path, `\\`) {
		return true
	}
	return len(path) >= 3 && path[1] == ':' && (path[2] == '\\' || path[2] == '/') &&
		(path[0]|0x20 >= 'a' && path[0]|0x20 <= 'z')
}

// OpenableURL checks a link before the system browser or mail program opens
// it: http, https or mailto only (model output is untrusted, and other
// schemes can start programs), an http(s) link has a host, and no link
// carries a user name or password. It returns the link to open.
func OpenableURL(raw string) (string, error) {
	if len(raw) > MaxURLBytes {
		return "", refuseIn("Guard.linkTooLong", i18n.Args{"Size": Size(int64(len(raw))), "Max": Size(MaxURLBytes)})
	}
	if !utf8.ValidString(raw) || strings.IndexFunc(raw, unicode.IsControl) >= 0 {
		return "", refuseIn("Guard.linkBadChars", nil)
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", refuseIn("Guard.linkUnreadable", i18n.Args{"Link": clip(raw)})
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" || u.Hostname() == "" {
			return "", refuseIn("Guard.linkNoHost", i18n.Args{"Link": clip(raw)})
		}
	case "mailto":
		if u.Opaque == "" && u.Path == "" {
			return "", refuseIn("Guard.mailLinkNoAddress", i18n.Args{"Link": clip(raw)})
		}
	default:
		return "", refuseIn("Guard.linkScheme", i18n.Args{"Link": clip(raw)})
	}
	if u.User != nil {
		return "", refuseIn("Guard.linkCredentials", nil)
	}
	return u.String(), nil
}

// textOK checks that text is valid UTF-8 without NUL characters; what
// starts the sentence ("That message").
func textOK(what, text string) error {
	if !utf8.ValidString(text) {
		return refuseIn("Guard.notText."+what, nil)
	}
	if strings.IndexByte(text, 0) >= 0 {
		return refuseIn("Guard.nul."+what, nil)
	}
	return nil
}

// shortText checks one line of text of at most max characters.
func shortText(what, text string, max int) error {
	if len(text) > 4*max || utf8.RuneCountInString(text) > max {
		return refuseIn("Guard.tooLong."+what, i18n.Args{"Max": max})
	}
	if !utf8.ValidString(text) {
		return refuseIn("Guard.notUTF8."+what, nil)
	}
	if strings.IndexFunc(text, unicode.IsControl) >= 0 {
		return refuseIn("Guard.notOneLine."+what, nil)
	}
	return nil
}

// Size says n bytes in words: "512 bytes", "3 KB", "1 MB", "10.4 MB" (1 KB = 1024 bytes).
func Size(n int64) string { return SizeIn(i18n.Current(), n) }

// SizeIn is [Size] in language tag, for a document written in a language
// of its own (an export).
func SizeIn(tag string, n int64) string {
	switch {
	case n < 1<<10:
		return i18n.In(tag, "Size.bytes", i18n.Args{"Count": n})
	case n < 1<<20:
		return i18n.In(tag, "Size.kb", i18n.Args{"N": tenths(n, 1<<10)})
	default:
		return i18n.In(tag, "Size.mb", i18n.Args{"N": tenths(n, 1<<20)})
	}
}

// tenths is n in units, whole when it divides evenly, else to one decimal
// (the language's number format writes it).
func tenths(n, unit int64) any {
	if n%unit == 0 {
		return n / unit
	}
	return math.Round(float64(n)/float64(unit)*10) / 10
}

// nounKey is the message key part for a thing named in English by the
// callers (what), so each refusal is one whole sentence per language.
func nounKey(what string) string {
	switch what {
	case "answer", "assistant", "conversation", "document", "image", "message", "project", "theme":
		return what
	case "knowledge file":
		return "knowledgeFile"
	case "A decision":
		return "decision"
	case "endpoint kind":
		return "endpointKind"
	case "export format":
		return "exportFormat"
	}
	return "other"
}

// clip shortens a value quoted in an error, so a hostile value cannot make
// the error itself huge; invalid UTF-8 is shown escaped by %q.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Limits of an endpoint's model names added by hand.
const (
	// MaxExtraModels is the most model names one endpoint may have added by hand.
	MaxExtraModels = 100
	// MaxExtraModelRunes is the longest model name added by hand, in characters.
	MaxExtraModelRunes = 200
)

// ExtraModels checks the model names added by hand to an endpoint: each
// one line of text, not empty, at most [MaxExtraModelRunes] characters; at
// most [MaxExtraModels] of them. Repeats are the store's to drop.
func ExtraModels(names []string) error {
	if len(names) > MaxExtraModels {
		return refuseIn("Store.tooManyExtraModels", i18n.Args{"Count": len(names), "Max": MaxExtraModels})
	}
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			return refuseIn("Store.extraModelNoName", nil)
		}
		if err := shortText("modelName", n, MaxExtraModelRunes); err != nil {
			return err
		}
	}
	return nil
}

// Headers checks an endpoint's extra headers: names (at most
// [provider.MaxHeaders], none twice in any case, each valid and not one
// Brook sets itself; Authorization only when the endpoint will have no API
// key) and the new values given for some of them (by name as given; no line
// breaks, at most [provider.MaxHeaderValueBytes]). A value for a name not
// in names is refused, as is a new name without a value unless stored
// says one is kept (by canonical name).
func Headers(names []string, values map[string]string, hasAPIKey bool, stored func(canonical string) bool) error {
	if len(names) > provider.MaxHeaders {
		return refuseIn("Store.tooManyHeaders", i18n.Args{"Count": len(names), "Max": provider.MaxHeaders})
	}
	seen := map[string]bool{}
	for _, n := range names {
		if err := provider.CheckHeaderName(n, hasAPIKey); err != nil {
			return refuseAs(err)
		}
		c := http.CanonicalHeaderKey(n)
		if seen[c] {
			return refuseIn("Store.headerTwice", i18n.Args{"Name": c})
		}
		seen[c] = true
		v, given := values[n]
		if !given && !stored(c) {
			return refuseIn("Guard.headerNoValue", i18n.Args{"Name": c})
		}
		if given {
			if err := provider.CheckHeaderValue(c, v); err != nil {
				return refuseAs(err)
			}
		}
	}
	for n := range values {
		if !slices.Contains(names, n) {
			return refuseIn("Guard.headerValueUnlisted", i18n.Args{"Name": clip(n)})
		}
	}
	return nil
}
