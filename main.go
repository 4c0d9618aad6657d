// Brook is a desktop assistant for local and OpenAI-compatible models.
package main

import (
	"embed"
	"log"
	"os"

	"brook/app"
	"brook/backend/cli"
	// Every kind of endpoint, registered once for the window and the commands.
	_ "brook/backend/endpoints/allkinds"
)

//go:embed all:frontend/dist
var assets embed.FS

// The window's icon: 256 px is more than any window manager shows, where the
// 1024 px appicon.png kept 4 MB of decoded pixels in Brook's process.
//
//go:embed build/windowicon.png
var icon []byte

func main() {
	// --version, --help and the commands (list, export, import, ask)
	// answer before GTK starts, so they need no display.
	if done, code := cli.Handle(os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}); done {
		os.Exit(code)
	}
	if err := app.Run(assets, icon); err != nil {
		log.Fatal(err)
	}
}
