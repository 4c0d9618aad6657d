package transfer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/store"
)

// Source says which kind of file [Parse] read.
type Source string

const (
	// SourceBrook is Brook's own JSON export.
	SourceBrook Source = "brook"
	// SourceChatGPT is the conversations.json of a ChatGPT data export.
	SourceChatGPT Source = "chatgpt"
)

// MaxImportSize is the largest file [Parse] reads, in bytes. A year of heavy
// ChatGPT use exports to tens of megabytes; this leaves room for far more
// while keeping a wrong file choice from filling memory.
const MaxImportSize = 512 << 20

// Errors of [Parse]. Each comes wrapped with specifics (where in the file,
// which conversation, which field), so test them with [errors.Is] and show
// the whole message to the user.
var (
	ErrEmpty              = errors.New("the file is empty")
	ErrTooLarge           = fmt.Errorf("the file is larger than %d MiB", MaxImportSize>>20)
	ErrMalformed          = errors.New("the file is not valid JSON")
	ErrTruncated          = errors.New("the file is cut short")
	ErrInvalidUTF8        = errors.New("the file is not valid UTF-8 text")
	ErrUnsupportedVersion = errors.New("the file was written by a newer Brook")
	ErrInvalid            = errors.New("the file has invalid data")
	ErrNoConversations    = errors.New("the file has no conversations")
)

// Parse reads a file to import and returns its conversations, ready for the
// store, and which kind of file it was. It recognises Brook's JSON export
// ([FormatJSON]) and a ChatGPT data export's conversations.json.
//
// size is the file's length in bytes, or a negative number when unknown; a
// file over [MaxImportSize] is refused before anything is read, and reading
// stops there whatever size said. The file is decoded as a stream, one
// conversation at a time.
//
// On any error Parse returns no bundles: an import is all or nothing. The
// returned bundles have no database IDs, and each conversation and message
// has a UID that is the same every time the same file is parsed, so that the
// store can skip conversations it already has.
func Parse(r io.Reader, size int64) ([]store.Bundle, Source, error) {
	return parse(r, size, MaxImportSize)
}

// parse is [Parse] with the size limit as a parameter, for tests.
func parse(r io.Reader, size, limit int64) ([]store.Bundle, Source, error) {
	if size > limit {
		return nil, "", fmt.Errorf("import: %w", i18n.Kind(ErrTooLarge, "Transfer.tooLarge", i18n.Args{"Max": guard.Size(limit), "Size": guard.Size(size)}))
	}
	if size == 0 {
		return nil, "", fmt.Errorf("import: %w", ErrEmpty)
	}
	// One byte past the limit is read so that a file of exactly the limit passes.
	guard := &sizeGuard{r: io.LimitReader(r, limit+1), limit: limit}
	br := bufio.NewReaderSize(&utf8Reader{r: guard}, 64<<10)

	var base int64 // bytes skipped before the decoder, to report true offsets
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		// Windows editors add a byte order mark; it is not part of the JSON.
		br.Discard(3)
		base = 3
	}
	first, skipped, err := firstByte(br)
	base += skipped
	if err != nil {
		switch {
		case err == io.EOF:
			return nil, "", fmt.Errorf("import: %w", ErrEmpty)
		case errors.Is(err, ErrInvalidUTF8):
			// Binary from the first byte on: an image, a PDF, a database...
			return nil, "", fmt.Errorf("import: %w", i18n.Kind(ErrUnknownFormat, "Transfer.notJSONFile", nil))
		}
		return nil, "", fmt.Errorf("import: %w", err)
	}

	rec := &recorder{r: br}
	dec := json.NewDecoder(rec)
	var (
		bundles []store.Bundle
		source  Source
	)
	switch first {
	case '{':
		source = SourceBrook
		bundles, err = parseBrook(dec, rec)
	case '[':
		source = SourceChatGPT
		bundles, err = parseChatGPT(dec, rec)
	default:
		head, _ := br.Peek(4)
		if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
			return nil, "", fmt.Errorf("import: %w", i18n.Kind(ErrUnknownFormat, "Transfer.zipArchive", nil))
		}
		return nil, "", fmt.Errorf("import: %w", i18n.Kind(ErrUnknownFormat, "Transfer.notJSONFile", nil))
	}
	if err == nil {
		err = expectEOF(dec)
	}
	if err != nil {
		return nil, "", fmt.Errorf("import: %w", decodeError(err, dec, base, guard.n))
	}
	if len(bundles) == 0 {
		return nil, "", fmt.Errorf("import: %w", ErrNoConversations)
	}
	if err := checkUnique(bundles); err != nil {
		return nil, "", fmt.Errorf("import: %w", err)
	}
	return bundles, source, nil
}

