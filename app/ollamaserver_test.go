package app

import (
	"errors"
	"runtime"
	"testing"

	"brook/backend/ollamaserver"
)

// TestOllamaServerServiceLeavesARunningOllamaAlone: with an Ollama already
// answering at $OLLAMA_HOST, Retry finds it running and not Brook's, and
// Restart refuses, saying how to restart it instead.
func TestOllamaServerServiceLeavesARunningOllamaAlone(t *testing.T) {
	ta := newTestApp(t)
	svc := &OllamaServerService{ta.a}
	st, err := svc.Retry()
	if err != nil || st.State != ollamaserver.StateRunning || st.StartedByBrook || st.RestartHint == "" {
		t.Fatalf("Retry: %+v %v", st, err)
	}
	if _, err := svc.Restart(); !errors.Is(err, ollamaserver.ErrNotStartedByBrook) {
		t.Fatalf("Restart of an Ollama Brook did not start: %v", err)
	}
	mem, err := svc.Memory(st.EndpointID)
	if err != nil || mem.Known != (runtime.GOOS == "linux") {
		t.Fatalf("Memory: %+v %v", mem, err)
	}
	if _, err := svc.Fit(st.EndpointID, "bad name!"); err == nil {
		t.Fatal("Fit took a model name guard refuses")
	}
}
