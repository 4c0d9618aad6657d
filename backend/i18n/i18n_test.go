package i18n

import (
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template/parse"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// forms reads a message file as id → plural form → template.
func forms(t *testing.T, tag string) map[string]map[string]string {
	t.Helper()
	data, err := fs.ReadFile(files(), "locales/"+tag+".json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s: %v", tag, err)
	}
	out := map[string]map[string]string{}
	for id, v := range raw {
		switch v := v.(type) {
		case string:
			out[id] = map[string]string{"other": v}
		case map[string]any:
			out[id] = map[string]string{}
			for form, text := range v {
				out[id][form] = text.(string)
			}
		}
	}
	return out
}

// fields lists the {{.Field}} names a template uses.
func fields(t *testing.T, id, text string) []string {
	t.Helper()
	trees, err := parse.Parse(id, text, "{{", "}}")
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	seen := map[string]bool{}
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			for _, cmd := range n.Pipe.Cmds {
				for _, arg := range cmd.Args {
					if f, ok := arg.(*parse.FieldNode); ok {
						seen[strings.Join(f.Ident, ".")] = true
					}
				}
			}
		}
	}
	for _, tree := range trees {
		walk(tree.Root)
	}
	return slices.Sorted(maps.Keys(seen))
}

// TestEveryLanguageHasEveryMessageWithTheSameFields: a language that lacks
// a message, has one English does not, or fills in other variables fails.
func TestEveryLanguageHasEveryMessageWithTheSameFields(t *testing.T) {
	english := forms(t, English)
	for _, tag := range Languages {
		if tag == English || tag == Pseudo {
			continue
		}
		other := forms(t, tag)
		for id, en := range english {
			msg, ok := other[id]
			if !ok {
				t.Errorf("%s lacks %s", tag, id)
				continue
			}
			if _, ok := msg["other"]; !ok {
				t.Errorf("%s: %s has no \"other\" form", tag, id)
			}
			want := fields(t, id, en["other"])
			for form, text := range msg {
				if got := fields(t, tag+":"+id+":"+form, text); !slices.Equal(got, want) {
					t.Errorf("%s: %s (%s) fills in %v, English fills in %v", tag, id, form, got, want)
				}
			}
		}
		for id := range other {
			if _, ok := english[id]; !ok {
				t.Errorf("%s has %s, which English does not", tag, id)
			}
		}
	}
}

// TestEveryMessageSaysSomethingInEveryLanguage looks every message up in
// every language, as the window would, and fails on any that fell back to
// English at run time.
func TestEveryMessageSaysSomethingInEveryLanguage(t *testing.T) {
	args := Args{"Count": 3, "Max": 20, "Value": 0, "Err": errors.New("x"), "Name": "a.pdf"}
	for _, tag := range Languages {
		for _, id := range loaded().ids {
			if got := In(tag, id, args); got == "" || got == id {
				t.Errorf("%s: %s says %q", tag, id, got)
			}
		}
	}
	if m := Missing(); len(m) > 0 {
		t.Errorf("fell back to English: %v", m)
	}
}

// TestAMissingMessageFallsBackToEnglishAndIsNoted builds a catalogue where
// German lacks a message: the lookup says it in English and notes it.
func TestAMissingMessageFallsBackToEnglishAndIsNoted(t *testing.T) {
	bundle := goi18n.NewBundle(mustTag("en"))
	bundle.MustAddMessages(mustTag("en"), &goi18n.Message{ID: "Only.english", Other: "Only in English"})
	bundle.MustAddMessages(mustTag("de"), &goi18n.Message{ID: "Other", Other: "Anderes"})
	s := &speaker{tag: "de-test", loc: goi18n.NewLocalizer(bundle, "de")}
	s.numbers = speakerFor("de").numbers
	if got := s.say("Only.english", nil); got != "Only in English" {
		t.Errorf("a missing German message says %q, want the English words", got)
	}
	if !slices.Contains(Missing(), "de-test:Only.english") {
		t.Errorf("the fallback was not noted: %v", Missing())
	}
	missingMu.Lock()
	delete(missing, "de-test:Only.english")
	missingMu.Unlock()
}

