package ollamaserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"

	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/localmodels"
)

// Memory is this machine's memory, as far as Brook can read it.
type Memory struct {
	// Known is false where Brook cannot read it (not Linux), or for an
	// endpoint on another machine, whose memory is not this one's.
	Known bool `json:"known"`
	// AvailableBytes is what programs can still take without swapping
	// (Linux MemAvailable); TotalBytes is all of it.
	AvailableBytes int64 `json:"availableBytes"`
	TotalBytes     int64 `json:"totalBytes"`
}

// ReadMemory reads this machine's memory (/proc/meminfo on Linux).
func ReadMemory() Memory {
	if runtime.GOOS != "linux" {
		return Memory{}
	}
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return Memory{}
	}
	defer f.Close()
	return parseMeminfo(f)
}

// parseMeminfo reads MemTotal and MemAvailable (in kB) from /proc/meminfo.
func parseMeminfo(r io.Reader) Memory {
	var mem Memory
	var seen int
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		switch key {
		case "MemTotal":
			mem.TotalBytes, seen = kb*1024, seen+1
		case "MemAvailable":
			mem.AvailableBytes, seen = kb*1024, seen+1
		}
	}
	mem.Known = seen == 2
	return mem
}

// ModelLister is what a fit check needs of [localmodels.Manager].
type ModelLister interface {
	Installed(ctx context.Context, endpointID string) ([]localmodels.Installed, error)
	Loaded(ctx context.Context, endpointID string) ([]localmodels.Loaded, error)
}

// Fit says whether a model should fit in this machine's memory.
type Fit struct {
	// Known is false when Brook cannot tell (a remote endpoint, memory
	// not readable, a model whose size is not known).
	Known bool `json:"known"`
	Fits  bool `json:"fits"`
	// NeedBytes is the model's size; AvailableBytes the memory it can have.
	NeedBytes      int64 `json:"needBytes"`
	AvailableBytes int64 `json:"availableBytes"`
	// Message warns, in words for the user, when it will not fit.
	Message string `json:"message"`
}

// CheckFit tells whether model, installed with the given sizes, fits in
// mem. A loaded model fits. The memory the loaded models hold outside the
// GPU counts as free, since Ollama unloads them to make room.
func CheckFit(model string, installed []localmodels.Installed, loaded []localmodels.Loaded, mem Memory) Fit {
	if !mem.Known {
		return Fit{}
	}
	free := mem.AvailableBytes
	for _, l := range loaded {
		if l.Name == model {
			return Fit{Known: true, Fits: true, NeedBytes: l.Size, AvailableBytes: free}
		}
		free += max(0, l.Size-l.SizeVRAM)
	}
	for _, in := range installed {
		if in.Name != model || in.Size <= 0 {
			continue
		}
		fit := Fit{Known: true, Fits: in.Size <= free, NeedBytes: in.Size, AvailableBytes: free}
		if !fit.Fits {
			fit.Message = i18n.T("OllamaServer.memory", i18n.Args{"Model": model, "Need": gigabytes(in.Size), "Free": gigabytes(free)})
		}
		return fit
	}
	return Fit{}
}

// gigabytes says n in decimal units, as Ollama states model sizes.
func gigabytes(n int64) string {
	if n < 1e9 {
		return fmt.Sprintf("%d MB", (n+5e5)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}

// Memory is this machine's memory, when the endpoint is on this machine;
// unknown for the others.
func (m *Manager) Memory(ctx context.Context, endpointID string) (Memory, error) {
	local, err := m.isLocal(ctx, endpointID)
	if err != nil || !local {
		return Memory{}, err
	}
	return ReadMemory(), nil
}

// Fit tells whether model, on the endpoint, fits in this machine's memory
// before it is loaded; unknown for an endpoint elsewhere.
func (m *Manager) Fit(ctx context.Context, models ModelLister, endpointID, model string) (Fit, error) {
	if err := guard.First(guard.RequiredEndpointID(endpointID), guard.OllamaModel(model)); err != nil {
		return Fit{}, err
	}
	mem, err := m.Memory(ctx, endpointID)
	if err != nil || !mem.Known {
		return Fit{}, err
	}
	loaded, err := models.Loaded(ctx, endpointID)
	if err != nil {
		return Fit{}, err
	}
	for _, l := range loaded {
		if l.Name == model {
			return CheckFit(model, nil, loaded, mem), nil // no need to list what is installed
		}
	}
	installed, err := models.Installed(ctx, endpointID)
	if err != nil {
		return Fit{}, err
	}
	return CheckFit(model, installed, loaded, mem), nil
}

// isLocal reports whether the endpoint is an Ollama on this machine.
func (m *Manager) isLocal(ctx context.Context, endpointID string) (bool, error) {
	list, err := m.cfg.Endpoints(ctx)
	if err != nil {
		return false, err
	}
	for _, e := range list {
		if e.ID == endpointID {
			return e.Kind == ollamakind.ID && m.cfg.Machine().Startable(e.BaseURL), nil
		}
	}
	return false, nil
}

// KeepReason says why the Ollama Brook started stays running as Brook
// quits, or "": the user chose to keep it, or a pull to it is running.
func (m *Manager) KeepReason(keepChosen bool, pulls []localmodels.PullProgress) string {
	if keepChosen {
		return "the user chose to keep Ollama running"
	}
	id := m.Status().EndpointID
	for _, p := range pulls {
		if p.EndpointID == id && p.State == localmodels.StateRunning {
			return "a pull is running"
		}
	}
	return ""
}
