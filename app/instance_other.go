//go:build !linux

package app

// anotherInstance: elsewhere Wails takes its lock before OnStartup runs.
func anotherInstance(string) bool { return false }
