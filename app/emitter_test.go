package app

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// jsSingleQuoted reads the body of a single-quoted JavaScript string literal
// as JavaScript does: a string of UTF-16 code units, where \u takes exactly
// four hex digits. It fails on a quote or line break that would end the
// string early.
func jsSingleQuoted(t *testing.T, body string) string {
	t.Helper()
	var units []uint16
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case c == '\'' || c == '\n' || c == '\r':
			t.Fatalf("unescaped %q at %d ends the string early: %s", c, i, body)
		case c != '\\':
			r, size := utf8.DecodeRuneInString(body[i:])
			units = utf16.AppendRune(units, r)
			i += size
		case i+1 >= len(body):
			t.Fatalf("dangling backslash: %s", body)
		case body[i+1] == 'u':
			if i+6 > len(body) {
				t.Fatalf("short \\u escape at %d: %s", i, body)
			}
			u, err := strconv.ParseUint(body[i+2:i+6], 16, 16)
			if err != nil {
				t.Fatalf("bad \\u escape at %d: %s", i, body)
			}
			units = append(units, uint16(u))
			i += 6
		default:
			units = append(units, uint16(body[i+1])) // \\ \' \"
			i += 2
		}
	}
	return string(utf16.Decode(units))
}

// deliveredText is what the window's JavaScript reads from the event script
// of a delta carrying text.
func deliveredText(t *testing.T, text string) string {
	t.Helper()
	type delta struct {
		Text string `json:"text"`
	}
	script, err := eventScript("brook:stream", delta{text})
	if err != nil {
		t.Fatal(err)
	}
	const head, tail = "window.wails.EventsNotify('", "');"
	if !strings.HasPrefix(script, head) || !strings.HasSuffix(script, tail) {
		t.Fatalf("script %q", script)
	}
	body := jsSingleQuoted(t, strings.TrimSuffix(strings.TrimPrefix(script, head), tail))
	var got struct {
		Name string  `json:"name"`
		Data []delta `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%q: %v", body, err)
	}
	if got.Name != "brook:stream" || len(got.Data) != 1 {
		t.Fatalf("delivered %+v", got)
	}
	return got.Data[0].Text
}

func TestEventScriptCarriesHostilePayloadsIntact(t *testing.T) {
	hostile := []string{
		"plain text",
		`'); alert(1); ('`,
		`</script><script>alert(1)</script>`,
		"line\u2028separator\u2029and\nnewline\r",
		`back\slash \' \\' "quotes"`,
		"ünïcödé ✓ and \x00 control",
	}
	for _, text := range hostile {
		if got := deliveredText(t, text); got != text {
			t.Fatalf("delivered %q, want %q", got, text)
		}
	}
}

// TestEventScriptCarriesEveryPlane sends code points of all 17 Unicode
// planes, printable or not, the way JavaScript reads them: Go's own
// JSEscapeString writes an unprintable one above U+FFFF as \u and five or
// six hex digits, of which JavaScript reads four.
func TestEventScriptCarriesEveryPlane(t *testing.T) {
	named := map[string]string{
		"England's flag (tag characters)": "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
		"Scotland's flag":                 "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",
		"an emoji newer than Go's tables": "\U0001FAE9", // face with bags under eyes, Unicode 16
		"private use, plane 15":           "\U000F0000\U000FFFFD",
		"private use, plane 16":           "\U00100000\U0010FFFD",
		"mathematical letters":            "\U0001D400\U0001D7FF",
		"CJK extension B":                 "\U00020000",
		"unassigned plane 4":              "\U00040000",
	}
	for name, text := range named {
		if got := deliveredText(t, text); got != text {
			t.Errorf("%s: delivered %+q, want %+q", name, got, text)
		}
	}
	for plane := rune(0); plane <= 16; plane++ {
		var b strings.Builder
		for _, low := range []rune{0x0000, 0x0001, 0x00FF, 0x0100, 0x7FFF, 0xD7FF, 0xE000, 0xFFFD, 0xFFFE, 0xFFFF} {
			if r := plane<<16 | low; utf8.ValidRune(r) {
				b.WriteRune(r)
			}
		}
		text := b.String()
		if got := deliveredText(t, text); got != text {
			t.Errorf("plane %d: delivered %+q, want %+q", plane, got, text)
		}
	}
}

func TestEventScriptRefusesWhatJSONCannotCarry(t *testing.T) {
	if _, err := eventScript("x", make(chan int)); err == nil {
		t.Fatal("a channel payload made a script")
	}
}
