package store_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"brook/backend/fsutil"
	"brook/backend/store"
	"brook/backend/transfer"
)

// TestExportMemory measures exporting every conversation of the benchmark
// database (10,000 conversations, 1,000,000 messages; see bench_test.go) to
// a file, the old way (Bundles: one read transaction, everything in memory,
// then Export) against the streaming way (ListExport, then ExportSeq over
// ExportList.Bundles), for JSON and Markdown. Each run is a fresh process,
// so its peak RSS (VmHWM) is its own; the Go heap in use is sampled every
// 5 ms. It takes minutes, so it runs only when asked:
//
//	BROOK_EXPORT_MEMORY=1 go test -count=1 -run TestExportMemory -v -timeout 60m ./backend/store/
//
// BROOK_EXPORT_MEMORY_FORMATS chooses the formats (default "json,markdown").
// Both ways must write the same file.
func TestExportMemory(t *testing.T) {
	if os.Getenv("BROOK_EXPORT_MEMORY") == "" {
		t.Skip("set BROOK_EXPORT_MEMORY=1 to measure the memory of exporting the benchmark database")
	}
	if run := os.Getenv("BROOK_EXPORT_MEMORY_RUN"); run != "" {
		way, format, _ := strings.Cut(run, "-")
		res := measureExport(t, way, transfer.Format(format))
		out, _ := json.Marshal(res)
		fmt.Printf("EXPORT-MEMORY %s\n", out)
		return
	}

	path := store.BenchDatabase(t) // generated here if not cached yet
	formats := "json,markdown"
	if f := os.Getenv("BROOK_EXPORT_MEMORY_FORMATS"); f != "" {
		formats = f
	}
	var results []exportMemory
	for format := range strings.SplitSeq(formats, ",") {
		for _, way := range []string{"old", "stream"} {
			cmd := exec.Command(os.Args[0], "-test.run=^TestExportMemory$", "-test.count=1", "-test.timeout=60m")
			cmd.Env = append(os.Environ(), "BROOK_EXPORT_MEMORY_RUN="+way+"-"+format)
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", way, format, err, out)
			}
			_, line, ok := strings.Cut(string(out), "EXPORT-MEMORY ")
			if !ok {
				t.Fatalf("%s %s: no result in\n%s", way, format, out)
			}
			line, _, _ = strings.Cut(line, "\n")
			var res exportMemory
			if err := json.Unmarshal([]byte(line), &res); err != nil {
				t.Fatal(err)
			}
			results = append(results, res)
		}
		if old, stream := results[len(results)-2], results[len(results)-1]; old.SHA256 != stream.SHA256 {
			t.Errorf("%s: the streamed file differs from the old one", format)
		}
	}
	t.Logf("database %s", path)
	t.Logf("%-7s %-9s %13s %11s %12s %14s %13s %9s %6s",
		"way", "format", "conversations", "messages", "file MB", "peak heap MB", "peak RSS MB", "RSS 0 MB", "time")
	for _, r := range results {
		t.Logf("%-7s %-9s %13d %11d %12.1f %14.1f %13.1f %9.1f %6s",
			r.Way, r.Format, r.Conversations, r.Messages, mb(r.FileBytes), mb(r.PeakHeapInuse), mb(r.PeakRSS), mb(r.RSSBefore),
			time.Duration(r.Nanoseconds).Round(100*time.Millisecond))
	}
}

type exportMemory struct {
	Way, Format   string
	Conversations int
	Messages      int
	FileBytes     int64
	PeakHeapInuse uint64 // bytes, sampled
	PeakRSS       uint64 // VmHWM of the whole process, bytes
	RSSBefore     uint64 // VmHWM once the store was open, before the export
	Nanoseconds   int64
	SHA256        string // of the file, which must not depend on the way
}

func mb(n any) float64 {
	switch n := n.(type) {
	case uint64:
		return float64(n) / (1 << 20)
	case int64:
		return float64(n) / (1 << 20)
	}
	return 0
}

func measureExport(t *testing.T, way string, format transfer.Format) exportMemory {
	s, err := store.Open(store.BenchDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	res := exportMemory{Way: way, Format: string(format), RSSBefore: vmHWM(t)}
	runtime.GC()

	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})

	out := filepath.Join(t.TempDir(), "export"+format.Ext())
	now := time.Date(2026, 11, 21, 9, 30, 0, 0, time.Local) // the same for both ways
	started := time.Now()
	switch way {
	case "old":
		bundles, err := s.Bundles(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Conversations = len(bundles)
		for _, b := range bundles {
			res.Messages += len(b.Messages)
		}
		err = fsutil.WriteAtomically(out, 0o600, func(w io.Writer) error { return transfer.Export(w, format, bundles, now) })
		if err != nil {
			t.Fatal(err)
		}
	case "stream":
		list, err := s.ListExport(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		counted := func(yield func(store.Bundle, error) bool) {
			for b, err := range list.Bundles(ctx) {
				if err == nil {
					res.Conversations++
					res.Messages += len(b.Messages)
				}
				if !yield(b, err) {
					return
				}
			}
		}
		err = fsutil.WriteAtomically(out, 0o600, func(w io.Writer) error {
			return transfer.ExportSeq(w, format, list.Entries, counted, now)
		})
		if err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("unknown way %q", way)
	}
	res.Nanoseconds = int64(time.Since(started))
	close(stop)
	wg.Wait()
	res.PeakHeapInuse = peak
	res.PeakRSS = vmHWM(t)
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	res.FileBytes = fi.Size()
	data, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer data.Close()
	h := sha256.New()
	if _, err := io.Copy(h, data); err != nil {
		t.Fatal(err)
	}
	res.SHA256 = hex.EncodeToString(h.Sum(nil))
	return res
}

// vmHWM is the process's peak resident set size, from /proc/self/status.
func vmHWM(t *testing.T) uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status:", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
