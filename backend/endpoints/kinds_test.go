package endpoints

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"brook/backend/endpoints/kind"
	"brook/backend/provider"
	"brook/backend/provider/openai"
	"brook/backend/providertest"
	"brook/backend/store"
)

// TestANewKindIsOnePackageAndOneRegistration registers a kind only this
// test knows, the way a kind's package does, and follows it through
// everything that differs by kind: Settings lists it, the store keeps it,
// the registry builds its client, asks for its key and detects its server
// with it, the connection test runs its own test, and its words reach the
// user. Nothing else names it.
func TestANewKindIsOnePackageAndOneRegistration(t *testing.T) {
	srv := providertest.NewOpenAI(providertest.Script{APIKey: "sk-throwaway", Models: []string{"tiny", "big"}})
	defer srv.Close()
	var built, probed, detected int
	kind.Register(kind.Kind{
		ID: "throwaway", Label: "Throwaway API", Key: kind.KeyRequired,
		DefaultName: "Throwaway", DefaultURL: "http://127.0.0.1:9/v1",
		New: func(baseURL, apiKey string, headers http.Header) provider.Client {
			built++
			return openai.NewWithHeaders(baseURL, apiKey, headers)
		},
		Probe: func(ctx context.Context, p kind.Prober) (kind.Found, bool) {
			probed++
			var list struct{ Data []struct{ ID string } }
			if !p.Get(ctx, "models", true, &list) {
				return kind.Found{}, false
			}
			return kind.Found{Server: provider.ServerVLLM, Version: "t1", Models: len(list.Data)}, true
		},
		Detect: func(context.Context, *http.Client, string) kind.Detection {
			detected++
			return kind.Detection{Kind: provider.ServerLlamaCpp, Slots: 3}
		},
		Caps:  kind.Caps{ExtraModels: true},
		Words: kind.Words{API: "the throwaway API", Unreachable: func(u string) string { return "Start the throwaway server at " + u + "." }},
	})
	t.Cleanup(func() { kind.Unregister("throwaway") })

	infos := kind.Infos()
	if i := slices.IndexFunc(infos, func(k kind.Info) bool { return k.ID == "throwaway" }); i < 0 ||
		infos[i].Label != "Throwaway API" || infos[i].Key != kind.KeyRequired || infos[i].DefaultURL != "http://127.0.0.1:9/v1" || !infos[i].Caps.ExtraModels {
		t.Fatalf("Settings' list of kinds = %+v", infos)
	}

	ed := newEditing(t)
	ctx := context.Background()
	if _, err := ed.r.Save(ctx, store.Endpoint{Name: "T", Kind: "throwaway", BaseURL: srv.URL + "/v1", Enabled: true}, "", false, nil); err == nil ||
		!strings.Contains(err.Error(), "need an API key") {
		t.Fatalf("saved without the key the kind requires: %v", err)
	}
	ep, err := ed.r.Save(ctx, store.Endpoint{Name: "T", Kind: "throwaway", BaseURL: srv.URL + "/v1", Enabled: true}, "sk-throwaway", false, nil)
	if err != nil {
		t.Fatalf("the store refused the new kind: %v", err)
	}

	statuses, err := ed.r.Survey(ctx)
	if err != nil || len(statuses) != 1 {
		t.Fatalf("survey = %+v, %v", statuses, err)
	}
	st := statuses[0]
	if !st.Reachable || len(st.Models) != 2 || st.DetectedKind != provider.ServerLlamaCpp || st.Parallel != 3 || !st.Continues {
		t.Fatalf("survey of the new kind = %+v", st)
	}
	if built != 1 || detected != 1 {
		t.Fatalf("client built %d times, server detected %d times; want 1 and 1", built, detected)
	}
	if p := ed.r.Profile(ctx, ep.ID); p.Kind != provider.ServerLlamaCpp || p.MaxParallel != 3 {
		t.Fatalf("profile = %+v", p)
	}

	got, err := ed.r.Test(ctx, ep, "")
	if err != nil || !got.OK || probed != 1 || got.Models != 2 || got.Version != "t1" || !strings.Contains(got.Message, "vLLM t1, 2 models") {
		t.Fatalf("test of the new kind = %+v, %v (probed %d times)", got, err, probed)
	}
	if got, _ := ed.r.Test(ctx, ep, "sk-wrong"); got.Failure != FailUnauthorized {
		t.Fatalf("the test did not send the typed key: %+v", got)
	}

	down := ep
	down.BaseURL = providertest.DownURL() + "/v1"
	if _, err := ed.r.Save(ctx, down, "", false, nil); err != nil {
		t.Fatal(err)
	}
	statuses, _ = ed.r.Survey(ctx)
	if statuses[0].Reachable || statuses[0].Hint != "Start the throwaway server at "+down.BaseURL+"." {
		t.Fatalf("a throwaway server that is down: %+v", statuses[0])
	}
}
