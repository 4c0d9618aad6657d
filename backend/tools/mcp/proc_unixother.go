//go:build unix && !linux

package mcp

import "syscall"

// setParentDeathSignal does nothing where there is no such signal.
func setParentDeathSignal(*syscall.SysProcAttr) {}
