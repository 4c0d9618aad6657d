package app

import (
	"context"
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
	if ctx := w.ctx.Load(); ctx != nil {
		runtime.EventsEmit(*ctx, name, payload)
	}
}
