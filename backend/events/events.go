// Package events defines what the backend tells the UI, and the [Emitter] it
// tells it through. The app package implements Emitter with the Wails runtime;
// tests use [Recorder].
package events

import (
	"sync"

	"brook/backend/store"
)

// Emitter sends a named event with one payload to the UI.
type Emitter interface {
	Emit(name string, payload any)
}

// StreamEventName is the event every answer stream reports on.
const StreamEventName = "brook:stream"

// ConversationsChangedName tells the UI the conversation list changed.
const ConversationsChangedName = "brook:conversations"

// AnswerSavedName tells the UI that an answer whose final write had failed
// is stored now; the payload is an [AnswerSaved].
const AnswerSavedName = "brook:answer-saved"

// AnswerSaved is the answer as stored at last.
type AnswerSaved struct {
	MessageID      int64          `json:"messageId"`
	ConversationID int64          `json:"conversationId"`
	Message        *store.Message `json:"message,omitempty"`
}

// StreamPhase is what an answer stream is doing right now.
type StreamPhase string

const (
	PhaseQueued     StreamPhase = "queued"     // waiting in Brook's own queue for a free slot on its endpoint; Ahead says how many are before it
	PhaseWaiting    StreamPhase = "waiting"    // request sent, nothing back yet; WaitingFor says for what
	PhaseStreaming  StreamPhase = "streaming"  // tokens arriving
	PhaseRecovering StreamPhase = "recovering" // the stream broke; fetching the whole answer without streaming
	PhaseFinal      StreamPhase = "final"      // over; State says how
)

// StreamEvent is one small update of one answer. Events of one stream carry
// increasing Seq numbers; the UI drops any event whose Seq it has seen.
// A delta's Text starts at UTF-16 offset At of the answer, so the UI can tell
// a duplicate or a gap (and fetch the message) from a plain append.
type StreamEvent struct {
	MessageID      int64       `json:"messageId"`
	ConversationID int64       `json:"conversationId"`
	Seq            int64       `json:"seq"`
	Phase          StreamPhase `json:"phase"`
	Text           string      `json:"text,omitempty"`
	At             int         `json:"at"`
	// Reasoning is a delta of the model's reasoning, starting at UTF-16
	// offset ReasoningAt of the reasoning so far; it comes before the answer.
	Reasoning   string `json:"reasoning,omitempty"`
	ReasoningAt int    `json:"reasoningAt,omitempty"`
	// TokensPerSecond is the live rate while streaming.
	TokensPerSecond float64 `json:"tokensPerSecond,omitempty"`
	// Reason is the broken-stream reason while recovering.
	Reason string `json:"reason,omitempty"`
	// Ahead is, while queued, how many answers are before this one.
	Ahead int `json:"ahead,omitempty"`
	// WaitingFor says, while waiting, what for: [WaitModelLoad] or
	// [WaitFirstToken]; while recovering, how: [WaitContinue] or [WaitReask],
	// or [WaitServerStuck] when the server looks stuck.
	WaitingFor string `json:"waitingFor,omitempty"`
	// Since is when the current wait (queued, waiting, recovering) began, in Unix milliseconds.
	Since int64 `json:"since,omitempty"`

	// Final fields. State is the stored message state. Message is the
	// answer as stored, the same as ConversationService.GetMessage returns,
	// when its JSON fits in [MaxInlineFinalMessage]; when MessageOmitted is
	// set the UI fetches it with that bound call instead.
	State          string         `json:"state,omitempty"`
	Message        *store.Message `json:"message,omitempty"`
	MessageOmitted bool           `json:"messageOmitted,omitempty"`
	// Unsaved says why the answer could not be stored yet: the window shows
	// it whole from memory, and Brook writes it again until it is stored
	// ([AnswerSavedName]).
	Unsaved string `json:"unsaved,omitempty"`
}

// What an answer is waiting for; see [StreamEvent.WaitingFor].
const (
	WaitModelLoad  = "model_load"  // the server is loading the model
	WaitFirstToken = "first_token" // the model is reading the prompt
	WaitContinue   = "continue"    // recovering: asking the model to continue the partial answer
	WaitReask      = "reask"       // recovering: asking the whole question again without streaming
	// WaitServerStuck: recovering, the request has had no answer for long
	// while the server answers and has the model loaded: it looks stuck on
	// an earlier request (Ollama v0.17's leaked slot), and restarting it
	// frees it.
	WaitServerStuck = "server_stuck"
)

// MaxInlineFinalMessage is the largest stored message, in bytes of JSON, that
// a final event carries; WebKit keeps the memory of large event payloads.
const MaxInlineFinalMessage = 6 * 1024

// Recorder is an [Emitter] that keeps every event, for tests.
type Recorder struct {
	mu     sync.Mutex
	events []Recorded
}

// Recorded is one event a [Recorder] kept.
type Recorded struct {
	Name    string
	Payload any
}

func (r *Recorder) Emit(name string, payload any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, Recorded{name, payload})
}

// Events returns a copy of what was emitted so far.
func (r *Recorder) Events() []Recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Recorded(nil), r.events...)
}

// StreamEvents returns the stream events for one message, in emission order.
func (r *Recorder) StreamEvents(messageID int64) []StreamEvent {
	var out []StreamEvent
	for _, e := range r.Events() {
		if ev, ok := e.Payload.(StreamEvent); ok && ev.MessageID == messageID {
			out = append(out, ev)
		}
	}
	return out
}

// ToolEventName is the event the tool calls of answers report on; the
// payload is a [ToolEvent].
const ToolEventName = "brook:tool"

// ToolPhase is where one tool call, or a round of them, stands.
type ToolPhase string

const (
	// ToolApproval: the call waits for the user to allow or deny it.
	ToolApproval ToolPhase = "approval"
	// ToolRunning: the call runs; TimeoutMs and Since say until when.
	ToolRunning ToolPhase = "running"
	// ToolSettled: the call is over; Call has its status and result.
	ToolSettled ToolPhase = "settled"
	// ToolNextAnswer: the round's results went back to the model, whose
	// next answer is Message, streaming.
	ToolNextAnswer ToolPhase = "next"
	// ToolAnswerChanged: the answer itself changed (stopped during a
	// call); Message is the answer as stored.
	ToolAnswerChanged ToolPhase = "answer"
)

// ToolEvent is one step of the tool calls of an answer.
type ToolEvent struct {
	ConversationID int64     `json:"conversationId"`
	MessageID      int64     `json:"messageId"`
	Phase          ToolPhase `json:"phase"`
	// Call is the call this is about, with its status and result so far.
	Call *store.ToolCall `json:"call,omitempty"`
	// Arguments are the call's arguments pretty-printed, for the approval.
	Arguments string `json:"arguments,omitempty"`
	// TimeoutMs is, while running, the call's timeout; Since when it
	// started, in Unix milliseconds.
	TimeoutMs int64 `json:"timeoutMs,omitempty"`
	Since     int64 `json:"since,omitempty"`
	// Message is the next answer (ToolNextAnswer) or the answer as stored
	// (ToolAnswerChanged).
	Message *store.Message `json:"message,omitempty"`
}

// ToolServerChangedName tells the UI that an MCP server's state changed
// (starting, ready, failed, stopped); the payload is a [ToolServerChanged].
// Settings → Tools then reads the server's state, reason and error output
// again.
const ToolServerChangedName = "brook:tool-server"

// ToolServerChanged is which tool server changed, and to what state.
type ToolServerChanged struct {
	ServerID string `json:"serverId"`
	State    string `json:"state"`
}
