// Package webkitenv sets the environment WebKit's processes start with.
//
// WebKit's own allocator, libpas, returns freed pages to the system every
// 100 ms and takes them back on the next allocation. While an answer
// streams, that churn (madvise, page faults and the TLB shootdowns they
// cost across cores) was about a tenth of the web process's CPU here, and
// the system allocator saved 0.15–0.2 ms of CPU per token as a user meets it.
// Its price is memory it keeps once freed: 25 MiB more in the web process
// after a 20,000-token answer, none at rest. WebKit hands its allocations to
// the system allocator when the variable Malloc is set; Brook sets it unless
// the user did. The Gigacage hardening it turns off guards against hostile
// JavaScript, and Brook's page runs only its own scripts (its CSP allows
// no others).
package webkitenv

// SystemMalloc is the variable that makes WebKit's bmalloc use the system
// allocator: any value counts, even "0".
const SystemMalloc = "Malloc"

// Apply sets what WebKit's processes should start with, leaving alone what
// the user set. It says what it did, for the log.
func Apply(lookup func(string) (string, bool), setenv func(key, value string) error) (string, error) {
	if v, set := lookup(SystemMalloc); set {
		return "WebKit's allocator: the user's " + SystemMalloc + "=" + v, nil
	}
	if err := setenv(SystemMalloc, "1"); err != nil {
		return "", err
	}
	return "WebKit's allocator: the system's (" + SystemMalloc + "=1)", nil
}
