// Brook is a desktop assistant for local and OpenAI-compatible models.
package main

import (
	"embed"
	"log"
	"os"

	"brook/app"
	"brook/backend/cli"
)

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var icon []byte

func main() {
	// --version and --help answer before GTK starts, so they need no display.
	if done, code := cli.Handle(os.Args[1:], os.Stdout, os.Stderr); done {
		os.Exit(code)
	}
	if err := app.Run(assets, icon); err != nil {
		log.Fatal(err)
	}
}
