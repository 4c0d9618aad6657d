//go:build !unix

package mcp

import "os/exec"

// isolate does nothing where there are no process groups.
func isolate(*exec.Cmd) {}

// kill ends the command.
func kill(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}
