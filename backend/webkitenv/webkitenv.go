// Package webkitenv sets the environment WebKit's processes start with.
// Each variable is measured (bench-results/window.md) and each is left
// alone when the user has set it.
//
//   - Malloc=1: WebKit's own allocator, libpas, returns freed pages to the
//     system every 100 ms and takes them back on the next allocation. While
//     an answer streams, that churn (madvise, page faults and the TLB
//     shootdowns they cost across cores) was about a tenth of the web
//     process's CPU, and the system allocator saved 0.15–0.2 ms of CPU per
//     token as a user meets it. Its price is memory it keeps once freed: 25
//     MiB more in the web process after a 20,000-token answer, none at rest.
//     The Gigacage hardening it turns off guards against hostile
//     JavaScript, and Brook's page runs only its own scripts (its CSP allows
//     no others).
//   - JSC_thresholdForOptimize*=30000: JavaScriptCore's optimizing compiler
//     (DFG) starts 30 times later. The short bursts of code that build and
//     update the window would otherwise reach it, and its code and data
//     cost 3 MiB of the web process at rest. Long loops (highlighting a
//     long file, laying out math) still reach it within milliseconds:
//     highlighting 2,000 lines took as long as before, where turning the
//     compiler off made it 1.2–1.8 times slower.
//   - JSC_thresholdForJIT*=30000: the first, baseline JIT starts 60 times
//     later too, so code that runs only while the window is built stays
//     bytecode: 1.6–2 MiB of the web process at rest, and 6–14 MiB less
//     after a 20,000-token answer. Loops still reach it within a few
//     milliseconds: opening a 200-message conversation and streaming cost
//     the same CPU, where turning every JIT off made rendering 200 messages
//     twice as slow.
//   - JSC_largeHeapSize=2097152: JavaScriptCore collects its garbage after
//     2 MiB of new objects rather than 32, sized for a browser's heavy pages.
//     Brook's page holds a few MiB: 1–2 MiB of the web process at rest, the
//     same CPU while streaming, and heavy scripts ran faster, not slower
//     (rendering 200 messages 205–216 ms against 273–360, highlighting
//     2,000 lines 227–265 against 303–438), the heap staying in the caches.
//   - WEBKIT_DISABLE_MEMORY_PRESSURE_MONITOR=1: WebKit's UI side watches
//     the system's memory from a thread that reads /proc/self/cgroup,
//     /proc/meminfo and /proc/zoneinfo a byte at a time, about 150 reads a
//     second for as long as Brook runs, with nothing on screen changing:
//     14–23 ms of CPU every 30 s, a tenth of what the whole window costs
//     while an answer waits. What it buys is web processes that drop their
//     caches when the system runs short; Brook's one page keeps a few MiB
//     of them.
//   - WEBKIT_DISABLE_DMABUF_RENDERER=1, only when the window renders
//     without a GPU: the DMA-BUF renderer then draws each frame through
//     Mesa's software GL in Brook's own process, 4 MiB more at rest than
//     WebKit's plain path for the same CPU.
package webkitenv

import (
	"slices"
	"strings"
)

// systemMalloc is the variable that makes WebKit's bmalloc use the system
// allocator: any value counts, even "0".
const systemMalloc = "Malloc"

// dfgThreshold is 30 times JavaScriptCore's default of 1,000.
const dfgThreshold = "30000"

// baselineThreshold is 60 times JavaScriptCore's default of 500 (and 300
// times the 100 of code that JavaScriptCore expects to be hot soon).
const baselineThreshold = "30000"

// variable is one setting WebKit's processes start with.
type variable struct {
	name, value string
	// softwareOnly: set only when the window renders without a GPU.
	softwareOnly bool
}

var variables = []variable{
	{name: systemMalloc, value: "1"},
	{name: "JSC_thresholdForOptimizeAfterWarmUp", value: dfgThreshold},
	{name: "JSC_thresholdForOptimizeAfterLongWarmUp", value: dfgThreshold},
	{name: "JSC_thresholdForOptimizeSoon", value: dfgThreshold},
	{name: "JSC_thresholdForJITAfterWarmUp", value: baselineThreshold},
	{name: "JSC_thresholdForJITSoon", value: baselineThreshold},
	{name: "JSC_largeHeapSize", value: heapCycleBytes},
	{name: "WEBKIT_DISABLE_MEMORY_PRESSURE_MONITOR", value: "1"},
	{name: "WEBKIT_DISABLE_DMABUF_RENDERER", value: "1", softwareOnly: true},
}

// heapCycleBytes is 2 MiB, where a web process's JavaScriptCore defaults to
// 32 MiB.
const heapCycleBytes = "2097152"

// Applied is what [Apply] did.
type Applied struct {
	// Said is what was set, and what was the user's, for the log.
	Said string
	set  []string
}

// Without returns environ without the variables Apply set. Processes that
// are not WebKit's keep their defaults; above all a browser opened for a
// link, which may be WebKit too and must keep the Gigacage.
func (a Applied) Without(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(a.set, name) {
			out = append(out, kv)
		}
	}
	return out
}

// Apply sets what WebKit's processes should start with, leaving alone what
// the user set; accelerated says whether the window uses the GPU.
func Apply(accelerated bool, lookup func(string) (string, bool), setenv func(key, value string) error) (Applied, error) {
	var a Applied
	for _, v := range variables {
		if v.softwareOnly && accelerated {
			continue
		}
		if a.Said != "" {
			a.Said += ", "
		}
		if was, set := lookup(v.name); set {
			a.Said += "the user's " + v.name + "=" + was
			continue
		}
		if err := setenv(v.name, v.value); err != nil {
			return Applied{}, err
		}
		a.set = append(a.set, v.name)
		a.Said += v.name + "=" + v.value
	}
	return a, nil
}
