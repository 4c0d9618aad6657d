package chat

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"brook/backend/provider"
)

// Clocks tell a slow model from a dead one. Instead of fixed timeouts, each
// stream gets a watchdog ([paceClock]) that allows as much silence as the
// stream's own rhythm and the server's state make plausible. Zero fields
// take the defaults.
type Clocks struct {
	// FirstTokenFloor is the least silence allowed before the first piece of
	// an answer, on a loaded model with a short prompt.
	FirstTokenFloor time.Duration
	// FirstTokenCeiling is the most: no first token after this much silence
	// is a dead stream whatever the server said. The user's setting.
	FirstTokenCeiling time.Duration
	// StallFloor is the least silence allowed once pieces are arriving.
	StallFloor time.Duration
	// StallCeiling is the most silence allowed once pieces are arriving.
	// The user's setting.
	StallCeiling time.Duration
	// StallFactor: a silence this many times the stream's recent gaps is a stall.
	StallFactor float64
	// LoadAllowance is added before the first token when the server says
	// the model is not loaded and Brook has not seen it load yet.
	LoadAllowance time.Duration
	// PromptPerToken is the assumed time to read one prompt token before
	// Brook has learned the real one from the server.
	PromptPerToken time.Duration
	// StuckAfter is the least time a recovery request goes without an
	// answer before Brook asks whether the server looks stuck ([stuckWatch]);
	// more when the answer's pace and length make a longer wait plausible.
	StuckAfter time.Duration
}

func (c *Clocks) setDefaults() {
	if c.FirstTokenFloor == 0 {
		c.FirstTokenFloor = 20 * time.Second
	}
	if c.FirstTokenCeiling == 0 {
		c.FirstTokenCeiling = 300 * time.Second
	}
	if c.StallFloor == 0 {
		c.StallFloor = 5 * time.Second
	}
	if c.StallCeiling == 0 {
		c.StallCeiling = 60 * time.Second
	}
	if c.StallFactor == 0 {
		c.StallFactor = 10
	}
	if c.LoadAllowance == 0 {
		c.LoadAllowance = 120 * time.Second
	}
	if c.PromptPerToken == 0 {
		c.PromptPerToken = 5 * time.Millisecond
	}
	if c.StuckAfter == 0 {
		c.StuckAfter = 2 * time.Minute
	}
}

// firstTokenBudget is how long a stream may stay silent before its first
// piece: the floor, plus three times the expected prompt time, plus the
// load time when the model must load first, never more than the ceiling.
func (c Clocks) firstTokenBudget(promptTokens int, perToken, load time.Duration, loading bool) time.Duration {
	if perToken <= 0 {
		perToken = c.PromptPerToken
	}
	budget := c.FirstTokenFloor + 3*time.Duration(promptTokens)*perToken
	if loading {
		budget += max(3*load, c.LoadAllowance)
	}
	return min(budget, max(c.FirstTokenCeiling, c.FirstTokenFloor))
}

// paceClock is one stream's watchdog. Every sign of life resets it; pieces of
// the answer also teach it the stream's rhythm. When the silence outlasts
// what is allowed it calls expire once, with whether any piece had arrived.
type paceClock struct {
	clocks      Clocks
	firstBudget time.Duration
	// headersBudget is the silence allowed before the response headers; a
	// server that queues or loads before answering sends none meanwhile.
	headersBudget time.Duration
	expire        func(afterFirstPiece bool)
	// overloaded says whether the machine is too busy to tell silence from
	// starvation; nil means never.
	overloaded func() bool

	mu        sync.Mutex
	timer     *time.Timer
	deadline  time.Time
	grace     bool // one more allowance granted to this silence already
	stopped   bool
	headers   bool
	pieces    int
	lastPiece time.Time
	gaps      [8]time.Duration // the latest gaps between pieces, a ring
	nGaps     int
}

func startPaceClock(c Clocks, firstBudget, headersBudget time.Duration, expire func(afterFirstPiece bool)) *paceClock {
	p := &paceClock{clocks: c, firstBudget: firstBudget, headersBudget: max(headersBudget, firstBudget), expire: expire, overloaded: machineOverloaded}
	p.deadline = time.Now().Add(p.headersBudget)
	p.timer = time.AfterFunc(p.headersBudget, p.fire)
	return p
}

// sign is a sign of life below the level of answer pieces.
func (p *paceClock) sign(s provider.LifeSign) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s == provider.SignHeaders {
		p.headers = true
	}
	p.resetLocked()
}

// piece is a piece of the answer arriving at now.
func (p *paceClock) piece(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pieces > 0 {
		p.gaps[p.nGaps%len(p.gaps)] = now.Sub(p.lastPiece)
		p.nGaps++
	}
	p.pieces++
	p.lastPiece = now
	p.grace = false
	p.resetLocked()
}

