package store

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestEndpointExtrasRoundTrip: models added by hand are tidied (trimmed,
// repeats dropped) and header names put in canonical form.
func TestEndpointExtrasRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	e, err := s.SaveEndpoint(ctx, Endpoint{Name: "Gateway", Kind: "openai", BaseURL: "http://gw.example/v1", Enabled: true,
		ExtraModels: []string{" my-model ", "other", "my-model"}, HeaderNames: []string{"x-api-key", "HTTP-Referer"}})
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.ListEndpoints(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if got := list[0]; !reflect.DeepEqual(got.ExtraModels, []string{"my-model", "other"}) ||
		!reflect.DeepEqual(got.HeaderNames, []string{"X-Api-Key", "Http-Referer"}) || !reflect.DeepEqual(got, e) {
		t.Fatalf("saved %+v, listed %+v", e, got)
	}
}

// TestEndpointExtrasRefused: bad names are refused with ErrInvalid and the
// stored endpoint is unchanged.
func TestEndpointExtrasRefused(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	good, err := s.SaveEndpoint(ctx, Endpoint{Name: "Gateway", Kind: "openai", BaseURL: "http://gw.example/v1", Enabled: true,
		ExtraModels: []string{"kept"}, HeaderNames: []string{"X-Api-Key"}})
	if err != nil {
		t.Fatal(err)
	}
	many := make([]string, MaxExtraModels+1)
	for i := range many {
		many[i] = "m" + strings.Repeat("x", i)
	}
	for name, change := range map[string]func(e *Endpoint){
		"empty model":         func(e *Endpoint) { e.ExtraModels = []string{" "} },
		"control in model":    func(e *Endpoint) { e.ExtraModels = []string{"a\nb"} },
		"long model":          func(e *Endpoint) { e.ExtraModels = []string{strings.Repeat("é", MaxExtraModelRunes+1)} },
		"too many models":     func(e *Endpoint) { e.ExtraModels = many },
		"header with space":   func(e *Endpoint) { e.HeaderNames = []string{"X Api"} },
		"header with colon":   func(e *Endpoint) { e.HeaderNames = []string{"X-Api:"} },
		"empty header":        func(e *Endpoint) { e.HeaderNames = []string{""} },
		"content-type":        func(e *Endpoint) { e.HeaderNames = []string{"content-type"} },
		"host":                func(e *Endpoint) { e.HeaderNames = []string{"Host"} },
		"content-length":      func(e *Endpoint) { e.HeaderNames = []string{"Content-Length"} },
		"header twice":        func(e *Endpoint) { e.HeaderNames = []string{"X-A", "x-a"} },
		"header with newline": func(e *Endpoint) { e.HeaderNames = []string{"X-A\r\nEvil"} },
	} {
		t.Run(name, func(t *testing.T) {
			e := good
			e.ExtraModels = append([]string(nil), good.ExtraModels...)
			e.HeaderNames = append([]string(nil), good.HeaderNames...)
			e.Name = "Changed"
			change(&e)
			if _, err := s.SaveEndpoint(ctx, e); !errors.Is(err, ErrInvalid) {
				t.Fatalf("SaveEndpoint = %v, want ErrInvalid", err)
			}
			list, err := s.ListEndpoints(ctx)
			if err != nil || len(list) != 1 || !reflect.DeepEqual(list[0], good) {
				t.Fatalf("after a refused save: %+v, %v; want %+v", list, err, good)
			}
		})
	}
}
