package app

import "brook/backend/linkopen"

// openInBrowser opens link with xdg-open in the environment of Brook's other
// children, so a browser it starts never inherits the settings meant for
// WebKit's processes (Malloc=1 turns off the Gigacage a browser needs).
func openInBrowser(a *App, link string) {
	if err := linkopen.Open(link, a.childEnviron()); err != nil {
		a.log.Error("could not open a link", "err", err)
	}
}
