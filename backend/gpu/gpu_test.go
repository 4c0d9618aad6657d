package gpu

import (
	"os"
	"path/filepath"
	"testing"
)

// fakeSys makes a /sys/class/drm with render nodes bound to drivers.
func fakeSys(t *testing.T, drivers ...string) string {
	t.Helper()
	root := t.TempDir()
	for i, d := range drivers {
		node := filepath.Join(root, "class", "drm", "renderD"+string(rune('0'+i)))
		driverDir := filepath.Join(root, "bus", "drivers", d)
		if err := os.MkdirAll(filepath.Join(node, "device"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(driverDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(driverDir, filepath.Join(node, "device", "driver")); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestAccelerate(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	tests := []struct {
		name string
		sys  string
		env  string
		want bool
	}{
		{"no render node (a VM, Xvfb, a remote desktop)", fakeSys(t), "", false},
		{"an Intel GPU", fakeSys(t, "i915"), "", true},
		{"an AMD GPU beside a virtual adapter", fakeSys(t, "vkms", "amdgpu"), "", true},
		{"only a virtual adapter", fakeSys(t, "qxl"), "", false},
		{"forced on", fakeSys(t), "on", true},
		{"forced off despite a GPU", fakeSys(t, "i915"), "off", false},
	}
	for _, tt := range tests {
		got, why := Accelerate(tt.sys, env(tt.env))
		if got != tt.want || why == "" {
			t.Errorf("%s: %v (%q), want %v", tt.name, got, why, tt.want)
		}
	}
}
