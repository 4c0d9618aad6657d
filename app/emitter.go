package app

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf16"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"brook/backend/events"
)

// wailsEmitter sends backend events to the window. Calling the Wails runtime
// with no context is fatal, so events before start-up are dropped.
type wailsEmitter struct {
	ctx atomic.Pointer[context.Context]
}

var _ events.Emitter = (*wailsEmitter)(nil)

func (w *wailsEmitter) attach(ctx context.Context) { w.ctx.Store(&ctx) }

func (w *wailsEmitter) Emit(name string, payload any) {
	ctx := w.ctx.Load()
	if ctx == nil {
		return
	}
	if err := postToWindow(name, payload); err == nil {
		return
	}
	runtime.EventsEmit(*ctx, name, payload)
}

// eventScript is the JavaScript that delivers an event to the UI's EventsOn
// listeners, as the Wails runtime writes it: the JSON of {name, data} inside a
// single-quoted string, escaped so that no payload (model output included)
// can end the string.
func eventScript(name string, payload any) (string, error) {
	msg, err := json.Marshal(struct {
		Name string `json:"name"`
		Data []any  `json:"data"`
	}{name, []any{payload}})
	if err != nil {
		return "", err
	}
	return `window.wails.EventsNotify('` + jsEscapeString(string(msg)) + `');`, nil
}

// jsEscapeString escapes s for a single-quoted JavaScript string as
// template.JSEscapeString does, except that a code point above U+FFFF it does
// not print goes as a UTF-16 surrogate pair: JSEscapeString writes it as \u
// and five or six hex digits, of which JavaScript reads four, garbling flags
// made of tag characters, emoji newer than Go's tables and private-use planes.
func jsEscapeString(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\'':
			b.WriteString(`\'`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '<', r == '>', r == '&', r == '=', r < ' ':
			writeUTF16Escape(&b, uint16(r))
		case r < 0x80, unicode.IsPrint(r):
			b.WriteRune(r)
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			writeUTF16Escape(&b, uint16(hi))
			writeUTF16Escape(&b, uint16(lo))
		default:
			writeUTF16Escape(&b, uint16(r))
		}
	}
	return b.String()
}

// writeUTF16Escape writes the JavaScript escape \uXXXX of one UTF-16 unit.
func writeUTF16Escape(b *strings.Builder, unit uint16) {
	const hex = "0123456789ABCDEF"
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hex[unit>>shift&0xF])
	}
}
