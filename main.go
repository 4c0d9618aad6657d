// Brook is a desktop assistant for local and OpenAI-compatible models.
package main

import (
	"embed"
	"log"

	"brook/app"
)

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var icon []byte

func main() {
	if err := app.Run(assets, icon); err != nil {
		log.Fatal(err)
	}
}
