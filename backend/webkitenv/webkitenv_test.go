package webkitenv

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestApply(t *testing.T) {
	tests := []struct {
		name        string
		accelerated bool
		env         map[string]string
		want        map[string]string
		wantLog     []string
	}{
		{
			name: "no GPU: all of them",
			env:  map[string]string{},
			want: map[string]string{"Malloc": "1", "WEBKIT_DISABLE_DMABUF_RENDERER": "1",
				"JSC_thresholdForOptimizeAfterWarmUp": "30000", "JSC_thresholdForOptimizeAfterLongWarmUp": "30000", "JSC_thresholdForOptimizeSoon": "30000",
				"JSC_thresholdForJITAfterWarmUp": "30000", "JSC_thresholdForJITSoon": "30000", "JSC_largeHeapSize": "2097152",
				"WEBKIT_DISABLE_MEMORY_PRESSURE_MONITOR": "1"},
			wantLog: []string{"Malloc=1", "JSC_thresholdForOptimizeSoon=30000", "JSC_thresholdForJITAfterWarmUp=30000", "WEBKIT_DISABLE_MEMORY_PRESSURE_MONITOR=1", "WEBKIT_DISABLE_DMABUF_RENDERER=1"},
		},
		{
			name:        "a GPU keeps the DMA-BUF renderer",
			accelerated: true,
			env:         map[string]string{},
			want: map[string]string{"Malloc": "1",
				"JSC_thresholdForOptimizeAfterWarmUp": "30000", "JSC_thresholdForOptimizeAfterLongWarmUp": "30000", "JSC_thresholdForOptimizeSoon": "30000",
				"JSC_thresholdForJITAfterWarmUp": "30000", "JSC_thresholdForJITSoon": "30000", "JSC_largeHeapSize": "2097152",
				"WEBKIT_DISABLE_MEMORY_PRESSURE_MONITOR": "1"},
			wantLog: []string{"Malloc=1", "JSC_thresholdForOptimizeAfterWarmUp=30000"},
		},
		{
			name: "the user's values stay, even empty ones",
			env: map[string]string{"Malloc": "", "WEBKIT_DISABLE_DMABUF_RENDERER": "0",
				"JSC_thresholdForOptimizeAfterWarmUp": "1000", "JSC_thresholdForOptimizeAfterLongWarmUp": "1000", "JSC_thresholdForOptimizeSoon": "1000",
				"JSC_thresholdForJITAfterWarmUp": "500", "JSC_thresholdForJITSoon": "100", "JSC_largeHeapSize": "33554432",
				"WEBKIT_DISABLE_MEMORY_PRESSURE_MONITOR": "0"},
			want: map[string]string{"Malloc": "", "WEBKIT_DISABLE_DMABUF_RENDERER": "0",
				"JSC_thresholdForOptimizeAfterWarmUp": "1000", "JSC_thresholdForOptimizeAfterLongWarmUp": "1000", "JSC_thresholdForOptimizeSoon": "1000",
				"JSC_thresholdForJITAfterWarmUp": "500", "JSC_thresholdForJITSoon": "100", "JSC_largeHeapSize": "33554432",
				"WEBKIT_DISABLE_MEMORY_PRESSURE_MONITOR": "0"},
			wantLog: []string{"the user's Malloc=", "the user's JSC_thresholdForOptimizeSoon=1000", "the user's JSC_thresholdForJITSoon=100", "the user's WEBKIT_DISABLE_MEMORY_PRESSURE_MONITOR=0", "the user's WEBKIT_DISABLE_DMABUF_RENDERER=0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := maps.Clone(tt.env)
			lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
			setenv := func(k, v string) error { env[k] = v; return nil }
			applied, err := Apply(tt.accelerated, lookup, setenv)
			if err != nil {
				t.Fatal(err)
			}
			got := applied.Said
			for _, part := range tt.wantLog {
				if !strings.Contains(got, part) {
					t.Errorf("Apply said %q, want it to say %q", got, part)
				}
			}
			if !maps.Equal(env, tt.want) {
				t.Errorf("environment %v, want %v", env, tt.want)
			}
		})
	}
}

func TestApplyFailure(t *testing.T) {
	refused := errors.New("refused")
	_, err := Apply(false, func(string) (string, bool) { return "", false }, func(string, string) error { return refused })
	if !errors.Is(err, refused) {
		t.Fatalf("Apply returned %v, want the setenv error", err)
	}
}

// TestWithout: children that are not WebKit's (a browser for a link, Ollama,
// tool servers) get the environment without what Apply set, and with what
// the user set.
func TestWithout(t *testing.T) {
	env := map[string]string{"JSC_thresholdForOptimizeSoon": "7"}
	applied, err := Apply(false, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, func(k, v string) error { env[k] = v; return nil })
	if err != nil {
		t.Fatal(err)
	}
	environ := []string{"HOME=/home/u", "Malloc=1", "JSC_thresholdForOptimizeSoon=7", "WEBKIT_DISABLE_DMABUF_RENDERER=1", "WEBKIT_DISABLE_MEMORY_PRESSURE_MONITOR=1", "JSC_thresholdForOptimizeAfterWarmUp=30000", "MallocX=2"}
	got := applied.Without(environ)
	want := []string{"HOME=/home/u", "JSC_thresholdForOptimizeSoon=7", "MallocX=2"}
	if !slices.Equal(got, want) {
		t.Errorf("Without = %v, want %v", got, want)
	}
}
