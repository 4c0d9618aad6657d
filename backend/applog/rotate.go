package applog

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// RotatingFile is a log file that starts over when it reaches its size
// limit, while Brook runs: brook.log becomes brook.log.1, brook.log.1
// becomes brook.log.2, and so on; the oldest beyond Keep is deleted. It is
// safe for concurrent use. A write never fails because rotating did: the
// log keeps going in the current file.
type RotatingFile struct {
	path string
	max  int64
	keep int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// OpenRotating opens (appending to) the log at path, rotating it at max
// bytes and keeping keep old files. A file already over max is rotated now.
func OpenRotating(path string, max int64, keep int) (*RotatingFile, error) {
	if max <= 0 || keep < 1 {
		return nil, fmt.Errorf("applog: max %d and keep %d must be positive", max, keep)
	}
	r := &RotatingFile{path: path, max: max, keep: keep}
	if err := r.open(); err != nil {
		return nil, err
	}
	if r.size >= max {
		r.rotate()
	}
	return r, nil
}

func (r *RotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	r.f, r.size = f, fi.Size()
	return nil
}

// Write appends p, rotating first when p would take the file past its limit.
// A record is never split between files.
func (r *RotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, os.ErrClosed
	}
	if r.size > 0 && r.size+int64(len(p)) > r.max {
		r.rotate()
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// rotate shifts the old files along and starts a new log. If a step fails,
// it carries on writing where it can.
func (r *RotatingFile) rotate() {
	_ = r.f.Close() // a failed close loses nothing written; go on
	Shift(r.path, r.keep)
	if err := r.open(); err != nil {
		// Could not start a new file: append to whatever is there, or give up quietly.
		if f, err2 := os.OpenFile(r.name(1), os.O_APPEND|os.O_WRONLY, 0o600); err2 == nil {
			r.f = f
			return
		}
		r.f = nil
	}
}

// name is the path of the i-th old file (i ≥ 1).
func (r *RotatingFile) name(i int) string { return oldName(r.path, i) }

func oldName(path string, i int) string { return fmt.Sprintf("%s.%d", path, i) }

// Shift moves the log at path out of the way, as a rotation does: path
// becomes path.1, path.1 becomes path.2, and so on; the oldest beyond keep
// is deleted. A log written by another program (a child that holds its own
// descriptor) is rotated this way before each run. A step that fails stops
// the shift; nothing is lost but the oldest file.
func Shift(path string, keep int) {
	_ = os.Remove(oldName(path, keep))
	for i := keep - 1; i >= 1; i-- {
		if err := os.Rename(oldName(path, i), oldName(path, i+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			break
		}
	}
	_ = os.Rename(path, oldName(path, 1))
}

// Close closes the file.
func (r *RotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}