// TestRussianPluralsAndNumbers: one, few and many are chosen by CLDR rules,
// and numbers are written the Russian way.
func TestRussianPluralsAndNumbers(t *testing.T) {
	tests := []struct {
		count int
		want  string
	}{
		{1, "в этом сообщении 1 документ;"},
		{21, "в этом сообщении 21 документ;"},
		{3, "в этом сообщении 3 документа;"},
		{22, "в этом сообщении 22 документа;"},
		{5, "в этом сообщении 5 документов;"},
		{11, "в этом сообщении 11 документов;"},
		{1000, "в этом сообщении 1 000 документов;"},
	}
	for _, tt := range tests {
		got := strings.ReplaceAll(In("ru", "Documents.tooMany", Args{"Count": tt.count, "Max": 20}), "\u00a0", " ")
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("%d: %q, want it to start %q", tt.count, got, tt.want)
		}
	}
}

// TestEveryPluralHasEveryFormOfItsLanguage: a message English says in
// plural forms has, in every language, each form that language's CLDR
// rules pick for the counts tried.
func TestEveryPluralHasEveryFormOfItsLanguage(t *testing.T) {
	english := forms(t, English)
	counts := []any{0, 1, 2, 3, 5, 11, 21, 22, 25, 101, 1000000, "1.5"}
	for id, en := range english {
		if len(en) < 2 {
			continue
		}
		for _, tag := range Languages {
			for _, n := range counts {
				_, err := speakerFor(tag).loc.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: map[string]any{}})
				if err != nil {
					t.Errorf("%s: %s for %v: %v", tag, id, n, err)
				}
			}
		}
	}
}

func TestPluralsAndNumbersPerLanguage(t *testing.T) {
	tests := []struct {
		tag   string
		count int
		want  string
	}{
		{"en", 1, "Connected: Ollama, 1 model, 1,234 ms."},
		{"en", 2, "Connected: Ollama, 2 models, 1,234 ms."},
		{"de", 1, "Verbunden: Ollama, 1 Modell, 1.234 ms."},
		{"de", 2, "Verbunden: Ollama, 2 Modelle, 1.234 ms."},
		{"fr", 0, "Connecté : Ollama, 0 modèle, 1 234 ms."},
		{"ja", 2, "接続しました：Ollama、モデル 2 個、1,234 ミリ秒。"},
		{"ru", 2, "Подключено: Ollama, 2 модели, 1 234 мс."},
	}
	for _, tt := range tests {
		got := In(tt.tag, "Probe.connected", Args{"Server": "Ollama", "Count": tt.count, "Millis": 1234})
		// x/text writes a narrow no-break space between thousands in
		// French and Russian; compare with plain spaces.
		got = strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(got)
		if got != tt.want {
			t.Errorf("%s %d: %q, want %q", tt.tag, tt.count, got, tt.want)
		}
	}
}

func TestPseudoLocaleIsAccentedLongerAndKeepsItsVariables(t *testing.T) {
	actions := regexp.MustCompile(`{{[^}]*}}`)
	english := forms(t, English)
	for _, id := range loaded().ids {
		en, xa := In(English, id, Args{"Name": "a.pdf"}), In(Pseudo, id, Args{"Name": "a.pdf"})
		// The words, without the variables, grow by about 40 %.
		words := len([]rune(actions.ReplaceAllString(english[id]["other"], "")))
		grown := len([]rune(actions.ReplaceAllString(pseudo(english[id]["other"]), "")))
		if grown < words*14/10 {
			t.Errorf("%s: %q is not about 40 %% longer than %q", id, xa, en)
		}
		if strings.Contains(en, "a.pdf") && !strings.Contains(xa, "a.pdf") {
			t.Errorf("%s: %q lost its variable", id, xa)
		}
	}
	if got := In(Pseudo, "Chat.emptyMessage", nil); !strings.Contains(got, "ţĥé ɱéššáĝé íš éɱþţý") {
		t.Errorf("pseudo-locale: %q", got)
	}
}

func TestLanguageSettings(t *testing.T) {
	tests := []struct {
		setting, want string
		ok            bool
	}{
		{"de", "de", true},
		{"de-AT", "de", true},
		{"pt-BR", "pt-BR", true},
		{"zh-CN", "zh-CN", true},
		{"zh-Hans", "zh-CN", true},
		{"en-XA", "en-XA", true},
		{"en-GB", "en", true},
		{"ja-JP", "ja", true},
		{"tlh", "", false},
		{"not a tag", "", false},
		{"zh-TW", "", false},
	}
	for _, tt := range tests {
		got, err := Resolve(tt.setting)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q (ok %v)", tt.setting, got, err, tt.want, tt.ok)
		}
		if !tt.ok && !errors.Is(err, ErrLanguage) {
			t.Errorf("Resolve(%q): %v does not match ErrLanguage", tt.setting, err)
		}
	}
	if err := Validate("xx-!!"); err == nil || !strings.Contains(err.Error(), "xx-!!") {
		t.Errorf("a bad tag's error does not name it: %v", err)
	}
}

