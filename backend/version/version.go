// Package version says which build of Brook this is. The release build
// stamps it with
//
//	-ldflags "-X brook/backend/version.Version=1.2.3 -X brook/backend/version.Commit=abc1234"
package version

import "runtime/debug"

// Version is the release, or "dev" for a build that was not stamped.
var Version = "dev"

// Commit is the source commit the build came from; when it was not stamped,
// the Go toolchain's VCS stamp is used (see CommitOrStamp).
var Commit = ""

// CommitOrStamp is Commit, else the revision Go recorded at build time
// (shortened, with "+dirty" for uncommitted changes), else "".
func CommitOrStamp() string {
	if Commit != "" {
		return Commit
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && dirty {
		rev += "+dirty"
	}
	return rev
}

// String is "Brook 1.2.3 (abc1234)", or "Brook dev (unknown commit)".
func String() string {
	commit := CommitOrStamp()
	if commit == "" {
		commit = "unknown commit"
	}
	return "Brook " + Version + " (" + commit + ")"
}
