package app

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"brook/backend/events"
	"brook/backend/instance"
	"brook/backend/paths"
	"brook/backend/store"
	"brook/backend/window"
)

// Default window size, when none was saved or it no longer fits.
const (
	defaultWidth  = 1280
	defaultHeight = 860
)

// singleInstance is the lock: one Brook window per data folder
// ([instance.ID]). A second launch with the same data folder hands over to
// the first, which comes to the front, and exits; the brook command hands
// over [instance.ConversationsChanged] after an import, and the window
// reads its list again. Without a D-Bus session bus Wails skips the lock
// and Brook starts as usual.
func (a *App) singleInstance() *options.SingleInstanceLock {
	l, err := paths.Where()
	if err != nil {
		return nil
	}
	a.secondary = instance.Running(l.Data)
	return &options.SingleInstanceLock{
		UniqueId: instance.ID(l.Data),
		OnSecondInstanceLaunch: func(data options.SecondInstanceData) {
			if !a.started() || a.ctx == nil || a.closing.Load() {
				return
			}
			if slices.Contains(data.Args, instance.ConversationsChanged) {
				a.log.Info("conversations changed by the brook command")
				a.emitter.Emit(events.ConversationsChangedName, 0)
				return
			}
			if a.log != nil {
				a.log.Info("second launch: bringing the window to the front")
			}
			runtime.WindowUnminimise(a.ctx)
			runtime.WindowShow(a.ctx)
		},
	}
}

// savedWindow is the window's place when Brook last closed, read before the
// window opens (zero when unknown).
func savedWindow() window.Rect {
	l, err := paths.Where()
	if err != nil {
		return window.Rect{}
	}
	return store.PeekWindow(l.Database)
}

// initialSize is the size the window opens at: the saved one when sane (it
// is checked against the screens once they are known, in domReady).
func initialSize(saved window.Rect) (int, int) {
	if saved.Width >= window.MinWidth && saved.Height >= window.MinHeight {
		return saved.Width, saved.Height
	}
	return defaultWidth, defaultHeight
}

// revealer shows the window once. The window starts hidden and shows when
// its UI says it is ready ([SystemService.UIReady]): it opens drawn, not
// blank, and on X11 its first picture goes to the X server in one upload
// rather than two overlapping ones, which in about half the launches left
// a second 4 MiB of cairo's shared-memory pool touched for as long as
// Brook ran. At the latest it shows revealDeadline after the page loaded,
// so that a UI that failed to start still shows its window.
type revealer struct {
	once sync.Once
	show func() // nil where there is no window (tests)
}

func (r *revealer) reveal() {
	r.once.Do(func() {
		if r.show != nil {
			r.show()
		}
	})
}

// revealBy reveals the window after d, unless it was revealed before.
func (r *revealer) revealBy(d time.Duration) { time.AfterFunc(d, r.reveal) }

// revealDeadline is how long after the page loaded the window waits for its
// UI: that takes a few hundred milliseconds, even with 10,000 conversations.
const revealDeadline = 2 * time.Second

func (a *App) showWindow() { runtime.WindowShow(a.ctx) }

// domReady puts the window back where it was, if that is still on a screen,
// before it shows.
func (a *App) domReady(ctx context.Context) {
	a.reveal.revealBy(revealDeadline)
	saved := a.window
	if saved == (window.Rect{}) {
		return
	}
	all, err := runtime.ScreenGetAll(ctx)
	if err != nil {
		return
	}
	screens := make([]window.Screen, 0, len(all))
	for _, s := range all {
		screens = append(screens, window.Screen{Width: s.Size.Width, Height: s.Size.Height})
	}
	p := window.Place(saved, screens)
	if w, h := initialSize(saved); !p.Size && (w != defaultWidth || h != defaultHeight) {
		runtime.WindowSetSize(ctx, defaultWidth, defaultHeight)
	}
	if p.Position {
		runtime.WindowSetPosition(ctx, saved.X, saved.Y)
	}
	if p.Maximise {
		runtime.WindowMaximise(ctx)
	}
}

// beforeClose asks the user first when answers are still coming or not
// saved, then remembers the window's place. It runs on its own goroutine
// (Wails), before the window goes; returning false lets it close.
func (a *App) beforeClose(ctx context.Context) bool {
	if !a.started() || a.store == nil {
		return false
	}
	if a.askBeforeQuit() {
		return true // the window asks what to do with the answers still coming
	}
	r := a.window
	r.Maximised = runtime.WindowIsMaximised(ctx)
	if !r.Maximised && !runtime.WindowIsMinimised(ctx) {
		// A maximised window keeps the size and place it had before, so
		// unmaximising after the next start goes back there.
		r.Width, r.Height = runtime.WindowGetSize(ctx)
		r.X, r.Y = runtime.WindowGetPosition(ctx)
	}
	c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := a.store.SetWindow(c, r); err != nil && a.log != nil {
		a.log.Error("saving the window's place", "err", err)
	}
	return false
}
