package i18n

import "errors"

// Error is an error in words for the user, looked up in the catalogue
// when it is read, so that it speaks the language current then.
type Error struct {
	// Kind, when set, is what errors.Is matches (a package's sentinel).
	Kind error
	// ID is the message id; Args its template data.
	ID   string
	Args Args
	// Err is the cause, kept for errors.Is/As and logs; when the message
	// shows it, it is among Args too.
	Err error
}

func (e *Error) Error() string { return T(e.ID, e.Args) }

// Unwrap lets errors.Is and errors.As see the kind and the cause.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// New is an error that says message id; use it for sentinels (errors.Is
// compares the pointer).
func New(id string) error { return &Error{ID: id} }

// Errorf is an error that says message id with args.
func Errorf(id string, args Args) error { return &Error{ID: id, Args: args} }

// Wrap is an error that says message id with err's words as {{.Err}},
// and unwraps to err.
func Wrap(id string, err error, args Args) error {
	a := Args{"Err": err}
	for k, v := range args {
		a[k] = v
	}
	return &Error{ID: id, Args: a, Err: err}
}

// Kind is an error that says message id and matches kind with errors.Is.
func Kind(kind error, id string, args Args) error { return &Error{Kind: kind, ID: id, Args: args} }

// IsLocalized reports whether err's words come from the catalogue.
func IsLocalized(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