// firstByte returns the first byte that is not JSON white space, leaving it
// unread, and how many bytes of white space it skipped.
func firstByte(br *bufio.Reader) (byte, int64, error) {
	for n := int64(0); ; n++ {
		c, err := br.ReadByte()
		if err != nil {
			return 0, n, err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		br.UnreadByte()
		return c, n, nil
	}
}

// expectEOF checks that nothing but white space follows the top-level value.
func expectEOF(dec *json.Decoder) error {
	off := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return err
		}
		return &offsetError{ErrMalformed, "Transfer.moreAfterEnd", nil, off}
	}
	return nil
}

// offsetError is an error at a byte offset of the decoder's input: kind
// err, said by message id with args ({{.Offset}} is added when it is said).
type offsetError struct {
	err    error
	id     string
	args   i18n.Args
	offset int64
}

func (e *offsetError) Error() string { return e.at(e.offset).Error() }
func (e *offsetError) Unwrap() error { return e.err }

// at is the error in the catalogue's words, at offset.
func (e *offsetError) at(offset int64) error {
	a := i18n.Args{"Offset": strconv.FormatInt(offset, 10)}
	for k, v := range e.args {
		a[k] = v
	}
	return i18n.Kind(e.err, e.id, a)
}

// contextError says which part of the file an error is about (where is
// worded by whereConversation and the like).
type contextError struct {
	where string
	err   error
}

func (e *contextError) Error() string {
	return i18n.T("Transfer.at", i18n.Args{"Where": e.where, "Err": e.err})
}
func (e *contextError) Unwrap() error { return e.err }

// decodeError turns what the JSON decoder or the readers under it returned
// into one of the errors of [Parse], saying where in the file it happened.
// base is the number of bytes read before the decoder started.
// size is the number of bytes read in all.
func decodeError(err error, dec *json.Decoder, base, size int64) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		oe     *offsetError
	)
	var ce *contextError
	if errors.As(err, &ce) {
		return i18n.Wrap("Transfer.at", decodeError(ce.err, dec, base, size), i18n.Args{"Where": ce.where})
	}
	switch {
	case errors.As(err, &oe):
		return oe.at(oe.offset + base)
	case errors.Is(err, ErrTooLarge), errors.Is(err, ErrInvalidUTF8), errors.As(err, new(*readError)):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return i18n.Kind(ErrTruncated, "Transfer.truncated", i18n.Args{"Offset": strconv.FormatInt(size, 10)})
	case errors.As(err, &syntax):
		// A syntax error from Token is at the decoder's offset; decode
		// turns those from Decode into an offsetError.
		return i18n.Kind(ErrMalformed, "Transfer.syntaxAt", i18n.Args{"Detail": syntax.Error(), "Offset": strconv.FormatInt(dec.InputOffset()+base, 10)})
	case errors.As(err, &typ):
		// decode locates these; one from elsewhere is located roughly.
		return i18n.Kind(ErrInvalid, "Transfer.typeNear", i18n.Args{"Field": typ.Field, "Want": jsonKind(typ.Type), "Got": typ.Value, "Offset": strconv.FormatInt(dec.InputOffset()+base, 10)})
	case errors.Is(err, ErrInvalid), errors.Is(err, ErrUnknownFormat), errors.Is(err, ErrUnsupportedVersion), errors.Is(err, ErrMalformed):
		return err
	}
	// What is left are the decoder's own complaints, such as an unknown
	// field; its other words are Go's, kept as they are.
	near := strconv.FormatInt(dec.InputOffset()+base, 10)
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return i18n.Kind(ErrInvalid, "Transfer.unknownFieldNear", i18n.Args{"Field": field, "Offset": near})
	}
	return i18n.Kind(ErrInvalid, "Transfer.decoderNear", i18n.Args{"Detail": strings.TrimPrefix(err.Error(), "json: "), "Offset": near})
}

// expectDelim reads the next token and checks that it is want: the
// file's own value when key is "", or key's.
func expectDelim(dec *json.Decoder, want json.Delim, key string) error {
	off := dec.InputOffset()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		if key == "" {
			return &offsetError{ErrInvalid, "Transfer.fileShouldBe", i18n.Args{"Want": delimName(want)}, off}
		}
		return &offsetError{ErrInvalid, "Transfer.keyShouldBe", i18n.Args{"Key": key, "Want": delimName(want)}, off}
	}
	return nil
}

