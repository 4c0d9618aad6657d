package kind

import (
	"context"
	"net/http"
	"testing"

	"brook/backend/provider"
)

func valid(id string) Kind {
	return Kind{
		ID: id, Label: "Test", Key: KeyNone,
		New:    func(string, string, http.Header) provider.Client { return nil },
		Probe:  func(context.Context, Prober) (Found, bool) { return Found{}, false },
		Detect: func(context.Context, *http.Client, string) Detection { return Detection{Kind: provider.ServerGeneric} },
	}
}

// refuses reports whether Register panicked for k.
func refuses(k Kind) (refused bool) {
	defer func() { refused = recover() != nil }()
	Register(k)
	return false
}

// TestRegisterRefusesIncompleteAndRepeatedKinds: a kind is registered once,
// with everything the rest of Brook asks of it, and found by its ID in order.
func TestRegisterRefusesIncompleteAndRepeatedKinds(t *testing.T) {
	t.Cleanup(func() { Unregister("first"); Unregister("second") })
	if refuses(valid("first")) || refuses(valid("second")) {
		t.Fatal("a complete kind was refused")
	}
	noProbe := valid("noprobe")
	noProbe.Probe = nil
	badKey := valid("badkey")
	badKey.Key = "sometimes"
	for name, k := range map[string]Kind{
		"twice": valid("first"), "an ID with capitals": valid("Capital"), "no label": {ID: "nolabel"},
		"no test": noProbe, "an unknown key need": badKey,
	} {
		if !refuses(k) {
			t.Errorf("%s: registered", name)
			Unregister(k.ID)
		}
	}
	if ids := IDs(); len(ids) != 2 || ids[0] != "first" || ids[1] != "second" {
		t.Fatalf("IDs = %v", ids)
	}
	if k, ok := Lookup("second"); !ok || k.NotShaped() != "not_second" || k.Info().Key != KeyNone {
		t.Fatalf("Lookup = %+v, %v", k, ok)
	}
	Unregister("first")
	if _, ok := Lookup("first"); ok {
		t.Fatal("an unregistered kind is still found")
	}
}