func TestTheDesktopLocaleComesFromTheEnvironment(t *testing.T) {
	tests := []struct{ lcAll, lcMessages, lang, want string }{
		{"", "", "de_DE.UTF-8", "de"},
		{"", "ru_RU.UTF-8", "de_DE.UTF-8", "ru"},
		{"ja_JP.UTF-8", "ru_RU.UTF-8", "de_DE.UTF-8", "ja"},
		{"", "", "pt_BR", "pt-BR"},
		{"", "", "C.UTF-8", "en"},
		{"", "", "", "en"},
		{"", "", "tlh_XX", "en"},
		{"", "", "en_XA.UTF-8", "en-XA"},
		{"", "", "zh_CN.UTF-8", "zh-CN"},
		{"", "", "zh_TW.UTF-8", "en"},
		{"", "", "sr_RS@latin", "en"},
	}
	for _, tt := range tests {
		t.Setenv("LC_ALL", tt.lcAll)
		t.Setenv("LC_MESSAGES", tt.lcMessages)
		t.Setenv("LANG", tt.lang)
		if got, err := Resolve(""); err != nil || got != tt.want {
			t.Errorf("LC_ALL=%q LC_MESSAGES=%q LANG=%q: %q, %v; want %q", tt.lcAll, tt.lcMessages, tt.lang, got, err, tt.want)
		}
	}
}

func TestErrorsSpeakTheLanguageCurrentWhenRead(t *testing.T) {
	t.Cleanup(func() { _ = SetLanguage(English) })
	kind := errors.New("kind")
	err := Kind(kind, "Chat.emptyMessage", nil)
	if err := SetLanguage("de"); err != nil {
		t.Fatal(err)
	}
	if got := err.Error(); got != "die Nachricht ist leer" {
		t.Errorf("in German: %q", got)
	}
	if err := SetLanguage(English); err != nil {
		t.Fatal(err)
	}
	if got := err.Error(); got != "the message is empty" {
		t.Errorf("in English: %q", got)
	}
	if !errors.Is(err, kind) {
		t.Error("the error does not match its kind")
	}
	if err := SetLanguage("xx-!!"); !errors.Is(err, ErrLanguage) || Current() != English {
		t.Errorf("a bad tag: %v, language now %s", err, Current())
	}
}

func mustTag(s string) language.Tag { return language.MustParse(s) }

// TestLookupsAreSafeWhileTheLanguageChanges: bound calls run on goroutines
// of their own, and Settings → Save may change the language meanwhile (run
// with -race).
func TestLookupsAreSafeWhileTheLanguageChanges(t *testing.T) {
	t.Cleanup(func() { _ = SetLanguage(English) })
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				if got := T("Documents.tooMany", Args{"Count": i, "Max": 20}); got == "" {
					t.Error("an empty lookup")
					return
				}
			}
		}()
	}
	for i := range 200 {
		_ = SetLanguage(Languages[i%len(Languages)])
	}
	for range 4 {
		<-done
	}
}

// BenchmarkLookup is one message with a plural and a number: what an error
// or a reason costs once the catalogue is loaded.
func BenchmarkLookup(b *testing.B) {
	_ = In("ru", "Chat.emptyMessage", nil) // load once
	for b.Loop() {
		_ = In("ru", "Documents.tooMany", Args{"Count": 5, "Max": 20})
	}
}

// TestSaidKnowsAMessageInEveryLanguage: words stored in one language are
// recognised in any other, and other words are not.
func TestSaidKnowsAMessageInEveryLanguage(t *testing.T) {
	t.Cleanup(func() { _ = SetLanguage(English) })
	if err := SetLanguage("ja"); err != nil {
		t.Fatal(err)
	}
	for _, tag := range Languages {
		if words := In(tag, "Chat.newChat", nil); !Said("Chat.newChat", words) {
			t.Errorf("%s: %q is not recognised as Chat.newChat", tag, words)
		}
	}
	if Said("Chat.newChat", "Groceries for Sunday") {
		t.Error("a title of the user's is taken for the placeholder")
	}
}
