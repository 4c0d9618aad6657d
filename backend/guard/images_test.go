package guard

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
)

func TestImageChecks(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	pngData := b.Bytes()
	img, err := ImageBase64("a\nb.png", "image/png", base64.StdEncoding.EncodeToString(pngData))
	if err != nil || img.Width != 4 || img.Height != 3 || img.MIME != "image/png" || img.Name != "a b.png" || !bytes.Equal(img.Data, pngData) {
		t.Fatalf("good PNG: %+v, %v", img, err)
	}
	webp := append([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), make([]byte, 20)...)
	if img, err := Image("w.webp", "image/webp", webp); err != nil || img.Width != 0 {
		t.Fatalf("webp: %+v, %v", img, err)
	}
	for name, c := range map[string]struct {
		mime, data, want string
	}{
		"bad base64": {"image/png", "!!!", "not valid base64"},
		"not image":  {"image/png", base64.StdEncoding.EncodeToString([]byte("hello")), "not a PNG"},
		"mismatch":   {"image/jpeg", base64.StdEncoding.EncodeToString(pngData), "is said to be"},
		"oversize":   {"image/png", base64.StdEncoding.EncodeToString(append(pngData, make([]byte, MaxImageBytes)...)), "at most 10 MB"},
		"broken png": {"image/png", base64.StdEncoding.EncodeToString(pngData[:20]), "could not be read"},
	} {
		_, err := ImageBase64("x.png", c.mime, c.data)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
	if ImageCount(MaxImages) != nil || ImageCount(MaxImages+1) == nil {
		t.Error("ImageCount limits")
	}
}
