package i18n

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// numberFormat is how a language writes numbers: the same separators as
// golang.org/x/text's message printer uses for it (a test compares them),
// without the printer's CLDR tables (about 190 kB of binary).
type numberFormat struct {
	// group separates each three digits of the whole part; decimal comes
	// before the fraction.
	group, decimal string
	// nan is what the language writes for a number that is not one.
	nan string
}

var (
	pointAndCommas = numberFormat{group: ",", decimal: ".", nan: "NaN"}
	commaAndDots   = numberFormat{group: ".", decimal: ",", nan: "NaN"}
)

// numberFormats holds each shipped language's format; the pseudo-locale
// writes numbers as English does.
var numberFormats = map[string]numberFormat{
	English: pointAndCommas,
	"zh-CN": pointAndCommas,
	"ja":    pointAndCommas,
	"de":    commaAndDots,
	"es":    commaAndDots,
	"pt-BR": commaAndDots,
	"fr":    {group: "\u00a0", decimal: ",", nan: "NaN"},
	"ru":    {group: "\u00a0", decimal: ",", nan: "не\u00a0число"},
	Pseudo:  pointAndCommas,
}

// format writes n, a whole number or a float, with the language's
// separators. A float is written in full, to the fewest digits that read
// back as it, never in scientific notation. Anything else is written as
// fmt would.
func (f numberFormat) format(n any) string {
	switch v := n.(type) {
	case int:
		return f.whole(strconv.FormatInt(int64(v), 10))
	case int8:
		return f.whole(strconv.FormatInt(int64(v), 10))
	case int16:
		return f.whole(strconv.FormatInt(int64(v), 10))
	case int32:
		return f.whole(strconv.FormatInt(int64(v), 10))
	case int64:
		return f.whole(strconv.FormatInt(v, 10))
	case uint:
		return f.whole(strconv.FormatUint(uint64(v), 10))
	case uint8:
		return f.whole(strconv.FormatUint(uint64(v), 10))
	case uint16:
		return f.whole(strconv.FormatUint(uint64(v), 10))
	case uint32:
		return f.whole(strconv.FormatUint(uint64(v), 10))
	case uint64:
		return f.whole(strconv.FormatUint(v, 10))
	case float32:
		return f.float(float64(v), 32)
	case float64:
		return f.float(v, 64)
	}
	return fmt.Sprint(n)
}

func (f numberFormat) float(v float64, bits int) string {
	switch {
	case math.IsNaN(v):
		return f.nan
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	case v == 0:
		return "0" // and not "-0"
	}
	whole, fraction, ok := strings.Cut(strconv.FormatFloat(v, 'f', -1, bits), ".")
	if !ok {
		return f.whole(whole)
	}
	return f.whole(whole) + f.decimal + fraction
}

// whole puts the group separator into digits, an optional minus sign and
// then decimal digits.
func (f numberFormat) whole(digits string) string {
	sign := ""
	if rest, ok := strings.CutPrefix(digits, "-"); ok {
		sign, digits = "-", rest
	}
	if len(digits) <= 3 {
		return sign + digits
	}
	var b strings.Builder
	b.WriteString(sign)
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(digits[:head])
	for i := head; i < len(digits); i += 3 {
		b.WriteString(f.group)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// FixedIn writes v with exactly places decimals the way language tag
// writes numbers ("4.0", "4,0"), for measures whose precision is fixed.
func FixedIn(tag string, v float64, places int) string {
	f := speakerFor(tag).numbers
	whole, fraction, ok := strings.Cut(strconv.FormatFloat(v, 'f', places, 64), ".")
	if !ok {
		return f.whole(whole)
	}
	return f.whole(whole) + f.decimal + fraction
}
