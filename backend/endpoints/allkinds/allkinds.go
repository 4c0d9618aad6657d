// Package allkinds registers every kind of endpoint Brook speaks to, in the
// order Settings offers them. It is the one place a new kind is added:
// import this package (for its side effect) wherever endpoints are used.
package allkinds

import (
	"brook/backend/endpoints/kind"
	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/endpoints/kind/openaikind"
)

func init() {
	kind.Register(ollamakind.Kind)
	kind.Register(openaikind.Kind)
}
