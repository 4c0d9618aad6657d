package providertest

// FailingReader returns Data, then Err instead of io.EOF: a body whose
// connection broke after those bytes, at exactly the point a test chooses.
type FailingReader struct {
	Data string
	Err  error
}

func (r *FailingReader) Read(p []byte) (int, error) {
	if r.Data == "" {
		return 0, r.Err
	}
	n := copy(p, r.Data)
	r.Data = r.Data[n:]
	return n, nil
}
