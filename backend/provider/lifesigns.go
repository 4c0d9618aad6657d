package provider

import "context"

// LifeSign is one sign that a request is alive on the server.
type LifeSign int

const (
	// SignHeaders is the response's status line and headers arriving.
	SignHeaders LifeSign = iota
	// SignBytes is any bytes of the response body arriving: text, reasoning,
	// a role-only chunk, an SSE comment, a keep-alive line.
	SignBytes
)

// LifeSigns is told of every sign of life of the requests made with a
// context from [WithLifeSigns]. It is called on the goroutine reading the
// response, so it must be quick.
type LifeSigns func(LifeSign)

type lifeSignsKey struct{}

// WithLifeSigns returns a context whose requests report their signs of life to fn.
func WithLifeSigns(ctx context.Context, fn LifeSigns) context.Context {
	return context.WithValue(ctx, lifeSignsKey{}, fn)
}

// LifeSignsOf returns the [LifeSigns] of ctx, or nil.
func LifeSignsOf(ctx context.Context) LifeSigns {
	fn, _ := ctx.Value(lifeSignsKey{}).(LifeSigns)
	return fn
}
