package localmodels

import "time"

// rateWindow measures a download's speed over its latest span of progress.
type rateWindow struct {
	span    time.Duration
	samples []sample
}

type sample struct {
	at    time.Time
	bytes int64
}

// sampleStep is the least time between two kept samples: closer ones
// replace the newest, so a window holds at most span/sampleStep of them.
const sampleStep = 100 * time.Millisecond

// add records that bytes were done at the time at. A count that goes back
// (Ollama restarting a part) starts the window again.
func (w *rateWindow) add(at time.Time, bytes int64) {
	n := len(w.samples)
	if n > 0 && (bytes < w.samples[n-1].bytes || at.Before(w.samples[n-1].at)) {
		w.samples = w.samples[:0]
		n = 0
	}
	if n >= 2 && at.Sub(w.samples[n-2].at) < sampleStep {
		w.samples[n-1] = sample{at, bytes}
	} else {
		w.samples = append(w.samples, sample{at, bytes})
	}
	// Drop samples older than the span, keeping the newest one before it so
	// the window covers the whole span.
	cut := 0
	for cut+1 < len(w.samples) && at.Sub(w.samples[cut+1].at) >= w.span {
		cut++
	}
	if cut > 0 {
		w.samples = append(w.samples[:0], w.samples[cut:]...)
	}
}

// perSecond is the bytes per second over the window, or 0 when it cannot
// tell yet.
func (w *rateWindow) perSecond() float64 {
	if len(w.samples) < 2 {
		return 0
	}
	first, last := w.samples[0], w.samples[len(w.samples)-1]
	dt := last.at.Sub(first.at).Seconds()
	if dt <= 0 {
		return 0
	}
	return float64(last.bytes-first.bytes) / dt
}

// eta is the seconds left at speed bytes per second, or 0 when unknown.
func eta(completed, total int64, speed float64) float64 {
	if speed <= 0 || total <= completed {
		return 0
	}
	return float64(total-completed) / speed
}
