package importers

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"unicode/utf8"

	"brook/backend/i18n"
	"brook/backend/transfer"
)

// Limits on what is read. A real history is far inside them; past them a
// file is refused whole, with the reason, before any parser sees it.
const (
	// MaxInputBytes bounds a lone file and, added up, the files of a
	// folder or a ZIP once expanded.
	MaxInputBytes = transfer.MaxImportSize
	// MaxFiles bounds the files of a folder or a ZIP.
	MaxFiles = 100_000
	// MaxDepth bounds how deep JSON nests. Real exports nest a dozen
	// levels; Go's decoder would go on to 10,000.
	MaxDepth = 200
	// MaxStringBytes bounds one JSON string, escapes included. The largest
	// real ones are pictures as data URLs, a few megabytes each.
	MaxStringBytes = 48 << 20
)

// Check refuses JSON (or JSON Lines) data that is not UTF-8, nests deeper
// than [MaxDepth] or has a string longer than [MaxStringBytes]. It scans
// the bytes once, without decoding; malformed JSON is left to the parser.
func Check(name string, data []byte) error {
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return At(name, &i18n.Error{Kind: ErrHostile, ID: "Transfer.invalidByte", Args: i18n.Args{"Offset": strconv.Itoa(i)}, Err: transfer.ErrInvalidUTF8})
	}
	depth, start := 0, -1
	inString, escaped := false, false
	for i, c := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
				if i-start > MaxStringBytes {
					return At(name, i18n.Kind(ErrHostile, "Import.textTooLong", i18n.Args{"Size": (i - start) >> 20, "Offset": strconv.Itoa(start), "Max": MaxStringBytes >> 20}))
				}
			}
			continue
		}
		switch c {
		case '"':
			inString, start = true, i
		case '{', '[':
			depth++
			if depth > MaxDepth {
				return At(name, i18n.Kind(ErrHostile, "Import.tooDeep", i18n.Args{"Max": MaxDepth, "Offset": strconv.Itoa(i)}))
			}
		case '}', ']':
			depth--
		}
	}
	if inString && len(data)-start > MaxStringBytes {
		return At(name, i18n.Kind(ErrHostile, "Import.textTooLong", i18n.Args{"Size": (len(data) - start) >> 20, "Offset": strconv.Itoa(start), "Max": MaxStringBytes >> 20}))
	}
	return nil
}

// Shape is what [Input.Shape] tells of a JSON file without decoding it
// whole: whether it is an object or an array, and the keys of the object,
// or of the array's first element when that is an object.
type Shape struct {
	Kind byte // '{' or '['; 0 when the file is not JSON
	Keys map[string]bool
	done bool
}

// Has reports whether the shape has every one of keys.
func (s *Shape) Has(keys ...string) bool {
	for _, k := range keys {
		if !s.Keys[k] {
			return false
		}
	}
	return true
}

// HasPrefix reports whether the shape has a key starting with prefix.
func (s *Shape) HasPrefix(prefix string) bool {
	for k := range s.Keys {
		if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}

func shapeOf(data []byte) Shape {
	s := Shape{done: true}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return s
	}
	d, ok := tok.(json.Delim)
	if !ok || (d != '{' && d != '[') {
		return s
	}
	s.Kind = byte(d)
	if d == '[' {
		tok, err = dec.Token()
		if err != nil || tok != json.Delim('{') {
			s.Keys = map[string]bool{}
			return s
		}
	}
	s.Keys = objectKeys(dec)
	return s
}

// objectKeys reads the keys of the object whose opening brace dec has just
// read, skipping the values.
func objectKeys(dec *json.Decoder) map[string]bool {
	keys := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		if k, ok := tok.(string); ok {
			keys[k] = true
		}
		if skipValue(dec) != nil {
			return keys
		}
	}
	return keys
}

// skipValue reads past the next value of dec.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}
