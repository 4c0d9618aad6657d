package version

import "testing"

func TestString(t *testing.T) {
	v, c := Version, Commit
	defer func() { Version, Commit = v, c }()
	Version, Commit = "1.2.3", "abc1234"
	if got := String(); got != "Brook 1.2.3 (abc1234)" {
		t.Fatalf("String() = %q", got)
	}
	Version, Commit = "dev", ""
	if got := String(); got != "Brook dev (unknown commit)" {
		t.Fatalf("String() = %q", got)
	}
}
