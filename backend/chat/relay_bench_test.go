package chat

import (
	"sync/atomic"
	"testing"
	"time"

	"brook/backend/events"
)

type countingEmitter struct{ n atomic.Int64 }

func (c *countingEmitter) Emit(string, any) { c.n.Add(1) }

// BenchmarkRelayCoalescing feeds tokens as fast as a fast local model (about
// one every 0.5 ms) and reports how many UI events and checkpoints that costs
// per token. Without coalescing it would be one event per token.
func BenchmarkRelayCoalescing(b *testing.B) {
	emitter := &countingEmitter{}
	var checkpoints atomic.Int64
	const tokensPerAnswer = 2000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := newRelay(relayConfig{
			messageID: 1, conversationID: 1, emitter: emitter,
			frame: 25 * time.Millisecond, checkpointEvery: 250 * time.Millisecond,
			checkpoint: func(string, string) error { checkpoints.Add(1); return nil },
		}, "", "")
		go r.loop()
		next := time.Now()
		for t := 0; t < tokensPerAnswer; t++ {
			r.append("tok ", time.Now())
			next = next.Add(500 * time.Microsecond)
			time.Sleep(time.Until(next))
		}
		r.sendFinal(events.StreamEvent{Phase: events.PhaseFinal})
	}
	tokens := float64(b.N * tokensPerAnswer)
	b.ReportMetric(float64(emitter.n.Load())/tokens, "events/token")
	b.ReportMetric(float64(checkpoints.Load())/tokens, "checkpoints/token")
	b.ReportMetric(tokens/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkRelayAppend is the cost the provider's goroutine pays per token.
func BenchmarkRelayAppend(b *testing.B) {
	r := newRelay(relayConfig{}, "", "")
	now := time.Now()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r.append("token ", now)
		if len(r.text.buf) > 1<<20 {
			r.text.buf = r.text.buf[:0]
		}
	}
}
