package ollamaserver

import (
	"net"
	"net/url"
	"os"
	"strings"

	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/store"
)

// Machine says which host names and addresses are this machine's.
type Machine struct {
	// Hostname is this machine's name (os.Hostname).
	Hostname string
	// Addrs are the addresses of its network interfaces.
	Addrs []net.IP
}

// ThisMachine reads this machine's name and interface addresses.
func ThisMachine() Machine {
	m := Machine{}
	m.Hostname, _ = os.Hostname()
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				m.Addrs = append(m.Addrs, n.IP)
			}
		}
	}
	return m
}

// Startable reports whether an Ollama at baseURL would be served by an
// `ollama serve` started on this machine: plain http, no path (a path means
// a proxy in front), and a host that is loopback, "localhost", this
// machine's name or one of its addresses. Nothing is looked up on the
// network.
func (m Machine) Startable(baseURL string) bool {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || u.Scheme != "http" || strings.Trim(u.Path, "/") != "" {
		return false
	}
	return m.IsLocal(u.Hostname())
}

// IsLocal reports whether host names this machine, without a lookup.
func (m Machine) IsLocal(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() || ip.IsUnspecified() {
			return true
		}
		for _, a := range m.Addrs {
			if a.Equal(ip) {
				return true
			}
		}
		return false
	}
	return m.Hostname != "" && host == strings.ToLower(m.Hostname)
}

// LocalEndpoint picks, among the endpoints, the enabled Ollama endpoint that
// an `ollama serve` on this machine would serve; ok is false when there is
// none. remote is true when there are Ollama endpoints but all are elsewhere.
func (m Machine) LocalEndpoint(list []store.Endpoint) (e store.Endpoint, ok, remote bool) {
	for _, e := range list {
		if e.Kind != ollamakind.ID || !e.Enabled {
			continue
		}
		if m.Startable(e.BaseURL) {
			return e, true, false
		}
		remote = true
	}
	return store.Endpoint{}, false, remote
}

// childEnv is the environment `ollama serve` runs with: the user's, with
// every OLLAMA_* setting kept. OLLAMA_HOST is set to the endpoint's address
// unless the user's $OLLAMA_HOST already leads there (it may say more, such
// as 0.0.0.0 to listen on every interface).
func childEnv(environ []string, baseURL string) []string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return environ
	}
	userHost := ""
	env := make([]string, 0, len(environ)+1)
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "OLLAMA_HOST="); ok {
			userHost = v
			continue
		}
		env = append(env, kv)
	}
	host := u.Host
	if userHost != "" && ollamakind.URL(userHost) == strings.TrimSuffix(baseURL, "/") {
		host = userHost
	}
	return append(env, "OLLAMA_HOST="+host)
}
