package mcp

import "syscall"

// setParentDeathSignal ends a server if Brook dies without stopping it.
func setParentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
