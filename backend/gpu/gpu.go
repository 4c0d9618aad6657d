// Package gpu decides whether the window should let WebKit use hardware
// acceleration. Without a GPU, WebKitGTK composites every frame in software,
// which costs about 20 ms of CPU per frame whatever changed; with
// compositing off a frame costs about 5 ms. On a desktop with a working GPU
// compositing is cheap and the better path. So Brook asks for acceleration
// only where a GPU can do it.
package gpu

import (
	"os"
	"path/filepath"
	"strings"
)

// softwareDrivers are kernel DRM drivers that render on the CPU or through a
// virtual display adapter.
var softwareDrivers = map[string]bool{
	"vkms": true, "simpledrm": true, "simplefb": true, "efifb": true, "vmwgfx": true,
	"qxl": true, "bochs": true, "bochs-drm": true, "cirrus": true, "cirrus-qemu": true, "vboxvideo": true,
	"hyperv_drm": true, "udl": true,
}

// Accelerate reports whether WebKit should use hardware acceleration: when
// $BROOK_GPU says so ("on" or "off"), else when a DRM render node with a
// hardware driver exists under sysRoot (normally "/sys"). It says why, for
// the log.
func Accelerate(sysRoot string, env func(string) string) (bool, string) {
	switch strings.ToLower(strings.TrimSpace(env("BROOK_GPU"))) {
	case "on", "1", "yes":
		return true, "BROOK_GPU asks for hardware acceleration"
	case "off", "0", "no":
		return false, "BROOK_GPU turns hardware acceleration off"
	}
	nodes, _ := filepath.Glob(filepath.Join(sysRoot, "class", "drm", "renderD*"))
	for _, node := range nodes {
		target, err := os.Readlink(filepath.Join(node, "device", "driver"))
		if err != nil {
			continue
		}
		driver := filepath.Base(target)
		if !softwareDrivers[driver] {
			return true, "GPU render node " + filepath.Base(node) + " (" + driver + ")"
		}
	}
	return false, "no GPU render node: compositing in software would cost a frame's worth of CPU per update"
}
