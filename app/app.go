// Package app is Brook's Wails glue: the window, the lifecycle, and thin
// services bound to the UI. Every decision lives in backend/.
package app

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"brook/backend/answers"
	"brook/backend/applog"
	"brook/backend/chat"
	"brook/backend/conversations"
	"brook/backend/endpoints"
	"brook/backend/events"
	"brook/backend/gpu"
	"brook/backend/i18n"
	"brook/backend/localmodels"
	"brook/backend/ollamaserver"
	"brook/backend/paths"
	"brook/backend/retrieval"
	"brook/backend/secrets"
	"brook/backend/selection"
	"brook/backend/store"
	"brook/backend/tools/mcp"
	"brook/backend/webassets"
	"brook/backend/webkitenv"
	"brook/backend/window"
)

// App holds what the services share. Its fields are set in startup, before
// up is closed; bound calls read them only after (see ready).
type App struct {
	ctx     context.Context
	cancel  context.CancelFunc
	emitter *wailsEmitter
	log     *slog.Logger
	logFile *applog.Log
	recent  *applog.Recent
	// up is closed when startup has finished, well or not.
	up chan struct{}
	// housekept is closed when the start-up housekeeping has finished.
	housekept chan struct{}
	// reveal shows the window, which starts hidden (see revealer).
	reveal revealer

	layout   paths.Layout
	store    *store.Store
	keys     *secrets.Store
	registry *endpoints.Registry
	engine   *chat.Engine
	// approvals holds the tool calls waiting for the user's answer.
	approvals *chat.Approvals
	// conversations and answers serve ConversationService and
	// ChatService; set with engine.
	conversations *conversations.Service
	answers       *answers.Service
	models        *localmodels.Manager
	retrieval     *retrieval.Service
	ollama        *ollamaserver.Manager
	// tools runs the user's MCP servers (Settings → Tools).
	tools   *mcp.Manager
	chooser selection.Chooser
	// gpuChoice says why the window does or does not use the GPU, for the log.
	gpuChoice string
	// webkit is what WebKit's processes start with; processes that are not
	// WebKit's start without it (childEnviron).
	webkit webkitenv.Applied
	// notice is shown to the user at start-up when something needs attention.
	notice string
	// secondary is set when another Brook had the data folder's
	// single-instance lock as this one started: Wails hands over to it and
	// exits this process, so start-up waits rather than open the database.
	secondary bool
	// window is the window's place when Brook last closed, read before it opened.
	window window.Rect
	// startErr, when set, is why the backend could not start; every call returns it.
	startErr error
	// quitChosen is set once the user has chosen how to quit with answers
	// still coming: the next close goes ahead (quit.go).
	quitChosen atomic.Bool
	// now, when set, is the clock exports are dated by (tests fix it).
	now func() time.Time
	// closing is set when shutdown begins; from then on every call returns
	// errClosing and touches nothing shutdown is closing.
	closing atomic.Bool
}

// Run opens Brook's window and blocks until it closes.
func Run(assets embed.FS, icon []byte) error {
	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		return err
	}
	// Until the log file opens, the log goes to the terminal.
	a := &App{emitter: &wailsEmitter{}, up: make(chan struct{}), log: applog.New(os.Stderr, nil, applog.Options{})}
	a.reveal.show = a.showWindow
	services := newServices(a)
	policy := linux.WebviewGpuPolicyNever
	accelerate, why := gpu.Accelerate("/sys", os.Getenv)
	if accelerate {
		policy = linux.WebviewGpuPolicyOnDemand
	}
	a.gpuChoice = why
	if a.webkit, err = webkitenv.Apply(accelerate, os.LookupEnv, os.Setenv); err != nil {
		return err
	}
	a.window = savedWindow()
	width, height := initialSize(a.window)
	return wails.Run(&options.App{
		Title:              "Brook",
		Width:              width,
		Height:             height,
		MinWidth:           window.MinWidth,
		MinHeight:          window.MinHeight,
		SingleInstanceLock: a.singleInstance(),
		BackgroundColour:   &options.RGBA{R: 250, G: 250, B: 249, A: 255},
		StartHidden:        true,
		AssetServer:        &assetserver.Options{Assets: webassets.Gunzip(dist), Handler: testHooks.assets},
		OnStartup:          a.startup,
		OnShutdown:         a.shutdown,
		OnDomReady:         a.domReady,
		OnBeforeClose:      a.beforeClose,
		Bind:               services,
		// Files and folders dropped outside the composer are imported. The
		// webview keeps its own drop (not DisableWebViewDrop), so the
		// composer still takes dropped pictures and documents; where a drop
		// imports is the frontend's --wails-drop-target (App.svelte).
		DragAndDrop: &options.DragAndDrop{EnableFileDrop: true},
		Linux: &linux.Options{
			ProgramName:         "brook",
			Icon:                icon,
			WebviewGpuPolicy:    policy,
			WindowIsTranslucent: false,
		},
	})
}

