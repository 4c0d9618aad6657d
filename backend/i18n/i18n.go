// Package i18n holds the words Brook's Go side shows the user, in every
// language Brook speaks. The catalogue (go-i18n message files, CLDR plural
// rules) is embedded and parsed once, at the first use; after that a lookup
// is a map read and a template execution, and nothing runs per token.
//
// Words are looked up in the current language ([SetLanguage]), which
// follows the user's setting or, when it is empty, the desktop's locale. A
// message the current language lacks falls back to English and is noted
// ([Missing]) so that a test can fail on it.
package i18n

import (
	"archive/zip"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// cataloguesZip is locales/*.json, deflated (a quarter of their size) by
// `make catalogues` (tools/catalogues); a test fails when it is stale.
//
//go:generate go run ../../tools/catalogues -dir .
//go:embed catalogues.zip
var cataloguesZip string

// files opens the embedded catalogues as locales/<tag>.json. A file is
// inflated only when its language is first parsed.
var files = sync.OnceValue(func() fs.FS {
	r, err := zip.NewReader(strings.NewReader(cataloguesZip), int64(len(cataloguesZip)))
	if err != nil {
		panic(err) // embedded and tested: a build mistake
	}
	return r
})

// English is the language every message is written in first, and the one
// a missing message falls back to.
const English = "en"

// Pseudo is the pseudo-locale: English, accented and about 40 % longer,
// generated from the English catalogue. It shows hard-coded words (they
// stay plain) and layouts that break when text grows.
const Pseudo = "en-XA"

// Languages lists the tags Brook ships, English first.
var Languages = []string{English, "de", "fr", "es", "pt-BR", "zh-CN", "ja", "ru", Pseudo}

// ErrLanguage is a language setting that is not a well-formed BCP 47 tag
// or names a language Brook does not speak.
var ErrLanguage = errors.New("i18n: unsupported language")

// Args are a message's template data. Whole numbers and floats among them
// are written the way the language writes numbers ("1 234", "1.234");
// the one named "Count" also chooses the plural form.
type Args map[string]any

type catalogue struct {
	// english is the English catalogue, parsed once; every language's
	// bundle holds it, to fall back on.
	english []*goi18n.Message
	tags    []language.Tag
	matcher language.Matcher
	// ids is every message id of English, sorted.
	ids []string
}

// loaded is the English catalogue and the list of languages, parsed once.
// Another language is parsed only when it is first spoken ([bundleFor]).
var loaded = sync.OnceValue(func() *catalogue {
	c, err := load(files())
	if err != nil {
		// The files are embedded and checked by the tests: a broken one
		// is a build mistake, not something a user can cause.
		panic(err)
	}
	return c
})

func load(fsys fs.FS) (*catalogue, error) {
	mf, err := parseFile(fsys, English)
	if err != nil {
		return nil, err
	}
	c := &catalogue{english: mf.Messages}
	for _, m := range mf.Messages {
		c.ids = append(c.ids, m.ID)
	}
	slices.Sort(c.ids)
	// The pseudo-locale is chosen only by its own tag, never as the
	// closest match of another English.
	for _, tag := range Languages[:len(Languages)-1] {
		c.tags = append(c.tags, language.Make(tag))
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

func parseFile(fsys fs.FS, tag string) (*goi18n.MessageFile, error) {
	name := path.Join("locales", tag+".json")
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	mf, err := goi18n.ParseMessageFileBytes(data, name, map[string]goi18n.UnmarshalFunc{"json": json.Unmarshal})
	if err != nil {
		return nil, fmt.Errorf("i18n: %s: %w", name, err)
	}
	return mf, nil
}

// bundles holds one go-i18n bundle per language spoken so far: English,
// plus the language itself. A bundle is never changed once made, so
// lookups need no lock.
var bundles sync.Map // tag → func() *goi18n.Bundle

func bundleFor(tag string) *goi18n.Bundle {
	get, _ := bundles.LoadOrStore(tag, sync.OnceValue(func() *goi18n.Bundle {
		c := loaded()
		b := goi18n.NewBundle(language.English)
		if err := b.AddMessages(language.English, c.english...); err != nil {
			panic(err)
		}
		switch tag {
		case English:
		case Pseudo:
			if err := b.AddMessages(language.Make(Pseudo), pseudoMessages(c.english)...); err != nil {
				panic(err)
			}
		default:
			mf, err := parseFile(files(), tag)
			if err == nil {
				err = b.AddMessages(mf.Tag, mf.Messages...)
			}
			if err != nil {
				panic(err) // embedded and tested: a build mistake
			}
		}
		return b
	}))
	return get.(func() *goi18n.Bundle)()
}

// speaker is one language's localizer and number format.
type speaker struct {
	tag     string
	loc     *goi18n.Localizer
	numbers numberFormat
}

var speakers sync.Map // tag → *speaker

func speakerFor(tag string) *speaker {
	if s, ok := speakers.Load(tag); ok {
		return s.(*speaker)
	}
	c := loaded()
	var s *speaker
	if tag == Pseudo {
		s = &speaker{tag: Pseudo, loc: goi18n.NewLocalizer(bundleFor(Pseudo), Pseudo), numbers: numberFormats[Pseudo]}
	} else {
		_, i, _ := c.matcher.Match(language.Make(tag))
		t := c.tags[i]
		s = &speaker{tag: Languages[i], loc: goi18n.NewLocalizer(bundleFor(Languages[i]), t.String()), numbers: numberFormats[Languages[i]]}
	}
	got, _ := speakers.LoadOrStore(tag, s)
	return got.(*speaker)
}

var current atomic.Pointer[speaker]

// SetLanguage makes setting (a BCP 47 tag, or "" for the desktop's
// locale) the language of every word looked up from now on. A tag Brook
// cannot use is refused with [ErrLanguage] and changes nothing.
func SetLanguage(setting string) error {
	tag, err := Resolve(setting)
	if err != nil {
		return err
	}
	current.Store(speakerFor(tag))
	return nil
}

// Current is the tag of the language words are looked up in now.
func Current() string { return now().tag }

func now() *speaker {
	if s := current.Load(); s != nil {
		return s
	}
	return speakerFor(English)
}

// Resolve says which shipped language setting means: the setting itself
// (or the closest shipped language, "de-AT" → "de"), or for "" the
// desktop's locale, or English when the desktop's is not shipped.
func Resolve(setting string) (string, error) {
	if setting == "" {
		if tag, ok := match(DesktopLocale()); ok {
			return tag, nil
		}
		return English, nil
	}
	if err := Validate(setting); err != nil {
		return "", err
	}
	tag, _ := match(setting)
	return tag, nil
}

// Validate refuses a language setting that is not "" and not a shipped
// language (or a regional variant of one), in words for the user.
func Validate(setting string) error {
	if setting == "" {
		return nil
	}
	if _, ok := match(setting); !ok {
		return &Error{Kind: ErrLanguage, ID: "Settings.LanguageUnknown", Args: Args{"Tag": setting, "Languages": strings.Join(Languages, ", ")}}
	}
	return nil
}

// match finds the shipped language for a BCP 47 tag; ok is false for a
// malformed tag or a language Brook does not ship.
func match(tag string) (string, bool) {
	if tag == "" {
		return "", false
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", false
	}
	if strings.EqualFold(t.String(), Pseudo) {
		return Pseudo, true
	}
	c := loaded()
	_, i, _ := c.matcher.Match(t)
	// The matcher offers English for anything; only the same language counts.
	if want, _ := t.Base(); want != baseOf(c.tags[i]) {
		return "", false
	}
	// Chinese written in traditional characters is not zh-CN.
	if base, _ := t.Base(); base.String() == "zh" {
		if script, _ := t.Script(); script.String() == "Hant" {
			return "", false
		}
	}
	return Languages[i], true
}

func baseOf(t language.Tag) language.Base {
	b, _ := t.Base()
	return b
}

// T says message id in the current language, with args filled in.
func T(id string, args Args) string { return now().say(id, args) }

// In says message id in language tag (a shipped tag, or the closest one).
func In(tag, id string, args Args) string { return speakerFor(tag).say(id, args) }

// Number writes n the way the current language writes numbers.
func Number(n any) string { return now().numbers.format(n) }

var (
	missingMu sync.Mutex
	missing   = map[string]bool{}
)

// Missing lists the "tag:id" pairs that fell back to English (or were
// not found at all) since the program started, sorted. Tests fail on any.
func Missing() []string {
	missingMu.Lock()
	defer missingMu.Unlock()
	var out []string
	for k := range missing {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (s *speaker) say(id string, args Args) string {
	data := make(map[string]any, len(args))
	var count any
	for k, v := range args {
		switch n := v.(type) {
		case int, int64, uint64, float64:
			data[k] = s.numbers.format(n)
			if k == "Count" {
				count = n
			}
		case error:
			data[k] = n.Error()
		default:
			data[k] = v
		}
	}
	out, err := s.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	// A message with one form only (no plural) errs for a count whose
	// form it lacks, and go-i18n then uses its one form: that is fine.
	// A message the language lacks is not.
	var notFound *goi18n.MessageNotFoundErr
	if errors.As(err, &notFound) || out == "" {
		missingMu.Lock()
		missing[s.tag+":"+id] = true
		missingMu.Unlock()
		if out == "" {
			return id
		}
	}
	return out
}
