package guard

import (
	"bytes"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"testing"
)

// sampleImages are images as Go's encoders write them, in the color types
// and layouts each format has, named for the test output.
func sampleImages(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	enc := func(name string, f func(*bytes.Buffer) error) {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = b.Bytes()
	}
	r := image.Rect(0, 0, 37, 21)
	for name, img := range map[string]image.Image{
		"gray":      image.NewGray(r),
		"gray16":    image.NewGray16(r),
		"rgba":      image.NewRGBA(r),
		"nrgba":     image.NewNRGBA(image.Rect(0, 0, 1, 1)),
		"rgba64":    image.NewRGBA64(r),
		"paletted2": image.NewPaletted(r, color.Palette{color.Black, color.White}),
		"paletted4": image.NewPaletted(r, palette.Plan9[:4]),
		"paletted16": image.NewPaletted(r, append(palette.Plan9[:15:15],
			color.NRGBA{1, 2, 3, 4})), // a transparent entry: a tRNS chunk
		"paletted256": image.NewPaletted(image.Rect(0, 0, 300, 2), palette.Plan9),
	} {
		enc("png "+name, func(b *bytes.Buffer) error { return png.Encode(b, img) })
	}
	for name, img := range map[string]image.Image{
		"gray":  image.NewGray(r),
		"444":   image.NewYCbCr(r, image.YCbCrSubsampleRatio444),
		"420":   image.NewYCbCr(image.Rect(0, 0, 640, 480), image.YCbCrSubsampleRatio420),
		"rgba":  image.NewRGBA(r),
		"cmyk":  image.NewCMYK(r),
		"large": image.NewGray(image.Rect(0, 0, 4000, 3)),
	} {
		enc("jpeg "+name, func(b *bytes.Buffer) error { return jpeg.Encode(b, img, nil) })
	}
	enc("gif plan9", func(b *bytes.Buffer) error {
		return gif.Encode(b, image.NewPaletted(r, palette.Plan9), nil)
	})
	enc("gif two colors", func(b *bytes.Buffer) error {
		return gif.Encode(b, image.NewPaletted(image.Rect(0, 0, 513, 2), color.Palette{color.Black, color.White}), nil)
	})
	return out
}

// agree checks that imageSize says what image.DecodeConfig says of data:
// the same size, or an error where it errs.
func agree(t *testing.T, name string, data []byte) {
	t.Helper()
	mime := http.DetectContentType(data)
	// Image refuses bytes that do not sniff as PNG, JPEG or GIF before it
	// reads a size, so imageSize is asked only about those; DecodeConfig
	// sniffs more loosely (a JPEG by two bytes, not three).
	if mime != "image/png" && mime != "image/jpeg" && mime != "image/gif" {
		return
	}
	w, h, err := imageSize(mime, data)
	cfg, _, want := image.DecodeConfig(bytes.NewReader(data))
	switch {
	case (err == nil) != (want == nil):
		t.Errorf("%s (%d bytes, %s): imageSize says %dx%d, %v; DecodeConfig says %dx%d, %v", name, len(data), mime, w, h, err, cfg.Width, cfg.Height, want)
	case err == nil && (w != cfg.Width || h != cfg.Height):
		t.Errorf("%s: imageSize says %dx%d, DecodeConfig %dx%d", name, w, h, cfg.Width, cfg.Height)
	}
}

func TestImageSizeIsWhatDecodeConfigSays(t *testing.T) {
	for name, data := range sampleImages(t) {
		w, h, err := imageSize(http.DetectContentType(data), data)
		if err != nil || w == 0 || h == 0 {
			t.Errorf("%s: %dx%d, %v", name, w, h, err)
		}
		agree(t, name, data)
	}
}

// Cut short anywhere in its header, or with any header byte changed, an
// image is refused by both or read alike by both.
func TestImageSizeRefusesWhatDecodeConfigRefuses(t *testing.T) {
	for name, data := range sampleImages(t) {
		head := min(len(data), 700)
		for n := range head {
			if mime := http.DetectContentType(data[:n]); mime == http.DetectContentType(data) {
				agree(t, name+" cut", data[:n])
			}
		}
		for i := range head {
			for _, flip := range []byte{0x01, 0x10, 0x80, 0xff} {
				bad := bytes.Clone(data)
				bad[i] ^= flip
				if http.DetectContentType(bad) == http.DetectContentType(data) {
					agree(t, name+" changed", bad)
				}
			}
		}
	}
}

