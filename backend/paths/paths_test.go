package paths

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDataDir(t *testing.T) {
	home := func() (string, error) { return "/home/ann", nil }
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	tests := []struct {
		name, goos string
		env        map[string]string
		want       string
	}{
		{"linux default", "linux", nil, "/home/ann/.local/share/brook"},
		{"linux XDG_DATA_HOME honoured", "linux", map[string]string{"XDG_DATA_HOME": "/data"}, "/data/brook"},
		{"linux relative XDG_DATA_HOME ignored, as the spec says", "linux", map[string]string{"XDG_DATA_HOME": "rel"}, "/home/ann/.local/share/brook"},
		{"macOS", "darwin", nil, "/home/ann/Library/Application Support/Brook"},
		{"windows", "windows", map[string]string{"LOCALAPPDATA": `C:\Users\ann\AppData\Local`}, filepath.Join(`C:\Users\ann\AppData\Local`, "Brook")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := dataDir(tt.goos, env(tt.env), home)
			if err != nil || got != tt.want {
				t.Fatalf("dataDir = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := dataDir("windows", env(nil), home); err == nil {
		t.Fatal("windows without LOCALAPPDATA/APPDATA: want an error")
	}
}

func TestResolveCreatesTheFolders(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	l, err := Resolve()
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{l.Data, l.Backups, l.Logs} {
		if fi, err := filepath.Glob(dir); err != nil || len(fi) != 1 {
			t.Fatalf("%s was not created", dir)
		}
	}
	if filepath.Dir(l.Database) != l.Data {
		t.Fatalf("database %s is not in %s", l.Database, l.Data)
	}
}

func TestUseDataDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data/ann")
	t.Cleanup(func() { UseDataDir("") })
	t.Chdir(t.TempDir())
	if err := UseDataDir("elsewhere/brook"); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	l, err := Where()
	want := filepath.Join(wd, "elsewhere", "brook")
	if err != nil || l != At(want) || l.Database != filepath.Join(want, "brook.db") {
		t.Fatalf("Where() = %+v, %v; want the layout at %s", l, err, want)
	}
	if err := UseDataDir("  "); err == nil {
		t.Fatal("a blank data folder was accepted")
	}
	if err := UseDataDir(""); err != nil {
		t.Fatal(err)
	}
	if l, _ := Where(); l.Data != "/data/ann/brook" {
		t.Fatalf("after UseDataDir(\"\"), Where() = %+v", l)
	}
}