func delimName(d json.Delim) string {
	if d == '[' {
		return "array"
	}
	return "object"
}

// parseBrook decodes a Brook export whose opening brace is next in dec.
// "format" must come before "conversations", as Brook writes it, so that a
// JSON object of another kind is told apart before its contents are judged.
func parseBrook(dec *json.Decoder, rec *recorder) ([]store.Bundle, error) {
	if err := expectDelim(dec, '{', ""); err != nil {
		return nil, err
	}
	var (
		bundles             []store.Bundle
		isBrook, hasVersion bool
		hasConversations    bool
		version             json.Number
		notBrook            = i18n.Kind(ErrUnknownFormat, "Transfer.notBrook", nil)
	)
	checkVersion := func() error {
		n, err := strconv.Atoi(version.String())
		switch {
		case err != nil || n < 1:
			return i18n.Kind(ErrInvalid, "Transfer.badVersion", i18n.Args{"Version": truncate(version.String(), 40)})
		case n > brookVersion:
			return i18n.Kind(ErrUnsupportedVersion, "Transfer.newerVersion", i18n.Args{"Version": strconv.Itoa(n), "Max": strconv.Itoa(brookVersion)})
		}
		return nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		switch key {
		case "format":
			var format string
			if err := decode(dec, rec, &format); err != nil {
				if errors.Is(err, ErrInvalid) {
					return nil, notBrook // not a string
				}
				return nil, err
			}
			if format != brookFormat {
				return nil, i18n.Kind(ErrUnknownFormat, "Transfer.otherFormat", i18n.Args{"Format": strconv.Quote(truncate(format, 40))})
			}
			isBrook = true
			if hasVersion {
				if err := checkVersion(); err != nil {
					return nil, err
				}
			}
		case "version":
			if err := decode(dec, rec, &version); err != nil {
				if errors.Is(err, ErrInvalid) {
					return nil, i18n.Kind(ErrInvalid, "Transfer.versionNotNumber", nil)
				}
				return nil, err
			}
			hasVersion = true
			// Refuse a newer file before trying to read its conversations.
			if isBrook {
				if err := checkVersion(); err != nil {
					return nil, err
				}
			}
		case "exportedAt":
			if !isBrook {
				return nil, notBrook
			}
			var at string
			if err := decode(dec, rec, &at); err != nil {
				return nil, err
			}
			if _, err := time.Parse(time.RFC3339, at); err != nil {
				return nil, i18n.Kind(ErrInvalid, "Transfer.badExportedAt", i18n.Args{"Value": strconv.Quote(truncate(at, 40))})
			}
		case "conversations":
			if !isBrook {
				return nil, notBrook
			}
			if !hasVersion {
				return nil, i18n.Kind(ErrInvalid, "Transfer.keyMissing", i18n.Args{"Key": "version"})
			}
			if hasConversations {
				return nil, i18n.Kind(ErrInvalid, "Transfer.keyTwice", i18n.Args{"Key": "conversations"})
			}
			hasConversations = true
			if err := expectDelim(dec, '[', "conversations"); err != nil {
				return nil, err
			}
			// Unknown fields mean a file this version does not fully
			// understand; importing it would silently lose data.
			dec.DisallowUnknownFields()
			for dec.More() {
				var b store.Bundle
				if err := decode(dec, rec, &b); err != nil {
					return nil, &contextError{whereConversation(len(bundles), ""), err}
				}
				v, _ := strconv.Atoi(version.String())
				if err := validateBrook(&b, len(bundles), v); err != nil {
					return nil, err
				}
				bundles = append(bundles, b)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
		default:
			if !isBrook {
				return nil, notBrook
			}
			return nil, i18n.Kind(ErrInvalid, "Transfer.unknownField", i18n.Args{"Field": strconv.Quote(truncate(key, 40))})
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	switch {
	case !isBrook:
		return nil, notBrook
	case !hasVersion:
		return nil, i18n.Kind(ErrInvalid, "Transfer.keyMissing", i18n.Args{"Key": "version"})
	case !hasConversations:
		return nil, i18n.Kind(ErrInvalid, "Transfer.keyMissing", i18n.Args{"Key": "conversations"})
	}
	return bundles, checkVersion()
}

// decode decodes the next value of dec into v. The offset in a syntax error
// from [json.Decoder.Decode] counts only the bytes that Decode calls scanned,
// not those Token calls did, so it is recomputed here from rec's copy of the
// value's bytes.
func decode(dec *json.Decoder, rec *recorder, v any) error {
	start := dec.InputOffset()
	rec.keepFrom(start)
	err := dec.Decode(v)
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	if !errors.As(err, &syntax) && !errors.As(err, &typ) {
		return err
	}
	data := rec.from(start)
	// Skip what lies between the previous token and the value: white space
	// before one comma or colon. Decode starts right after that.
	i := skipSpace(data, 0)
	if i < len(data) && (data[i] == ',' || data[i] == ':') {
		i++
	}
	if typ != nil {
		// Offsets of type errors count from where Decode started; the
		// offset is the end of the wrong value.
		end := start + int64(i) + typ.Offset
		if typ.Field == "" {
			return &offsetError{ErrInvalid, "Transfer.valueTypeEnding", i18n.Args{"Want": jsonKind(typ.Type), "Got": typ.Value}, end}
		}
		return &offsetError{ErrInvalid, "Transfer.typeEnding", i18n.Args{"Field": typ.Field, "Want": jsonKind(typ.Type), "Got": typ.Value}, end}
	}
	at := start
	i = skipSpace(data, i)
	var raw json.RawMessage
	if err := json.Unmarshal(data[i:], &raw); errors.As(err, &syntax) && syntax.Offset > 0 {
		at = start + int64(i) + syntax.Offset - 1
	}
	return &offsetError{ErrMalformed, "Transfer.syntaxAt", i18n.Args{"Detail": err.Error()}, at}
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.String:
		return "string"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	}
	return "value"
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
		i++
	}
	return i
}

// recorder keeps a copy of the bytes read through it from a given offset
// on, so that an error can be located in them after the decoder has failed.
type recorder struct {
	r     io.Reader
	buf   []byte
	start int64 // offset of buf[0]
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.buf = append(r.buf, p[:n]...)
	return n, err
}

// keepFrom drops the bytes before offset off.
func (r *recorder) keepFrom(off int64) {
	drop := int(min(max(off-r.start, 0), int64(len(r.buf))))
	r.buf = append(r.buf[:0], r.buf[drop:]...)
	r.start += int64(drop)
}

// from returns the bytes kept from offset off on.
func (r *recorder) from(off int64) []byte {
	return r.buf[min(max(off-r.start, 0), int64(len(r.buf))):]
}

// sizeGuard turns reading past limit into [ErrTooLarge], where a plain
// [io.LimitReader] would make an oversized file look cut short.
type sizeGuard struct {
	r     io.Reader
	n     int64
	limit int64
}

func (g *sizeGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.n += int64(n)
	if g.n > g.limit {
		return 0, i18n.Kind(ErrTooLarge, "Transfer.tooLargeStopped", i18n.Args{"Max": guard.Size(g.limit)})
	}
	if err != nil && err != io.EOF {
		err = &readError{err}
	}
	return n, err
}

// readError is a failure to read the file, as opposed to a fault in it.
type readError struct{ err error }

func (e *readError) Error() string { return i18n.T("Transfer.readFailed", i18n.Args{"Err": e.err}) }
func (e *readError) Unwrap() error { return e.err }

// utf8Reader passes bytes through while checking that they are UTF-8, which
// the JSON decoder does not: it silently replaces invalid bytes.
type utf8Reader struct {
	r       io.Reader
	off     int64  // bytes checked and passed on
	pending []byte // the start of a rune split across reads
	err     error  // an error to return once the bytes before it are passed on
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	if len(p) < utf8.UTFMax {
		// Too small to hold back a split rune; bufio never asks for so little.
		return 0, io.ErrShortBuffer
	}
	// Put back the start of a split rune so it is checked with its end.
	k := copy(p, u.pending)
	u.pending = u.pending[:0]
	n, err := u.r.Read(p[k:])
	n += k
	data := p[:n]

	cut := len(data)
	if err == nil {
		// Hold back an incomplete rune at the end for the next read.
		for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
			if utf8.RuneStart(data[i]) {
				if !utf8.FullRune(data[i:]) {
					cut = i
				}
				break
			}
		}
	}
	if !utf8.Valid(data[:cut]) {
		i := 0
		for i < cut {
			r, size := utf8.DecodeRune(data[i:cut])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		u.err = i18n.Kind(ErrInvalidUTF8, "Transfer.invalidByte", i18n.Args{"Offset": strconv.FormatInt(u.off+int64(i), 10)})
		u.off += int64(i)
		if i == 0 {
			return 0, u.err
		}
		return i, nil
	}
	u.pending = append(u.pending, data[cut:]...)
	u.off += int64(cut)
	return cut, err
}
