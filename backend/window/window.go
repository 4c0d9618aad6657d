// Package window decides where Brook's window opens: where it was when
// Brook last closed, when that place is still on a screen.
package window

// Rect is the window's saved place and size, in screen pixels.
type Rect struct {
	X         int  `json:"x"`
	Y         int  `json:"y"`
	Width     int  `json:"width"`
	Height    int  `json:"height"`
	Maximised bool `json:"maximised"`
}

// Screen is one monitor's size. Wails reports sizes but not origins, so a
// screen is taken to start at (0, 0) unless Left/Top say otherwise.
type Screen struct {
	Left, Top     int
	Width, Height int
}

// Minimum size of the window (as options.App's MinWidth/MinHeight).
const (
	MinWidth  = 800
	MinHeight = 600
)

// Placement is what to do with a saved Rect at start-up.
type Placement struct {
	// Size: open at the saved width and height.
	Size bool
	// Position: move the window to the saved X and Y.
	Position bool
	// Maximise the window once it is open.
	Maximise bool
}

// Place decides how much of a saved rectangle to restore on these screens.
// A saved size is used only if it fits on some screen and is at least the
// minimum; its position only if the whole window lies on that screen (a
// window partly off screen, or on a monitor that is gone, opens where the
// system puts it). Maximised is restored whenever there is a screen.
// With no screens known, nothing is restored but the size, when it is sane
// (Wails could not tell us; the system will clip it).
func Place(saved Rect, screens []Screen) Placement {
	if saved.Width < MinWidth || saved.Height < MinHeight {
		// Never saved, or nonsense: only maximise.
		return Placement{Maximise: saved.Maximised && len(screens) > 0}
	}
	var p Placement
	for _, s := range screens {
		if s.Width <= 0 || s.Height <= 0 {
			continue
		}
		if saved.Width <= s.Width && saved.Height <= s.Height {
			p.Size = true
			if saved.X >= s.Left && saved.Y >= s.Top &&
				saved.X+saved.Width <= s.Left+s.Width && saved.Y+saved.Height <= s.Top+s.Height {
				p.Position = true
			}
		}
		p.Maximise = saved.Maximised
	}
	return p
}
