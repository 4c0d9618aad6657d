package localmodels

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/ollama/ollama/api"

	"brook/backend/i18n"
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
		return KindOffline, i18n.T("Pull.dropped", i18n.Args{"Host": s.baseURL.Redacted()})
	case errors.As(err, &auth):
		return KindNotFound, i18n.T("Pull.signIn", i18n.Args{"Model": model, "Status": strconv.Itoa(auth.StatusCode)})
	case errors.As(err, &status) && status.StatusCode == http.StatusNotFound:
		return KindServerTooOld, i18n.T("Pull.noRoute", i18n.Args{"Host": s.baseURL.Redacted(), "Model": model})
	case errors.As(err, &status):
		text := status.ErrorMessage
		if text == "" {
			text = status.Status
		}
		if kind := ollamaSays(text); kind != KindOther {
			return kind, advice(kind, s, model, text)
		}
		return KindOther, i18n.T("Pull.refused", i18n.Args{"Model": model, "Status": strconv.Itoa(status.StatusCode), "Message": text})
	case isConnError(err):
		return KindOffline, i18n.T("Pull.unreachable", i18n.Args{"Host": s.baseURL.Redacted()})
	case err != nil:
		text := err.Error()
		return ollamaSays(text), advice(ollamaSays(text), s, model, text)
	}
	return KindOther, i18n.T("Pull.endedEarly", i18n.Args{"Model": model})
}

// advice says what to do about a failure Ollama reported in words.
func advice(kind string, s server, model, text string) string {
	switch kind {
	case KindNotFound:
		return i18n.T("Pull.notFound", i18n.Args{"Model": model})
	case KindDiskFull:
		return i18n.T("Pull.diskFull", i18n.Args{"Host": s.baseURL.Redacted()})
	case KindOffline:
		return i18n.T("Pull.registryOffline", i18n.Args{"Message": text})
	}
	return i18n.T("Pull.failed", i18n.Args{"Model": model, "Message": text})
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
