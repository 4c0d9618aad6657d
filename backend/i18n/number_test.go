package i18n

import (
	"math"
	"math/rand/v2"
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Brook writes numbers as golang.org/x/text's message printer did before
// it was dropped from the binary: the same separators for every language.
// The printer stays here, in the test, as the reference.
func TestNumbersAreWrittenAsTheMessagePrinterWritesThem(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	wholes := []int64{0, 1, -1, 7, 999, -999, 1000, -1000, 1234, 9999, 10000, 12345, 99999, 100000, 123456, 999999, 1000000, 1234567, 9876543210, math.MaxInt64, math.MinInt64}
	for range 200 {
		wholes = append(wholes, rng.Int64N(1<<uint(rng.IntN(62)+1))*(1-2*rng.Int64N(2)))
	}
	// Floats the printer writes in full: whole parts below a million and
	// not too small (the printer turns to scientific notation outside).
	floats := []float64{0.5, 1.5, -1.5, 0.1, 0.25, 10.4, 999.9, 1000.5, 1023.9, 1234.5678, 12345.0, 100.25, 0.000123, 1.0 / 3, 99.995, 999999.5, math.NaN(), math.Inf(1), math.Inf(-1)}
	for range 200 {
		floats = append(floats, math.Round(rng.Float64()*1e7)/10) // sizes to a tenth, as guard.Size writes them
	}
	for _, tag := range Languages {
		f, ok := numberFormats[tag]
		if !ok {
			t.Errorf("%s has no number format", tag)
			continue
		}
		ref := tag
		if tag == Pseudo {
			ref = English
		}
		printer := message.NewPrinter(language.Make(ref))
		for _, n := range wholes {
			for _, v := range []any{n, int(n)} {
				if got, want := f.format(v), printer.Sprint(v); got != want {
					t.Errorf("%s: %T %d is %q, the printer says %q", tag, v, n, got, want)
				}
			}
		}
		for _, n := range []uint64{0, 1000, 12345678, math.MaxUint64} {
			if got, want := f.format(n), printer.Sprint(n); got != want {
				t.Errorf("%s: uint64 %d is %q, the printer says %q", tag, n, got, want)
			}
		}
		for _, v := range floats {
			if got, want := f.format(v), printer.Sprint(v); got != want {
				t.Errorf("%s: %v is %q, the printer says %q", tag, v, got, want)
			}
		}
	}
}

// Where the printer wrote a float in scientific notation ("1×10⁰⁶"),
// Brook writes it in full.
func TestLargeAndSmallFloatsAreWrittenInFull(t *testing.T) {
	tests := []struct {
		tag  string
		v    any
		want string
	}{
		{"en", 1e6, "1,000,000"},
		{"en", 123456789.5, "123,456,789.5"},
		{"de", 123456789.5, "123.456.789,5"},
		{"ru", 1234567.25, "1\u00a0234\u00a0567,25"},
		{"fr", 2.5e-7, "0,00000025"},
		{"en", -0.0, "0"},
		{"ja", float32(1.1), "1.1"},
		{"en", "not a number", "not a number"},
	}
	for _, tt := range tests {
		if got := numberFormats[tt.tag].format(tt.v); got != tt.want {
			t.Errorf("%s: %v is %q, want %q", tt.tag, tt.v, got, tt.want)
		}
	}
}
