package importers

import (
	"encoding/base64"
	"math"
	"regexp"
	"strings"
	"time"

	"brook/backend/guard"
	"brook/backend/store"
)

// Millis reads a Unix time that a source writes in seconds or in
// milliseconds, telling them apart by size (seconds reach 1e11 only in
// the year 5138), as Unix milliseconds; 0 for none or nonsense.
func Millis(v float64) int64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return 0
	}
	if v < 1e11 {
		v *= 1000
	}
	if v > 8.64e15 { // past the dates JavaScript can show
		return 0
	}
	return int64(math.Round(v))
}

// ParseTime reads an RFC 3339 time as Unix milliseconds; 0 when it is not
// one.
func ParseTime(s string) int64 {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil || t.Unix() <= 0 {
		return 0
	}
	return t.UnixMilli()
}

// DataImage reads a picture given as a data URL ("data:image/png;base64,…")
// as a Brook image. ok is false for anything else, or a picture Brook would
// refuse; why says which.
func DataImage(url, name string) (img store.Image, why string, ok bool) {
	rest, found := strings.CutPrefix(url, "data:")
	if !found {
		return store.Image{}, "the picture's data is not in the export", false
	}
	meta, data, found := strings.Cut(rest, ",")
	mime, isBase64 := strings.CutSuffix(meta, ";base64")
	if !found || !isBase64 {
		return store.Image{}, "its data URL is not base64", false
	}
	if name == "" {
		name = "image" + extOf(mime)
	}
	checked, err := guard.ImageBase64(name, mime, data)
	if err != nil {
		return store.Image{}, err.Error(), false
	}
	return store.Image{Name: checked.Name, MIME: checked.MIME, Width: checked.Width, Height: checked.Height,
		Size: int64(len(checked.Data)), Data: checked.Data}, "", true
}

// RawImage reads a picture's bytes as a Brook image, as [DataImage] does.
func RawImage(data []byte, name, mime string) (store.Image, string, bool) {
	checked, err := guard.Image(name, mime, data)
	if err != nil {
		return store.Image{}, err.Error(), false
	}
	return store.Image{Name: checked.Name, MIME: checked.MIME, Width: checked.Width, Height: checked.Height,
		Size: int64(len(checked.Data)), Data: checked.Data}, "", true
}

func extOf(mime string) string {
	switch mime {
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	}
	return ""
}

// MIMEOf guesses a picture's type from its file name.
func MIMEOf(name string) string {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".png"):
		return "image/png"
	case strings.HasSuffix(lower, ".jpg"), strings.HasSuffix(lower, ".jpeg"):
		return "image/jpeg"
	case strings.HasSuffix(lower, ".gif"):
		return "image/gif"
	case strings.HasSuffix(lower, ".webp"):
		return "image/webp"
	}
	return ""
}

// thinkBlock matches a reasoning model's thoughts written into the answer:
// <think>…</think> as local models write them, and Open WebUI's folded
// <details type="reasoning"> block.
var thinkBlock = regexp.MustCompile(`(?s)\A\s*(?:<think>(.*?)</think>|<details type="reasoning"[^>]*>\s*<summary>[^<]*</summary>(.*?)</details>)`)

// SplitThinking takes the thoughts at the start of an answer out of it:
// the answer without them, and what was thought. Open WebUI quotes its
// thoughts with "> "; the quoting is removed.
func SplitThinking(content string) (answer, reasoning string) {
	m := thinkBlock.FindStringSubmatchIndex(content)
	if m == nil {
		return content, ""
	}
	if m[2] >= 0 {
		reasoning = content[m[2]:m[3]]
	} else {
		var lines []string
		for _, l := range strings.Split(content[m[4]:m[5]], "\n") {
			l = strings.TrimPrefix(l, ">")
			lines = append(lines, strings.TrimPrefix(l, " "))
		}
		reasoning = strings.Join(lines, "\n")
	}
	return strings.TrimSpace(content[m[1]:]), strings.TrimSpace(reasoning)
}

// Base64 decodes standard base64, for sources that keep files that way.
func Base64(s string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	return b, err == nil
}
