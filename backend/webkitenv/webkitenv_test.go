package webkitenv

import (
	"errors"
	"strings"
	"testing"
)

func TestApply(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantSet bool
		wantLog string
	}{
		{name: "unset: the system allocator", env: map[string]string{}, wantSet: true, wantLog: "Malloc=1"},
		{name: "the user's value stays", env: map[string]string{"Malloc": "0"}, wantLog: "the user's Malloc=0"},
		{name: "set but empty is still the user's", env: map[string]string{"Malloc": ""}, wantLog: "the user's Malloc="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(tt.env)
			lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			setenv := func(k, v string) error { tt.env[k] = v; return nil }
			got, err := Apply(lookup, setenv)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got, tt.wantLog) {
				t.Errorf("Apply said %q, want it to say %q", got, tt.wantLog)
			}
			if set := len(tt.env) > before; set != tt.wantSet {
				t.Errorf("set a variable: %v, want %v (env %v)", set, tt.wantSet, tt.env)
			}
			if tt.wantSet && tt.env[SystemMalloc] != "1" {
				t.Errorf("%s=%q, want 1", SystemMalloc, tt.env[SystemMalloc])
			}
		})
	}
}

func TestApplyFailure(t *testing.T) {
	refused := errors.New("refused")
	_, err := Apply(func(string) (string, bool) { return "", false }, func(string, string) error { return refused })
	if !errors.Is(err, refused) {
		t.Fatalf("Apply returned %v, want the setenv error", err)
	}
}
