package localmodels

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"

	"brook/backend/fsutil"
)

// PullsFileName is the file in Brook's data folder that lists the pulls
// running when Brook last quit (or crashed), for [Manager.Resume].
const PullsFileName = "pulls.json"

// pullsFileVersion is the layout of the pulls file; a file of another
// version is ignored like a damaged one.
const pullsFileVersion = 1

// pullsFile is the pulls file's content.
type pullsFile struct {
	Version int         `json:"version"`
	Pulls   []savedPull `json:"pulls"`
}

// savedPull is one running pull, as the pulls file keeps it.
type savedPull struct {
	EndpointID string `json:"endpointId"`
	Model      string `json:"model"`
	// StartedAt is when the pull was first started, in Unix milliseconds.
	StartedAt int64 `json:"startedAt"`
}

// save writes the saved pulls to the pulls file. It is called when a pull
// starts and when one ends; a failure is logged, never returned: a pull
// goes on whether or not it can be resumed later.
func (m *Manager) save() {
	if m.cfg.PullsFile == "" {
		return
	}
	// The list is read under saveMu, so the last write holds the latest list.
	m.saveMu.Lock()
	defer m.saveMu.Unlock()
	m.mu.Lock()
	f := pullsFile{Version: pullsFileVersion, Pulls: make([]savedPull, 0, len(m.saved))}
	for _, sp := range m.saved {
		f.Pulls = append(f.Pulls, sp)
	}
	m.mu.Unlock()
	slices.SortFunc(f.Pulls, func(a, b savedPull) int {
		return cmp.Or(cmp.Compare(a.StartedAt, b.StartedAt), cmp.Compare(a.EndpointID, b.EndpointID), cmp.Compare(a.Model, b.Model))
	})
	err := fsutil.WriteAtomically(m.cfg.PullsFile, 0o600, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(f)
	})
	if err != nil {
		m.cfg.Logger.Warn("saving the running pulls; they will not be resumed after a restart", "path", m.cfg.PullsFile, "err", err)
	}
}

// readPullsFile reads the pulls file; a missing file is no pulls.
func readPullsFile(path string) ([]savedPull, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var f pullsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	if f.Version != pullsFileVersion {
		return nil, fmt.Errorf("version %d, want %d", f.Version, pullsFileVersion)
	}
	return f.Pulls, nil
}

// Resume starts again the pulls that were running when Brook last quit
// (listed in [Config.PullsFile]); their progress says Resumed. It returns
// how many it started. Ollama keeps the layers a pull already downloaded
// (and the part of the layer it was on), so a pull started again picks up
// where it stopped rather than downloading everything anew.
//
// A pull that cannot be started again (its endpoint was removed or is no
// longer Ollama) is dropped with a log warning, and a damaged file is
// ignored (and replaced) with one: start-up never waits on this.
func (m *Manager) Resume(ctx context.Context) int {
	if m.cfg.PullsFile == "" {
		return 0
	}
	list, err := readPullsFile(m.cfg.PullsFile)
	if err != nil {
		m.cfg.Logger.Warn("the file of running pulls is damaged; no pull is resumed", "path", m.cfg.PullsFile, "err", err)
		m.save() // replace it with the pulls of now (none yet)
		return 0
	}
	started := 0
	for _, sp := range list {
		err := m.start(ctx, sp, true)
		switch {
		case err == nil:
			started++
		case errors.Is(err, ErrAlreadyPulling):
		default:
			m.cfg.Logger.Warn("a pull running when Brook quit could not be resumed", "endpoint", sp.EndpointID, "model", sp.Model, "err", err)
		}
	}
	if started < len(list) {
		m.save() // drop the ones not started
	}
	return started
}
