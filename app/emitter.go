package app

import (
	"context"
	"encoding/json"
	"html/template"
	"sync/atomic"

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
	return `window.wails.EventsNotify('` + template.JSEscapeString(string(msg)) + `');`, nil
}