// allowedLocked is the silence allowed from now on.
func (p *paceClock) allowedLocked() time.Duration {
	switch {
	case p.pieces == 0 && !p.headers:
		return p.headersBudget
	case p.pieces == 0 || p.nGaps == 0:
		// Before the rhythm is known, the first piece's budget holds.
		return p.firstBudget
	}
	var longest time.Duration
	for i := range min(p.nGaps, len(p.gaps)) {
		longest = max(longest, p.gaps[i])
	}
	allowed := time.Duration(p.clocks.StallFactor * float64(longest))
	return min(max(allowed, p.clocks.StallFloor), max(p.clocks.StallCeiling, p.clocks.StallFloor))
}

func (p *paceClock) resetLocked() {
	if !p.stopped {
		allowed := p.allowedLocked()
		p.deadline = time.Now().Add(allowed)
		p.timer.Reset(allowed)
	}
}

// lateFire is how late a timer may fire before the machine counts as too
// busy to keep time.
const lateFire = time.Second

func (p *paceClock) fire() {
	p.mu.Lock()
	if p.stopped || time.Now().Before(p.deadline) {
		// Stopped, or a sign of life moved the deadline on while this firing
		// waited for the lock; the timer is armed again for the new one.
		p.mu.Unlock()
		return
	}
	// On a machine so busy that Brook itself runs late, a silence may be
	// starvation, not a dead stream: allow it once more before giving up.
	if !p.grace && (time.Since(p.deadline) > lateFire || p.overloaded != nil && p.overloaded()) {
		p.grace = true
		p.resetLocked()
		p.mu.Unlock()
		return
	}
	p.stopped = true
	afterFirst := p.pieces > 0
	p.mu.Unlock()
	p.expire(afterFirst)
}

func (p *paceClock) stop() {
	p.mu.Lock()
	p.stopped = true
	p.timer.Stop()
	p.mu.Unlock()
}

// serverPace is what Brook has learned about how fast one model on one
// endpoint reads prompts and loads, from earlier answers.
type serverPace struct {
	perToken [5]time.Duration // prompt time per token of the latest answers, a ring
	n        int
	load     time.Duration // the longest load seen
}

// paceMemory keeps a [serverPace] per endpoint and model.
type paceMemory struct {
	mu sync.Mutex
	m  map[string]*serverPace
}

func paceKey(endpointID, model string) string { return endpointID + "\x00" + model }

// learn records one answer's prompt time: the server's own PromptEval when
// it reports it, else the observed time to the first piece, which also
// counts the network and any queue and so errs on the long side.
func (pm *paceMemory) learn(endpointID, model string, promptTokens int, t provider.Timings, firstPiece time.Duration) {
	if promptTokens <= 0 {
		return
	}
	prompt := t.PromptEval
	if prompt <= 0 {
		prompt = firstPiece - t.Load
	}
	pm.mu.Lock()
	defer pm.mu.Unlock()
	if pm.m == nil {
		pm.m = map[string]*serverPace{}
	}
	sp := pm.m[paceKey(endpointID, model)]
	if sp == nil {
		sp = &serverPace{}
		pm.m[paceKey(endpointID, model)] = sp
	}
	if prompt > 0 {
		sp.perToken[sp.n%len(sp.perToken)] = prompt / time.Duration(promptTokens)
		sp.n++
	}
	sp.load = max(sp.load, t.Load)
}

// recall returns the slowest prompt time per token of the latest answers
// and the longest load seen; zeros when nothing is known.
func (pm *paceMemory) recall(endpointID, model string) (perToken, load time.Duration) {
	pm.mu.Lock()
	defer pm.mu.Unlock()
	sp := pm.m[paceKey(endpointID, model)]
	if sp == nil {
		return 0, 0
	}
	for i := range min(sp.n, len(sp.perToken)) {
		perToken = max(perToken, sp.perToken[i])
	}
	return perToken, sp.load
}

// estimateTokens guesses the prompt's length in tokens: about four bytes a
// token for English, more tokens for other scripts, so this errs on the short
// side only for unusual text, and the floor covers short prompts anyway.
func estimateTokens(msgs []provider.Message) int {
	n := 0
	for _, m := range msgs {
		n += len(m.Content)/3 + 4
	}
	return n
}

// machineOverloaded reports whether the runnable work on the machine is more
// than one and a half times its cores (Linux's one-minute load average).
func machineOverloaded() bool {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return false
	}
	load, err := strconv.ParseFloat(fields[0], 64)
	return err == nil && load > 1.5*float64(runtime.NumCPU())
}
