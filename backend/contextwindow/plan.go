package contextwindow

// PartKind says what a part of a request is, for the meter's hover.
type PartKind string

const (
	PartSystem   PartKind = "system"   // the system prompt
	PartHistory  PartKind = "history"  // an earlier message of the conversation
	PartDocument PartKind = "document" // a document's text
	PartQuestion PartKind = "question" // the newest message: the one being sent
)

// Part is one piece of a request with its tokens.
type Part struct {
	// MessageID is the stored message the part comes from, 0 for the
	// system prompt and a draft not sent yet.
	MessageID int64    `json:"messageId"`
	Kind      PartKind `json:"kind"`
	Tokens    int      `json:"tokens"`
}

// Plan is what a request will hold and how it fits the model's window. The
// meter shows it, and the chat engine builds the request by it, so what the
// window says was sent is what was sent.
type Plan struct {
	Window Window `json:"window"`
	// Limit is the window the request gets: Window.Tokens, or NumCtx when
	// Brook asks for more. 0 when the window is unknown.
	Limit int `json:"limit"`
	// NumCtx is the window Brook asks the server for (Ollama's num_ctx);
	// 0 asks for nothing.
	NumCtx int `json:"numCtx"`
	// Used is the tokens of what is sent, the room kept for the answer
	// included; System, History, Documents and Question break it down.
	Used      int `json:"used"`
	System    int `json:"system"`
	History   int `json:"history"`
	Documents int `json:"documents"`
	Question  int `json:"question"`
	// Reserve is the room kept for the answer.
	Reserve int `json:"reserve"`
	// Needed is what everything takes, sent or not, with the reserve.
	Needed int `json:"needed"`
	// Fits is true when everything fits the window the model gets without
	// asking (Window.Tokens).
	Fits bool `json:"fits"`
	// Exact is true when the server counted the tokens; otherwise they are
	// estimated, corrected by what the server counted before.
	Exact bool `json:"exact"`
	// LeftOut are the earlier messages left out of the request, oldest first.
	LeftOut []int64 `json:"leftOut"`
	// Choice is the conversation's remembered choice.
	Choice Choice `json:"choice"`
	// NeedsChoice is true when the conversation does not fit, the user has
	// not chosen, and both ways are open: the window asks before sending.
	NeedsChoice bool `json:"needsChoice"`
	// GrowTo is the window that would hold everything, 0 when the model
	// cannot grow that far; GrowBytes what it costs in memory beyond the
	// window the model gets without asking, 0 when unknown.
	GrowTo    int   `json:"growTo"`
	GrowBytes int64 `json:"growBytes"`
	// LeaveOutCount is how many messages leaving out would drop, to show
	// beside the choice.
	LeaveOutCount int `json:"leaveOutCount"`
	// TooLong is true when even the newest message alone does not fit the
	// largest window: the request cannot be sent whole.
	TooLong bool `json:"tooLong"`
}

// growStep rounds a larger window up, so the model (which Ollama reloads
// whenever num_ctx changes) is not reloaded for every message.
const growStep = 2048

// Fit plans a request of parts (in the order sent) with reserve tokens
// kept for the answer, in window w, as choice says. Messages are left out
// oldest first; the system prompt, documents and the question stay.
func Fit(parts []Part, w Window, reserve int, choice Choice) Plan {
	p := Plan{Window: w, Reserve: reserve, Choice: choice, LeftOut: []int64{}}
	p.Needed = reserve
	for _, part := range parts {
		p.Needed += part.Tokens
	}
	if !w.Known() || p.Needed <= w.Tokens {
		p.Fits = true
		p.Limit = w.Tokens
		p.tally(parts, nil)
		return p
	}
	if w.Adjustable() && p.Needed <= w.Max {
		p.GrowTo = min(roundUp(p.Needed, growStep), w.Max)
		p.GrowBytes = int64(p.GrowTo-w.Tokens) * w.BytesPerToken
	}
	leaveOutAt := func(limit int) map[int64]bool {
		dropped := map[int64]bool{}
		over := p.Needed - limit
		for _, part := range parts {
			if over <= 0 {
				break
			}
			if part.Kind == PartHistory {
				dropped[part.MessageID] = true
				p.LeftOut = append(p.LeftOut, part.MessageID)
				over -= part.Tokens
			}
		}
		p.TooLong = over > 0
		return dropped
	}
	// What leaving out would drop at the window the model gets, shown
	// beside the choice whatever is chosen.
	p.LeaveOutCount = len(leaveOutAt(w.Tokens))
	p.LeftOut, p.TooLong = []int64{}, false
	droppable := p.LeaveOutCount > 0

	// Unchosen, the window asks first; a request sent meanwhile grows
	// where it can, which loses the least.
	p.NeedsChoice = choice == ChoiceUnset && droppable
	switch {
	case choice == ChoiceLeaveOut || !w.Adjustable():
		p.Limit = w.Tokens
	case p.GrowTo > 0:
		p.Limit, p.NumCtx = p.GrowTo, p.GrowTo
	default: // growing helps, but not enough: the largest window, and leave out the rest
		p.Limit, p.NumCtx = w.Max, w.Max
	}
	p.tally(parts, leaveOutAt(p.Limit))
	return p
}

// tally adds up what is sent, by kind.
func (p *Plan) tally(parts []Part, dropped map[int64]bool) {
	p.Used = p.Reserve
	for _, part := range parts {
		if part.Kind == PartHistory && dropped[part.MessageID] {
			continue
		}
		p.Used += part.Tokens
		switch part.Kind {
		case PartSystem:
			p.System += part.Tokens
		case PartHistory:
			p.History += part.Tokens
		case PartDocument:
			p.Documents += part.Tokens
		case PartQuestion:
			p.Question += part.Tokens
		}
	}
}

// Sent reports whether the message with id goes with the request.
func (p Plan) Sent(id int64) bool {
	for _, left := range p.LeftOut {
		if left == id {
			return false
		}
	}
	return true
}

func roundUp(n, step int) int {
	return (n + step - 1) / step * step
}
