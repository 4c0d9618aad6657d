package transfer

import (
	"bytes"
	"strings"
	"testing"

	"brook/backend/i18n"
)

// exportIn exports the fixture, every version, in language tag.
func exportIn(t *testing.T, f Format, tag string) string {
	t.Helper()
	var buf bytes.Buffer
	bundles := fixtureBundles()
	if err := ExportSeqWith(&buf, f, entriesOf(bundles), seqOf(bundles), exportTime, Options{AllVersions: true, Language: tag}); err != nil {
		t.Fatalf("Export(%s, %s): %v", f, tag, err)
	}
	return buf.String()
}

// TestExportSpeaksTheLanguage checks that the Markdown and HTML documents
// are worded in the language asked for, with the page saying which, and
// that none of the English words Brook adds is left behind.
func TestExportSpeaksTheLanguage(t *testing.T) {
	for _, tc := range []struct {
		tag      string
		markdown []string
		html     []string
	}{
		{"de", []string{
			"## Benutzer\n",
			"## Assistent",
			"Version 1 von 2",
			"(nicht die angezeigte)",
			"*3,4 s nachgedacht*",
			"3 Seiten, 26 Byte)",
			"Werkzeugaufruf: read_text_file",
			"Argumente:\n",
			"Vom Benutzer angehalten, diese Antwort ist unvollständig.",
			"Bild: ",
			"nicht in Markdown-Exporten enthalten",
			"Exportiert: 2",
		}, []string{
			`<html lang="de">`,
			"<h1>Brook-Export</h1>",
			"<summary>Systemprompt</summary>",
			"<p class=\"stats\">Ergebnis</p>",
			"erstes Token nach ",
			"Aus Brook exportiert am ",
		}},
		{"ja", []string{
			"## ユーザー\n",
			"## アシスタント",
			"バージョン 1/2",
			"（表示中のものではありません）",
			"ツール呼び出し: read_text_file",
			"引数:\n",
			"ユーザーが停止しました。この回答は不完全です。",
			"Markdown エクスポートには含まれません",
		}, []string{
			`<html lang="ja">`,
			"<h1>Brook のエクスポート</h1>",
			"<summary>システムプロンプト</summary>",
			"3.4 秒思考しました",
			"最初のトークン ",
			"に Brook からエクスポート</footer>",
		}},
	} {
		t.Run(tc.tag, func(t *testing.T) {
			md := exportIn(t, FormatMarkdown, tc.tag)
			page := exportIn(t, FormatHTML, tc.tag)
			for _, want := range tc.markdown {
				if !strings.Contains(md, want) {
					t.Errorf("the Markdown export in %s lacks %q", tc.tag, want)
				}
			}
			for _, want := range tc.html {
				if !strings.Contains(page, want) {
					t.Errorf("the HTML export in %s lacks %q", tc.tag, want)
				}
			}
			// The fixture's own words are English too ("Refactor this"),
			// so only Brook's labels are looked for.
			for _, english := range []string{
				"\n## User\n\n", "## Assistant", "Tool call:", "Thought for", "not the one shown",
				"Stopped by the user", "not included in Markdown exports", "Arguments:", "version 1 of 2",
				"System prompt", "Exported from Brook", "first token", "Brook export<",
			} {
				if strings.Contains(md, english) {
					t.Errorf("the Markdown export in %s still says %q", tc.tag, english)
				}
				if strings.Contains(page, english) {
					t.Errorf("the HTML export in %s still says %q", tc.tag, english)
				}
			}
		})
	}
	if missing := i18n.Missing(); len(missing) > 0 {
		t.Errorf("messages fell back to English: %v", missing)
	}
}

// TestExportJSONHasNoLanguage checks that JSON, which is data, is the same
// in every language.
func TestExportJSONHasNoLanguage(t *testing.T) {
	if en, de := exportIn(t, FormatJSON, i18n.English), exportIn(t, FormatJSON, "de"); en != de {
		t.Error("the JSON export differs between English and German")
	}
}

// TestExportInEnglishHasNoLangAttribute pins the English page's head as
// the golden files have it.
func TestExportInEnglishHasNoLangAttribute(t *testing.T) {
	if page := exportIn(t, FormatHTML, i18n.English); !strings.Contains(page, "<!DOCTYPE html>\n<html>\n") {
		t.Errorf("the English page's head changed: %.80q", page)
	}
}
