package transfer

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"brook/backend/fsutil"
	"brook/backend/store"
)

// ImageSink keeps an image a Markdown export refers to and returns the link
// to write, relative to the Markdown file.
type ImageSink func(img store.Image) (link string, err error)

// ImagesBeside returns an [ImageSink] that writes images into a folder next
// to the Markdown file at mdPath ("chat.md" gets "chat-images/"), created
// only when there is an image, readable only by the user like the export.
func ImagesBeside(mdPath string) ImageSink {
	base := strings.TrimSuffix(filepath.Base(mdPath), filepath.Ext(mdPath)) + "-images"
	dir := filepath.Join(filepath.Dir(mdPath), base)
	n := 0
	return func(img store.Image) (string, error) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", err
		}
		n++
		ext := imageExt(img.MIME)
		if ext == "" {
			ext = safeExt(img.Name)
		}
		name := fmt.Sprintf("%d-%s%s", n, safeFileStem(img.Name), ext)
		err := fsutil.WriteAtomically(filepath.Join(dir, name), 0o600, func(w io.Writer) error {
			_, err := w.Write(img.Data)
			return err
		})
		if err != nil {
			return "", err
		}
		return (&url.URL{Path: base + "/" + name}).EscapedPath(), nil
	}
}

// safeFileStem is name without its extension, reduced to characters that
// are safe in a file name on every system.
func safeFileStem(name string) string {
	stem := strings.TrimSuffix(name, filepath.Ext(name))
	var b strings.Builder
	for _, r := range stem {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ' || r == '.':
			b.WriteRune('-')
		}
		if b.Len() >= 40 {
			break
		}
	}
	if b.Len() == 0 {
		return "image"
	}
	return b.String()
}

func imageExt(mime string) string {
	switch mime {
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/webp":
		return ".webp"
	case "image/gif":
		return ".gif"
	}
	return ""
}