// Hand-made headers reach the checks that Go's encoders never trip.
func TestImageSizeOnHandMadeHeaders(t *testing.T) {
	jpegHeader := func(segments ...string) []byte {
		b := []byte("\xff\xd8")
		for _, s := range segments {
			b = append(b, s...)
		}
		return b
	}
	sof := func(marker byte, comps ...string) string {
		body := append([]byte("\x08\x00\x10\x00\x20"), byte(len(comps)))
		for _, c := range comps {
			body = append(body, c...)
		}
		n := len(body) + 2
		return string(append([]byte{0xff, marker, byte(n >> 8), byte(n)}, body...))
	}
	cases := map[string][]byte{
		"jfif then frame":         jpegHeader("\xff\xe0\x00\x07JFIF\x00", sof(0xc0, "\x01\x11\x00")),
		"frame then scan":         jpegHeader(sof(0xc2, "\x01\x22\x00", "\x02\x11\x01", "\x03\x11\x01"), "\xff\xda\x00\x02"),
		"scan without frame":      jpegHeader("\xff\xda\x00\x02"),
		"end without scan":        jpegHeader(sof(0xc1, "\x01\x11\x00"), "\xff\xd9"),
		"two frames":              jpegHeader(sof(0xc0, "\x01\x11\x00"), sof(0xc0, "\x01\x11\x00"), "\xff\xda\x00\x02"),
		"lossless frame":          jpegHeader(sof(0xc3, "\x01\x11\x00")),
		"unknown low marker":      jpegHeader("\xff\x02\x00\x02"),
		"fill bytes and garbage":  jpegHeader("junk\xff\xff\xff\x00\xff\xd3", sof(0xc0, "\x01\x11\x00"), "\xff\xda\x00\x02"),
		"short segment length":    jpegHeader("\xff\xfe\x00\x01"),
		"repeated component":      jpegHeader(sof(0xc0, "\x01\x11\x00", "\x01\x11\x00", "\x03\x11\x00"), "\xff\xda\x00\x02"),
		"bad table number":        jpegHeader(sof(0xc0, "\x01\x11\x04"), "\xff\xda\x00\x02"),
		"sampling 3":              jpegHeader(sof(0xc0, "\x01\x31\x00"), "\xff\xda\x00\x02"),
		"sampling 0":              jpegHeader(sof(0xc0, "\x01\x01\x00"), "\xff\xda\x00\x02"),
		"luma v4":                 jpegHeader(sof(0xc0, "\x01\x14\x00", "\x02\x11\x01", "\x03\x11\x01"), "\xff\xda\x00\x02"),
		"chroma not dividing":     jpegHeader(sof(0xc0, "\x01\x21\x00", "\x02\x41\x01", "\x03\x41\x01"), "\xff\xda\x00\x02"),
		"cr unlike cb":            jpegHeader(sof(0xc0, "\x01\x22\x00", "\x02\x11\x01", "\x03\x12\x01"), "\xff\xda\x00\x02"),
		"cmyk 2211":               jpegHeader(sof(0xc0, "\x01\x22\x00", "\x02\x11\x01", "\x03\x11\x01", "\x04\x22\x01"), "\xff\xda\x00\x02"),
		"cmyk bad first":          jpegHeader(sof(0xc0, "\x01\x21\x00", "\x02\x11\x01", "\x03\x11\x01", "\x04\x21\x01"), "\xff\xda\x00\x02"),
		"cmyk bad k":              jpegHeader(sof(0xc0, "\x01\x22\x00", "\x02\x11\x01", "\x03\x11\x01", "\x04\x11\x01"), "\xff\xda\x00\x02"),
		"two components":          jpegHeader(sof(0xc0, "\x01\x11\x00", "\x02\x11\x00"), "\xff\xda\x00\x02"),
		"12-bit":                  jpegHeader("\xff\xc0\x00\x0b\x0c\x00\x10\x00\x20\x01\x01\x11\x00", "\xff\xda\x00\x02"),
		"wrong component count":   jpegHeader("\xff\xc0\x00\x0b\x08\x00\x10\x00\x20\x03\x01\x11\x00", "\xff\xda\x00\x02"),
		"restart marker and APPs": jpegHeader("\xff\xd0\xff\xee\x00\x04ab\xff\xdd\x00\x04\x00\x01", sof(0xc0, "\x01\x11\x00"), "\xff\xda\x00\x02"),
		"gif87a":                  []byte("GIF87a\x10\x00\x20\x00\x00\x00\x00"),
		"gif bad version":         []byte("GIF88a\x10\x00\x20\x00\x00\x00\x00"),
		"gif short table":         []byte("GIF89a\x10\x00\x20\x00\x81\x00\x00abcdefghijk"),
	}
	for name, data := range cases {
		agree(t, name, data)
	}
}

// FuzzImageSize: whatever the bytes, imageSize agrees with DecodeConfig.
func FuzzImageSize(f *testing.F) {
	for _, data := range sampleImages(f) {
		f.Add(data[:min(len(data), 400)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		agree(t, "fuzzed", data)
	})
}
