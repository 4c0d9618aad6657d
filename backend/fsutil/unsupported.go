package fsutil

import (
	"errors"
	"syscall"
)

// isUnsupported reports whether a folder fsync failed only because the
// system or file system does not do it.
func isUnsupported(err error) bool {
	return errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, errors.ErrUnsupported)
}