// childEnviron is the environment of processes Brook starts that are not
// WebKit's: its own, without what webkitenv set for WebKit.
func (a *App) childEnviron() []string { return a.webkit.Without(os.Environ()) }

// errNotStarted is returned by calls that arrive before the backend is ready.
var errNotStarted = i18n.New("App.starting")

// errClosing is returned by calls that arrive once shutdown has begun.
var errClosing = i18n.New("App.closing")

func (a *App) startup(ctx context.Context) {
	defer close(a.up)
	// Words before the settings are read follow the desktop's locale.
	_ = i18n.SetLanguage("")
	// The OnStartup context is never cancelled: derive our own for shutdown.
	a.ctx, a.cancel = context.WithCancel(ctx)
	a.emitter.attach(ctx)
	if a.secondary {
		// Wails exits this process within moments of OnStartup; if it is
		// still here, the other Brook went away, and this one goes on.
		time.Sleep(3 * time.Second)
	}
	if err := a.open(); err != nil {
		a.startErr = err
		a.notice = i18n.T("App.couldNotStart", i18n.Args{"Err": err})
		a.log.Error("start-up failed", "err", err)
	} else {
		a.startOllama()
	}
	a.watchSignals()
}

func (a *App) open() error {
	layout, err := paths.Resolve()
	if err != nil {
		return fmt.Errorf("finding the data folder: %w", err)
	}
	a.layout = layout
	a.openLog()
	a.log.Info("starting", "data", layout.Data, "gpu", a.gpuChoice, "webkit", a.webkit.Said)

	switch restored, err := store.ApplyScheduledRestore(layout.Database); {
	case err != nil:
		a.notice = restoreFailedNotice(restored, err)
		a.log.Error("restoring a backup", "backup", restored.Backup, "kept_as", restored.KeptAs, "err", err)
	case restored.Backup != "":
		a.notice = restoredNotice(restored)
		a.log.Info("backup restored", "backup", restored.Backup, "kept_as", restored.KeptAs)
	}
	st, err := store.Open(layout.Database)
	var corrupt *store.CorruptError
	if errors.As(err, &corrupt) {
		a.notice = i18n.T("App.databaseDamaged", i18n.Args{"MovedTo": corrupt.MovedTo, "Backups": layout.Backups})
		a.log.Error("database corrupt; set aside", "moved_to", corrupt.MovedTo, "err", err)
		st, err = store.Open(layout.Database)
	}
	if err != nil {
		return fmt.Errorf("opening the database %s: %w", layout.Database, err)
	}
	a.store = st
	// The user's language, read once; Settings → Save changes it after.
	if s, err := st.LoadSettings(a.ctx); err == nil {
		if err := i18n.SetLanguage(s.Language); err != nil {
			a.log.Error("the saved language", "language", s.Language, "err", err)
		}
	}
	// Answers a closing could not write are written before anything else.
	switch n, err := chat.ApplyUnsaved(a.ctx, st, a.unsavedDir()); {
	case err != nil:
		a.addNotice(i18n.T("App.unsavedStillUnsaved", i18n.Args{"Err": err}))
		a.log.Error("saving the answers kept at the last closing", "err", err, "saved", n)
	case n > 0:
		a.log.Info("answers kept at the last closing are saved", "count", n)
	}
	a.keys = secrets.New(secrets.Service)
	// Without a keyring, the user may have chosen to keep keys in a file;
	// the file's presence is that choice (see secrets.KeyFileName).
	if err := a.keys.UseFile(filepath.Join(layout.Data, secrets.KeyFileName)); err != nil {
		a.addNotice(i18n.T("App.keysUnreadable", i18n.Args{"Err": err}))
		a.log.Error("reading the key file", "err", err)
	}
	if err := endpoints.SeedDefaults(a.ctx, st, a.keys, os.Getenv); err != nil {
		a.log.Error("configuring default endpoints", "err", err)
	}
	a.registry = endpoints.New(st, a.keys)
	a.chooser = selection.Chooser{Survey: a.registry, Store: st}
	a.retrieval = newRetrieval(a)
	a.engine = newEngine(a)
	a.approvals = chat.NewApprovals()
	// The MCP manager is both where tools come from and how they run.
	a.tools = mcp.New(mcp.Config{Store: st, Keys: a.keys, Logger: a.log, Environ: a.childEnviron, Changed: func(id string, state mcp.State) {
		a.emitter.Emit(events.ToolServerChangedName, events.ToolServerChanged{ServerID: id, State: string(state)})
	}})
	a.SetTools(a.tools, a.tools)
	a.retrieval.SetSlot(a.engine.BackgroundSlot)
	a.answers = answers.New(a.engine, a.store, a.chooser)
	a.conversations = conversations.New(a.store, a.engine, func() { a.emitter.Emit(events.ConversationsChangedName, 0) })
	a.models = localmodels.New(a.ctx, localmodels.Config{Store: st, Emitter: a.emitter, Logger: a.log, Keys: a.keys,
		Changed:   func(string) { a.registry.Changed() },
		PullsFile: filepath.Join(layout.Data, localmodels.PullsFileName)})
	// Pulls that were running when Brook last quit start again; Ollama kept
	// what they had downloaded, so they resume rather than start over. The
	// window lists them with Pulls() when it opens, marked as resumed.
	a.ollama = newOllamaServer(a)
	if n := a.models.Resume(a.ctx); n > 0 {
		a.log.Info("pulls resumed after a restart", "count", n)
	}
	a.housekept = make(chan struct{})
	go func() {
		defer close(a.housekept)
		a.housekeeping()
	}()
	return nil
}

