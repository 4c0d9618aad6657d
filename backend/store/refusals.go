package store

import "brook/backend/i18n"

// refuseIn is a refusal in the catalogue's words (message id with args),
// said in the language current when it is read. It matches [ErrInvalid]
// and guard.ErrInvalid, as every refusal of bad input does.
func refuseIn(id string, args i18n.Args) error { return refused(i18n.Errorf(id, args)) }

// refuseWith is a refusal in the catalogue's words that says reason, a
// refusal of another check, as {{.Err}}; errors.Is still sees reason.
func refuseWith(id string, reason error) error { return refused(i18n.Wrap(id, reason, nil)) }
