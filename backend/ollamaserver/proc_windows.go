//go:build windows

package ollamaserver

import (
	"os/exec"
	"syscall"
)

// Windows process creation flags (winbase.h).
const (
	createNewProcessGroup = 0x00000200
	createNoWindow        = 0x08000000
)

// detach starts the child without a console window, in a group of its own.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: createNewProcessGroup | createNoWindow, HideWindow: true}
}

// terminate ends the child: a console-less process on Windows has no
// gentler signal Go can send it.
func terminate(cmd *exec.Cmd) error { return cmd.Process.Kill() }

// kill ends the child.
func kill(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
