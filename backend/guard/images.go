package guard

import (
	"encoding/base64"
	"net/http"
	"strings"
	"unicode/utf8"

	"brook/backend/i18n"
)

// Image limits.
const (
	// MaxImages is the most images one message may carry.
	MaxImages = 8
	// MaxImageBytes is the largest image, decoded. The UI scales images down
	// before sending; this only refuses what is far too big.
	MaxImageBytes = 10 << 20
	// MaxImageNameRunes is the longest image file name kept.
	MaxImageNameRunes = 255
)

// imageTypes are the MIME types of the images Brook sends to vision models.
var imageTypes = []string{"image/png", "image/jpeg", "image/webp", "image/gif"}

// CheckedImage is an image that passed [Image]: its bytes, the type sniffed
// from them and, where Go can read them, its dimensions (0 for WebP).
type CheckedImage struct {
	Name   string
	MIME   string
	Width  int
	Height int
	Data   []byte
}

// ImageCount checks how many images one message carries.
func ImageCount(n int) error {
	if n > MaxImages {
		return refuseIn("Guard.tooManyImages", i18n.Args{"Count": n, "Max": MaxImages})
	}
	return nil
}

// ImageBase64 decodes an image given as base64 (standard alphabet, no
// "data:" prefix) and checks it with [Image].
func ImageBase64(name, mime, data string) (CheckedImage, error) {
	label := imageLabel(name)
	// Decoded, base64 is 3/4 of its length: refuse before decoding a huge one.
	if int64(len(data))/4*3 > MaxImageBytes+3 {
		return CheckedImage{}, refuseIn("Guard.imageTooLarge", i18n.Args{"Image": label, "Size": Size(int64(len(data)) / 4 * 3), "Max": Size(MaxImageBytes)})
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return CheckedImage{}, refuseIn("Guard.imageBadBase64", i18n.Args{"Image": label})
	}
	return Image(name, mime, raw)
}

// Image checks an image's bytes against its declared MIME type: at most
// [MaxImageBytes], a PNG, JPEG, WebP or GIF by its content, as declared, and
// (but for WebP, which Go's standard library cannot read) with dimensions
// that can be read from its header ([imageSize]). The name is trimmed to [MaxImageNameRunes].
func Image(name, mime string, data []byte) (CheckedImage, error) {
	label := imageLabel(name)
	if len(data) == 0 {
		return CheckedImage{}, refuseIn("Guard.imageEmpty", i18n.Args{"Image": label})
	}
	if len(data) > MaxImageBytes {
		return CheckedImage{}, refuseIn("Guard.imageTooLarge", i18n.Args{"Image": label, "Size": Size(int64(len(data))), "Max": Size(MaxImageBytes)})
	}
	sniffed := http.DetectContentType(data)
	known := false
	for _, t := range imageTypes {
		known = known || t == sniffed
	}
	if !known {
		return CheckedImage{}, refuseIn("Guard.imageNotImage", i18n.Args{"Image": label, "Sniffed": sniffed})
	}
	declared := strings.ToLower(strings.TrimSpace(mime))
	if declared != sniffed {
		return CheckedImage{}, refuseIn("Guard.imageMislabelled", i18n.Args{"Image": label, "Declared": mime, "Sniffed": sniffed})
	}
	img := CheckedImage{Name: cleanName(name), MIME: sniffed, Data: data}
	if sniffed != "image/webp" {
		w, h, err := imageSize(sniffed, data)
		if err != nil {
			return CheckedImage{}, refuseIn("Guard.imageUnreadable", i18n.Args{"Image": label, "Sniffed": sniffed, "Err": err})
		}
		img.Width, img.Height = w, h
	}
	return img, nil
}

// imageLabel names an image in an error message.
func imageLabel(name string) string {
	if n := cleanName(name); n != "" {
		return i18n.T("Guard.imageNamed", i18n.Args{"Name": quoteShort(n)})
	}
	return i18n.T("Guard.imageUnnamed", nil)
}

// cleanName makes a file name safe to keep and show: valid UTF-8, one line,
// at most [MaxImageNameRunes].
func cleanName(name string) string {
	name = strings.ToValidUTF8(name, "�")
	name = strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }), " ")
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > MaxImageNameRunes {
		name = string([]rune(name)[:MaxImageNameRunes])
	}
	return name
}

// quoteShort quotes a name for a message, shortened to 60 characters.
func quoteShort(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return "“" + s + "”"
}
