package app

import (
	"errors"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// QuitRequestedName asks the window what to do with answers still coming
// when the user closes it; the payload is a [QuitRequest].
const QuitRequestedName = "brook:quit-requested"

// QuitRequest says what closing now would cut short.
type QuitRequest struct {
	// Answering is how many answers are still coming.
	Answering int `json:"answering"`
	// Unsaved is how many answers Brook could not write yet; they are kept
	// in a file and saved at the next start.
	Unsaved int `json:"unsaved"`
}

// How the user chose to quit with answers still coming; see [SystemService.Quit].
const (
	QuitStop   = "stop"   // stop them (as Stop does) and quit
	QuitWait   = "wait"   // quit when they are done
	QuitResume = "resume" // quit now and finish them at the next start
)

// askBeforeQuit reports whether closing must wait for the user's choice,
// and if so asks the window. It is called by beforeClose.
func (a *App) askBeforeQuit() bool {
	if a.quitChosen.Load() || a.engine == nil {
		return false
	}
	req := QuitRequest{Answering: len(a.engine.Active()), Unsaved: len(a.engine.Unsaved())}
	if req.Answering == 0 && req.Unsaved == 0 {
		return false
	}
	a.emitter.Emit(QuitRequestedName, req)
	return true
}

// Quit closes Brook as the user chose in the window when answers were still
// coming: QuitStop, QuitWait or QuitResume (see [QuitRequest]).
func (s *SystemService) Quit(how string) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	switch how {
	case QuitStop:
		s.a.engine.StopAll()
	case QuitWait:
		go func() {
			s.a.engine.WaitIdle()
			s.a.quitNow()
		}()
		return nil
	case QuitResume:
		// Closing cuts them as a crash would; the next start resumes them.
	default:
		return errors.New(`quit how? "stop", "wait" or "resume"`)
	}
	s.a.quitNow()
	return nil
}

func (a *App) quitNow() {
	a.quitChosen.Store(true)
	runtime.Quit(a.ctx)
}
