//go:build !windows

package ollamaserver

import (
	"os/exec"
	"syscall"
)

// detach puts the child in a process group of its own: a Ctrl+C in Brook's
// terminal reaches Brook, which then decides what becomes of Ollama, and
// the group lets kill reach the model runners Ollama started.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// terminate asks the child to stop, as `kill` would.
func terminate(cmd *exec.Cmd) error { return cmd.Process.Signal(syscall.SIGTERM) }

// kill ends the child and every process of its group (its model runners).
func kill(cmd *exec.Cmd) { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
