package app

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// jsSingleQuoted reads the body of a single-quoted JavaScript string literal
// made by template.JSEscapeString, failing on a quote that would end it early.
func jsSingleQuoted(t *testing.T, body string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\'' || c == '\n' || c == '\r':
			t.Fatalf("unescaped %q at %d ends the string early: %s", c, i, body)
		case c != '\\':
			b.WriteByte(c)
		case i+1 >= len(body):
			t.Fatalf("dangling backslash: %s", body)
		case body[i+1] == 'u':
			r, err := strconv.ParseUint(body[i+2:i+6], 16, 32)
			if err != nil {
				t.Fatalf("bad \\u escape at %d: %s", i, body)
			}
			b.WriteRune(rune(r))
			i += 5
		default:
			b.WriteByte(body[i+1]) // \\ \' \"
			i++
		}
	}
	return b.String()
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
		if got.Name != "brook:stream" || len(got.Data) != 1 || got.Data[0].Text != text {
			t.Fatalf("delivered %+v, want %q", got, text)
		}
	}
}

func TestEventScriptRefusesWhatJSONCannotCarry(t *testing.T) {
	if _, err := eventScript("x", make(chan int)); err == nil {
		t.Fatal("a channel payload made a script")
	}
}
