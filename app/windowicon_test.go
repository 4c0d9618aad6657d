package app

import (
	"bytes"
	"image"
	_ "image/png"
	"os"
	"testing"
)

// TestWindowIconIsSmall guards the icon main.go embeds for the window: GTK
// keeps it decoded (4 bytes a pixel) for as long as Brook runs.
func TestWindowIconIsSmall(t *testing.T) {
	data, err := os.ReadFile("../build/windowicon.png")
	if err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if format != "png" || cfg.Width != cfg.Height || cfg.Width < 64 || cfg.Width > 256 {
		t.Fatalf("window icon is a %dx%d %s; want a square PNG of 64 to 256 px", cfg.Width, cfg.Height, format)
	}
}
