package ollamaserver

import (
	"context"
	"errors"
	"net"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"brook/backend/guard"
	"brook/backend/localmodels"
)

func TestFindLooksInPathThenInTheInstallPlaces(t *testing.T) {
	notInPath := func(string) (string, error) { return "", exec.ErrNotFound }
	for _, c := range []struct {
		goos, installed, want string
		inPath                string
	}{
		{goos: "linux", inPath: "/opt/bin/ollama", installed: "/usr/local/bin/ollama", want: "/opt/bin/ollama"},
		{goos: "linux", installed: "/usr/bin/ollama", want: "/usr/bin/ollama"},
		{goos: "linux", installed: "/home/ann/.local/bin/ollama", want: "/home/ann/.local/bin/ollama"},
		{goos: "linux", installed: "/snap/bin/ollama", want: "/snap/bin/ollama"},
		{goos: "darwin", installed: "/Applications/Ollama.app/Contents/Resources/ollama", want: "/Applications/Ollama.app/Contents/Resources/ollama"},
		{goos: "darwin", installed: "/usr/local/bin/ollama", want: "/usr/local/bin/ollama"},
		{goos: "windows", installed: `C:\Users\ann\AppData\Local/Programs/Ollama/ollama.exe`, want: `C:\Users\ann\AppData\Local/Programs/Ollama/ollama.exe`},
		{goos: "linux", installed: "/elsewhere/ollama"},
	} {
		f := Finder{
			GOOS:      c.goos,
			Home:      "/home/ann",
			Getenv:    func(k string) string { return map[string]string{"LOCALAPPDATA": `C:\Users\ann\AppData\Local`}[k] },
			LookPath:  notInPath,
			IsProgram: func(p string) bool { return p == c.installed },
		}
		if c.inPath != "" {
			f.LookPath = func(string) (string, error) { return c.inPath, nil }
		}
		got, err := f.Find()
		if c.want == "" {
			if !errors.Is(err, ErrNotInstalled) {
				t.Errorf("%s, installed at %s: %q %v; want ErrNotInstalled", c.goos, c.installed, got, err)
			}
			continue
		}
		if got != c.want || err != nil {
			t.Errorf("%s, installed at %s: %q %v; want %s", c.goos, c.installed, got, err, c.want)
		}
	}
}

func TestOnlyAnOllamaOnThisMachineIsStarted(t *testing.T) {
	m := Machine{Hostname: "Desk", Addrs: []net.IP{net.ParseIP("192.168.1.20")}}
	for url, want := range map[string]bool{
		"http://127.0.0.1:11434":      true,
		"http://localhost:11434":      true,
		"http://[::1]:11434":          true,
		"http://desk:11434":           true,
		"http://192.168.1.20:11434":   true,
		"http://192.168.1.21:11434":   false,
		"http://gpu-box.lan:11434":    false,
		"https://127.0.0.1:11434":     false, // ollama serve speaks plain http
		"http://127.0.0.1:8080/proxy": false, // a proxy in front
	} {
		if got := m.Startable(url); got != want {
			t.Errorf("Startable(%s) = %v, want %v", url, got, want)
		}
	}
}

func TestOllamaKeepsTheUsersSettings(t *testing.T) {
	user := []string{"PATH=/bin", "OLLAMA_MODELS=/big/disk", "OLLAMA_HOST=0.0.0.0:11434"}
	env := childEnv(user, "http://127.0.0.1:11434")
	if !slices.Equal(env, []string{"PATH=/bin", "OLLAMA_MODELS=/big/disk", "OLLAMA_HOST=0.0.0.0:11434"}) {
		t.Errorf("the user's OLLAMA_HOST leads to the endpoint, so it stays: %q", env)
	}
	env = childEnv(user, "http://127.0.0.1:5000")
	if !slices.Contains(env, "OLLAMA_HOST=127.0.0.1:5000") || slices.Contains(env, "OLLAMA_HOST=0.0.0.0:11434") || !slices.Contains(env, "OLLAMA_MODELS=/big/disk") {
		t.Errorf("the endpoint's address replaces another OLLAMA_HOST: %q", env)
	}
}

func TestMeminfo(t *testing.T) {
	mem := parseMeminfo(strings.NewReader("MemTotal:       24000000 kB\nMemFree:  1000 kB\nMemAvailable:   12000000 kB\n"))
	if !mem.Known || mem.TotalBytes != 24000000*1024 || mem.AvailableBytes != 12000000*1024 {
		t.Fatalf("%+v", mem)
	}
	if parseMeminfo(strings.NewReader("MemTotal: 1 kB\n")).Known {
		t.Fatal("known without MemAvailable")
	}
}

func TestCheckFit(t *testing.T) {
	mem := Memory{Known: true, AvailableBytes: 4e9, TotalBytes: 16e9}
	installed := []localmodels.Installed{{Name: "small", Size: 2e9}, {Name: "big", Size: 40e9}, {Name: "medium", Size: 5e9}}
	if f := CheckFit("small", installed, nil, mem); !f.Known || !f.Fits || f.Message != "" {
		t.Errorf("small: %+v", f)
	}
	if f := CheckFit("big", installed, nil, mem); !f.Known || f.Fits || !strings.Contains(f.Message, "40.0 GB") || !strings.Contains(f.Message, "4.0 GB") {
		t.Errorf("big: %+v", f)
	}
	// A loaded model's memory outside the GPU is freed to make room.
	loaded := []localmodels.Loaded{{Name: "other", Size: 3e9, SizeVRAM: 1e9}}
	if f := CheckFit("medium", installed, loaded, mem); !f.Fits || f.AvailableBytes != 6e9 {
		t.Errorf("medium, with another loaded: %+v", f)
	}
	if f := CheckFit("other", installed, loaded, mem); !f.Fits {
		t.Errorf("a loaded model: %+v", f)
	}
	if f := CheckFit("unknown", installed, nil, mem); f.Known {
		t.Errorf("a model of unknown size: %+v", f)
	}
	if f := CheckFit("big", installed, nil, Memory{}); f.Known {
		t.Errorf("unknown memory: %+v", f)
	}
}

// Fit refuses an endpoint id or model name the window could send wrong
// before it asks anything.
func TestFitRefusesBadNames(t *testing.T) {
	m := New(Config{})
	for _, c := range [][2]string{{"", "tiny"}, {"ollama", ""}, {"ollama", "no spaces allowed"}} {
		if _, err := m.Fit(context.Background(), nil, c[0], c[1]); !errors.Is(err, guard.ErrInvalid) {
			t.Errorf("Fit(%q, %q): %v, want guard.ErrInvalid", c[0], c[1], err)
		}
	}
}
