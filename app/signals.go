package app

import (
	"os"
	"os/signal"
	"syscall"
)

// watchSignals makes a SIGTERM or Ctrl+C quit without the window's question
// about answers still coming: nobody is there to answer it (a logout, a
// `kill`). The answers are cut as by a crash, and the next start finishes
// them. Wails handles the same signals by closing the window; whichever runs
// first, the close goes through once quitChosen is set.
func (a *App) watchSignals() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		if a.log != nil {
			a.log.Info("quitting on a signal; answers still coming finish at the next start")
		}
		a.quitNow()
	}()
}
