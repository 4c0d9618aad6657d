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
	e := &Engine{cfg: Config{Emitter: emitter, FrameInterval: 25 * time.Millisecond, CheckpointInterval: 250 * time.Millisecond}}
	const tokensPerAnswer = 2000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := &relay{
			emitter: e.cfg.Emitter, messageID: 1, conversationID: 1,
			frame: e.cfg.FrameInterval, checkpointEvery: e.cfg.CheckpointInterval,
			phase: events.PhaseWaiting, phaseChanged: true,
			wake: make(chan struct{}, 1), finalCh: make(chan events.StreamEvent, 1), finished: make(chan struct{}),
			checkpoint: func(string, string) error { checkpoints.Add(1); return nil },
		}
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
	r := &relay{phase: events.PhaseStreaming}
	now := time.Now()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r.append("token ", now)
		if len(r.text.buf) > 1<<20 {
			r.text.buf = r.text.buf[:0]
		}
	}
}
