package app

// readyDo runs fn when a can serve calls, and otherwise says why not.
func readyDo(a *App, fn func() error) error {
	if err := a.ready(); err != nil {
		return err
	}
	return fn()
}

// readyGet is readyDo for calls that return a value.
func readyGet[T any](a *App, fn func() (T, error)) (T, error) {
	if err := a.ready(); err != nil {
		var zero T
		return zero, err
	}
	return fn()
}
