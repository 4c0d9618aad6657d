package providertest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// VisionModel is the name of a model that can see images: listed when
// [Script.Models] names it, it reports "vision" in /api/show and answers
// with [VisionAnswer] of the images it received.
const VisionModel = "eyes:latest"

// sees reports whether model is one of the script's vision models
// ([Script.VisionModels], or [VisionModel] when that is nil).
func (sc Script) sees(model string) bool {
	if sc.VisionModels == nil {
		return model == VisionModel
	}
	return slices.Contains(sc.VisionModels, model)
}

// VisionAnswer is what a vision model answers when a request carries
// images: "saw N images: sha256 <first 8 hex digits of each image's
// SHA-256>, …", every image of every message, in order.
func VisionAnswer(images [][]byte) string {
	if len(images) == 0 {
		return "saw 0 images."
	}
	sums := make([]string, len(images))
	for i, img := range images {
		sum := sha256.Sum256(img)
		sums[i] = hex.EncodeToString(sum[:4])
	}
	noun := "images"
	if len(images) == 1 {
		noun = "image"
	}
	return fmt.Sprintf("saw %d %s: sha256 %s", len(images), noun, strings.Join(sums, ", "))
}

// requestImages returns the images of a chat request's messages, in order:
// Ollama's message "images" (base64) and OpenAI's "image_url" parts (data
// URLs). Images that cannot be decoded count as empty.
func requestImages(body map[string]any) [][]byte {
	var out [][]byte
	msgs, _ := body["messages"].([]any)
	for _, raw := range msgs {
		m, _ := raw.(map[string]any)
		if imgs, ok := m["images"].([]any); ok {
			for _, img := range imgs {
				s, _ := img.(string)
				b, _ := base64.StdEncoding.DecodeString(s)
				out = append(out, b)
			}
		}
		parts, _ := m["content"].([]any)
		for _, p := range parts {
			part, _ := p.(map[string]any)
			if part["type"] != "image_url" {
				continue
			}
			iu, _ := part["image_url"].(map[string]any)
			url, _ := iu["url"].(string)
			_, data, _ := strings.Cut(url, ";base64,")
			b, _ := base64.StdEncoding.DecodeString(data)
			out = append(out, b)
		}
	}
	return out
}