// addNotice adds a sentence or two to the start-up notice.
func (a *App) addNotice(text string) {
	if a.notice != "" {
		a.notice += " "
	}
	a.notice += text
}

// unsavedDir is where answers that could not be written are kept when
// Brook closes, to be written at the next start.
func (a *App) unsavedDir() string { return filepath.Join(a.layout.Data, "unsaved") }

// housekeeping runs once after start-up, off the UI's path.
func (a *App) housekeeping() {
	// Answers that the last closing (a quit, a crash, a power cut) cut short
	// are continued where the server can, unless the user turned that off.
	if s, err := a.store.LoadSettings(a.ctx); err == nil && s.ResumeAnswers {
		if ids, err := a.engine.ResumeInterrupted(a.ctx); err != nil {
			a.log.Error("resuming answers cut by the last closing", "err", err)
		} else if len(ids) > 0 {
			a.log.Info("answers cut by the last closing resumed", "count", len(ids))
		}
	}
	if path, created, err := a.store.EnsureDailyBackup(a.ctx, a.layout.Backups, 7); err != nil {
		a.log.Error("daily backup", "err", err)
	} else if created {
		a.log.Info("daily backup written", "path", path)
	}
	// Deleted conversations can be undone for a while, then they go for good.
	if n, err := a.store.PurgeDeleted(a.ctx, 24*time.Hour); err != nil {
		a.log.Error("purging deleted conversations", "err", err)
	} else if n > 0 {
		a.log.Info("purged deleted conversations", "count", n)
	}
}

func (a *App) shutdown(context.Context) {
	a.closing.Store(true)
	if a.engine != nil {
		a.engine.Close()
	}
	quitOllama := a.ollamaQuitter()
	if a.cancel != nil {
		a.cancel()
	}
	if a.models != nil {
		a.models.Close() // cancelled with a.ctx; wait for the pulls to end
	}
	if a.tools != nil {
		a.tools.Close() // the MCP servers Brook started stop with it
	}
	if a.retrieval != nil {
		a.retrieval.Close() // cancelled with a.ctx; wait for a batch being stored
	}
	quitOllama()
	if a.housekept != nil {
		// The daily backup stops when cancelled; let it end before the database closes.
		select {
		case <-a.housekept:
		case <-time.After(5 * time.Second):
		}
	}
	if a.store != nil {
		if err := a.store.Close(); err != nil {
			a.log.Error("closing the database", "err", err)
		}
	}
	if a.logFile != nil {
		a.logFile.Close()
	}
}

// clock returns the time now, by a.now when set.
func (a *App) clock() time.Time {
	if a.now != nil {
		return a.now()
	}
	return time.Now()
}

// started reports whether startup has finished, well or not.
func (a *App) started() bool {
	select {
	case <-a.up:
		return true
	default:
		return false
	}
}

// ready returns why a call cannot be served (still starting, start-up
// failed, or closing), so every call fails plainly.
func (a *App) ready() error {
	if a.closing.Load() {
		return errClosing
	}
	if !a.started() {
		return errNotStarted
	}
	if a.startErr != nil {
		return a.startErr
	}
	if a.store == nil {
		return errNotStarted
	}
	return nil
}

// openLog opens the log (rotating by size, without message content unless
// BROOK_LOG_CONTENT=1), or logs to the terminal only when it cannot.
func (a *App) openLog() {
	opts := applog.Options{Content: os.Getenv("BROOK_LOG_CONTENT") == "1"}
	l, err := applog.Open(a.layout.Logs, os.Stderr, opts)
	if err != nil {
		a.recent = applog.NewRecent(applog.RecentSize)
		a.log = applog.New(os.Stderr, a.recent, opts)
		a.log.Error("opening the log file", "err", err)
		return
	}
	a.log, a.recent, a.logFile = l.Logger, l.Recent, l
}

func newEngine(a *App) *chat.Engine {
	return chat.New(chat.Config{Store: a.store, Providers: a.registry, Windows: a.registry, Emitter: a.emitter, Logger: a.log, UnsavedDir: a.unsavedDir(), Titles: true, Retriever: a.retrieval})
}
