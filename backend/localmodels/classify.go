package localmodels

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"

	"github.com/ollama/ollama/api"
)

// classify says why a pull failed, and what to do, from what the api client
// returned (err) and whether reading the response broke (bodyErr). The
// caller has ruled out success and cancellation.
//
// What Ollama sends (server/routes.go PullHandler, streamResponse): it writes
// {"status":"pulling manifest"} first, so nearly every failure arrives as an
// {"error":"..."} line in a 200 stream, which the api client returns as
// errors.New(text), with no status. Only a request refused before that line
// (a bad name: 400) gets an HTTP status, as an [api.StatusError]. A missing
// route (a server or proxy without /api/pull) is a 404. Those text-only
// cases are read by [ollamaSays] alone.
func classify(s server, model string, err, bodyErr error) (kind, msg string) {
	var status api.StatusError
	var auth api.AuthorizationError
	switch {
	case bodyErr != nil || errors.Is(err, io.ErrUnexpectedEOF):
		return KindOffline, fmt.Sprintf("The connection to Ollama at %s dropped during the pull. Check that Ollama is still running, then pull again: it picks up where it stopped.", s.baseURL.Redacted())
	case errors.As(err, &auth):
		return KindNotFound, fmt.Sprintf("Ollama could not get %q: the registry asks for a sign-in (HTTP %d), so the model is private or does not exist. Check the name at https://ollama.com/library, or sign in with `ollama signin`.", model, auth.StatusCode)
	case errors.As(err, &status) && status.StatusCode == http.StatusNotFound:
		return KindServerTooOld, fmt.Sprintf("The server at %s does not offer pulling models (HTTP 404 on /api/pull): it is not Ollama, or an Ollama too old. Update Ollama from https://ollama.com/download, or pull with `ollama pull %s` on that machine.", s.baseURL.Redacted(), model)
	case errors.As(err, &status):
		text := status.ErrorMessage
		if text == "" {
			text = status.Status
		}
		if kind := ollamaSays(text); kind != KindOther {
			return kind, advice(kind, s, model, text)
		}
		return KindOther, fmt.Sprintf("Ollama refused to pull %q (HTTP %d): %s", model, status.StatusCode, text)
	case isConnError(err):
		return KindOffline, fmt.Sprintf("Brook could not reach Ollama at %s. Start it with `ollama serve` (or open the Ollama app), then pull again.", s.baseURL.Redacted())
	case err != nil:
		text := err.Error()
		return ollamaSays(text), advice(ollamaSays(text), s, model, text)
	}
	return KindOther, fmt.Sprintf("The pull of %q ended before Ollama said it was finished. Pull again: Ollama picks up where it stopped.", model)
}

// advice says what to do about a failure Ollama reported in words.
func advice(kind string, s server, model, text string) string {
	switch kind {
	case KindNotFound:
		return fmt.Sprintf("Ollama found no model %q in its registry. Check the name and the tag at https://ollama.com/library.", model)
	case KindDiskFull:
		return fmt.Sprintf("The disk where Ollama at %s keeps its models is full. Free some space (delete models you no longer use), then pull again: Ollama keeps what it already downloaded.", s.baseURL.Redacted())
	case KindOffline:
		return fmt.Sprintf("Ollama could not reach the model registry (%s). Check the internet connection of the machine Ollama runs on, then pull again.", text)
	}
	return fmt.Sprintf("Ollama could not pull %q: %s", model, text)
}

// ollamaSays classifies an error Ollama sent only as text. This is the one
// place Brook reads Ollama's words; everything else goes by type and status.
//
//   - not found: the registry answered 404 for the manifest, which Ollama
//     (server/images.go makeRequestWithRetry) turns into os.ErrNotExist and
//     sends as "pull model manifest: file does not exist". A registry that
//     keeps answering 401 gives "unauthorized: access denied", which for a
//     public registry also means there is no such model.
//   - disk full: a blob write failing with syscall.ENOSPC ends the download
//     at once (server/download.go) and is sent as the error's text, which
//     ends in "no space left on device" on Linux and macOS, and "There is
//     not enough space on the disk." on Windows.
//   - offline: Ollama could not reach the registry; Go's net errors say
//     "no such host", "connection refused", "i/o timeout", ...; a download
//     that kept failing says "max retries exceeded".
func ollamaSays(text string) string {
	t := strings.ToLower(text)
	has := func(parts ...string) bool {
		for _, p := range parts {
			if strings.Contains(t, strings.ToLower(p)) {
				return true
			}
		}
		return false
	}
	switch {
	case has(syscall.ENOSPC.Error(), "no space left on device", "not enough space on the disk"):
		return KindDiskFull
	case strings.Contains(t, "manifest") && has(os.ErrNotExist.Error()), has("unauthorized: access denied"):
		return KindNotFound
	case has("no such host", "connection refused", "network is unreachable", "i/o timeout",
		"connection reset", "tls handshake timeout", "max retries exceeded", "server misbehaving"):
		return KindOffline
	}
	return KindOther
}
