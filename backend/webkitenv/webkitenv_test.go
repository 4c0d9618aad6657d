package webkitenv

import (
	"errors"
	"maps"
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
				"JSC_thresholdForOptimizeAfterWarmUp": "30000", "JSC_thresholdForOptimizeAfterLongWarmUp": "30000", "JSC_thresholdForOptimizeSoon": "30000"},
			wantLog: []string{"Malloc=1", "JSC_thresholdForOptimizeSoon=30000", "WEBKIT_DISABLE_DMABUF_RENDERER=1"},
		},
		{
			name:        "a GPU keeps the DMA-BUF renderer",
			accelerated: true,
			env:         map[string]string{},
			want: map[string]string{"Malloc": "1",
				"JSC_thresholdForOptimizeAfterWarmUp": "30000", "JSC_thresholdForOptimizeAfterLongWarmUp": "30000", "JSC_thresholdForOptimizeSoon": "30000"},
			wantLog: []string{"Malloc=1", "JSC_thresholdForOptimizeAfterWarmUp=30000"},
		},
		{
			name: "the user's values stay, even empty ones",
			env: map[string]string{"Malloc": "", "WEBKIT_DISABLE_DMABUF_RENDERER": "0",
				"JSC_thresholdForOptimizeAfterWarmUp": "1000", "JSC_thresholdForOptimizeAfterLongWarmUp": "1000", "JSC_thresholdForOptimizeSoon": "1000"},
			want: map[string]string{"Malloc": "", "WEBKIT_DISABLE_DMABUF_RENDERER": "0",
				"JSC_thresholdForOptimizeAfterWarmUp": "1000", "JSC_thresholdForOptimizeAfterLongWarmUp": "1000", "JSC_thresholdForOptimizeSoon": "1000"},
			wantLog: []string{"the user's Malloc=", "the user's JSC_thresholdForOptimizeSoon=1000", "the user's WEBKIT_DISABLE_DMABUF_RENDERER=0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := maps.Clone(tt.env)
			lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
			setenv := func(k, v string) error { env[k] = v; return nil }
			got, err := Apply(tt.accelerated, lookup, setenv)
			if err != nil {
				t.Fatal(err)
			}
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
