package app

import (
	"runtime/debug"
	"runtime/metrics"
	"time"

	"brook/backend/diag"
	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/paths"
	"brook/backend/version"
)

// SystemService talks to the operating system, and gives the UI the words for
// answers' reasons (reasons.go).
type SystemService struct{ a *App }

// OpenURL opens a link in the system browser or mail program. Only web and
// mail links without credentials open (guard.OpenableURL): model output is
// untrusted.
func (s *SystemService) OpenURL(raw string) error {
	if s.a.closing.Load() {
		return errClosing
	}
	link, err := guard.OpenableURL(raw)
	if err != nil {
		return err
	}
	if !s.a.started() {
		return errNotStarted
	}
	openInBrowser(s.a, link)
	return nil
}

// Diagnostics returns a plain-text report for bug reports: versions, paths,
// settings, each endpoint's protocol, host, server kind, answers at once and
// reachability, and the latest warnings and errors. It holds no API keys and
// no message content. It works even when Brook could not start.
func (s *SystemService) Diagnostics() string {
	if s.a.closing.Load() {
		return "Brook is closing."
	}
	if !s.a.started() {
		return "Brook is still starting."
	}
	src := diag.Sources{
		Layout: s.a.layout,
		Extra:  [][2]string{{"WebKitGTK", webkitVersion()}, {"Window", s.a.gpuChoice}},
	}
	if s.a.startErr != nil {
		src.Extra = append(src.Extra, [2]string{"Start-up", "failed: " + s.a.startErr.Error()})
	}
	if s.a.recent != nil {
		src.Recent = s.a.recent.Lines
	}
	if s.a.store != nil {
		src.Store, src.Survey, src.Keys = s.a.store, s.a.registry, s.a.keys
	}
	return diag.Report(s.a.ctx, src)
}

// AboutInfo is what the About sheet shows.
type AboutInfo struct {
	Version   string     `json:"version"`
	Commit    string     `json:"commit"`
	WebKitGTK string     `json:"webkitGtk"`
	Data      string     `json:"data"`
	Logs      string     `json:"logs"`
	Database  string     `json:"database"`
	Links     []LinkInfo `json:"links"`
}

// LinkInfo is a link the About sheet offers, opened with OpenURL.
type LinkInfo struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// aboutLinks are the About sheet's links, in the current language. (Brook
// has no published homepage yet; add it first here when it has one.)
func aboutLinks() []LinkInfo {
	return []LinkInfo{
		{Label: i18n.T("About.ollama", nil), URL: "https://ollama.com"},
		{Label: i18n.T("About.wails", nil), URL: "https://wails.io"},
	}
}

// About says which Brook this is and where it keeps its files. It works even
// when Brook could not start (the folders are then where they would be).
func (s *SystemService) About() AboutInfo {
	info := AboutInfo{Version: version.Version, Commit: version.CommitOrStamp(), WebKitGTK: webkitVersion(), Links: aboutLinks()}
	l := s.a.layout
	if !s.a.started() || l.Data == "" {
		l, _ = paths.Where()
	}
	info.Data, info.Logs, info.Database = l.Data, l.Logs, l.Database
	return info
}

// processStart is when Brook started, for the launch-to-usable time.
var processStart = time.Now()

// UIReady is called once by the UI when the window is usable: history shown
// and the composer focused. It shows the window, logs the time since
// launch, and soon after hands the start-up garbage back to the system.
func (s *SystemService) UIReady() {
	s.a.reveal.reveal()
	if s.a.log != nil {
		s.a.log.Info("ui ready", "since_launch_ms", time.Since(processStart).Milliseconds())
	}
	// Opening the database, the daily backup and the first lists leave a few
	// MB of freed heap that Go would keep for hours in a window that then sits
	// idle; once, when the window's first calls are done, is enough.
	time.AfterFunc(startupSettle, s.returnStartupHeap)
}

// returnStartupHeap hands freed heap back to the system and logs how much
// went (the bench waits for that line before it measures Brook at rest).
func (s *SystemService) returnStartupHeap() {
	before := heapReleased()
	debug.FreeOSMemory()
	if s.a.log != nil {
		s.a.log.Info("start-up heap returned", "kib", (heapReleased()-before)/1024)
	}
}

// heapReleased is how much of Go's heap is returned to the system, in bytes.
func heapReleased() int64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(sample[0].Value.Uint64())
}

// startupSettle is how long after the window is usable its first calls are
// surely answered.
const startupSettle = 3 * time.Second
