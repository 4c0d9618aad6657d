package i18n

import (
	"strings"
	"unicode/utf8"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// accents maps plain letters to accented ones that look alike.
var accents = map[rune]rune{
	'a': 'á', 'b': 'ƀ', 'c': 'ç', 'd': 'ð', 'e': 'é', 'f': 'ƒ', 'g': 'ĝ', 'h': 'ĥ', 'i': 'í', 'j': 'ĵ',
	'k': 'ķ', 'l': 'ļ', 'm': 'ɱ', 'n': 'ñ', 'o': 'ö', 'p': 'þ', 'q': 'ǫ', 'r': 'ŕ', 's': 'š', 't': 'ţ',
	'u': 'ü', 'v': 'ṽ', 'w': 'ŵ', 'x': 'ẋ', 'y': 'ý', 'z': 'ž',
	'A': 'Å', 'B': 'Ɓ', 'C': 'Ç', 'D': 'Ð', 'E': 'É', 'F': 'Ƒ', 'G': 'Ĝ', 'H': 'Ĥ', 'I': 'Î', 'J': 'Ĵ',
	'K': 'Ķ', 'L': 'Ļ', 'M': 'Ṁ', 'N': 'Ñ', 'O': 'Ö', 'P': 'Þ', 'Q': 'Ǫ', 'R': 'Ŕ', 'S': 'Š', 'T': 'Ţ',
	'U': 'Û', 'V': 'Ṽ', 'W': 'Ŵ', 'X': 'Ẋ', 'Y': 'Ý', 'Z': 'Ž',
}

// pseudoMessages makes the pseudo-locale's messages from English ones.
func pseudoMessages(english []*goi18n.Message) []*goi18n.Message {
	out := make([]*goi18n.Message, 0, len(english))
	for _, m := range english {
		p := *m
		p.Zero, p.One, p.Two, p.Few, p.Many, p.Other = pseudo(m.Zero), pseudo(m.One), pseudo(m.Two), pseudo(m.Few), pseudo(m.Many), pseudo(m.Other)
		out = append(out, &p)
	}
	return out
}

// pseudo accents s outside its {{template actions}} and pads it to about
// 140 % of its length, inside brackets that show where it was cut.
func pseudo(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	letters := 0
	for rest := s; rest != ""; {
		if strings.HasPrefix(rest, "{{") {
			end := strings.Index(rest, "}}")
			if end < 0 {
				end = len(rest) - 2
			}
			b.WriteString(rest[:end+2])
			rest = rest[end+2:]
			continue
		}
		r, _ := utf8.DecodeRuneInString(rest)
		if a, ok := accents[r]; ok {
			b.WriteRune(a)
		} else {
			b.WriteRune(r)
		}
		letters++
		rest = rest[utf8.RuneLen(r):]
	}
	// The brackets and the space count towards the 40 %.
	pad := (letters*2+4)/5 - 3
	return "[" + b.String() + " " + strings.Repeat("·", max(pad, 1)) + "]"
}
