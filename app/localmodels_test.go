package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/zalando/go-keyring"

	"brook/backend/localmodels"
)

func TestSuggestedModelIsTheOneDefault(t *testing.T) {
	var s LocalModelsService // needs no backend: it works before start-up ends
	got := s.SuggestedModel()
	if got != localmodels.DefaultModel || got.Name != "llama3.2:1b" || got.SizeBytes <= 0 {
		t.Errorf("SuggestedModel() = %+v, want %+v", got, localmodels.DefaultModel)
	}
}

// At start-up, a pull running when Brook last quit is started again, marked
// as resumed; a damaged file of pulls never stops Brook from starting.
func TestStartUpResumesPullsAndSurvivesADamagedFile(t *testing.T) {
	keyring.MockInit()
	home := t.TempDir()
	a := startBackend(t, home, "alpha:latest")
	eps, err := a.store.ListEndpoints(context.Background())
	if err != nil || len(eps) == 0 {
		t.Fatalf("endpoints: %v, %v", eps, err)
	}
	a.shutdown(context.Background())
	file := filepath.Join(home, "brook", localmodels.PullsFileName)

	os.WriteFile(file, []byte(`{"version":1,"pulls":[{"endpointId":"`+eps[0].ID+`","model":"beta:latest","startedAt":1700000000000}]}`), 0o600)
	a = startBackend(t, home, "alpha:latest")
	pulls := (&LocalModelsService{a}).Pulls()
	if len(pulls) != 1 || !pulls[0].Resumed || pulls[0].Model != "beta:latest" || pulls[0].StartedAt != 1700000000000 {
		t.Errorf("after a restart Pulls() = %+v; want beta:latest, resumed", pulls)
	}
	a.shutdown(context.Background())

	os.WriteFile(file, []byte("{damaged"), 0o600)
	a = startBackend(t, home, "alpha:latest")
	defer a.shutdown(context.Background())
	if err := a.ready(); err != nil {
		t.Fatalf("a damaged pulls file stopped start-up: %v", err)
	}
	if pulls := (&LocalModelsService{a}).Pulls(); len(pulls) != 0 {
		t.Errorf("a damaged file resumed %+v", pulls)
	}
}
