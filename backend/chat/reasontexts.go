package chat

import (
	"slices"

	"brook/backend/provider"
	"brook/backend/store"
)

// ReasonTexts are the words the window shows for the reason codes stored
// with answers and for recovered answers. The window has none of its own:
// it reads these at start-up and again when the language changes.
type ReasonTexts struct {
	// Reasons says each known reason code as a sentence ("" for a whole answer).
	Reasons map[string]string `json:"reasons"`
	// Recovered is what the Recovered mark says, for every way of recovering
	// and every broken-stream reason.
	Recovered []RecoveredMark `json:"recovered"`
}

// RecoveredMark is what the Recovered mark of an answer says.
type RecoveredMark struct {
	// Method is how the answer was recovered: store.RecoveryContinued,
	// store.RecoveryReasked, or "" for answers stored before Brook recorded it.
	Method string `json:"method"`
	// Reason is the broken-stream reason, or "" for any code not listed.
	Reason string `json:"reason"`
	// Label is the mark's accessible name; Title its tooltip.
	Label string `json:"label"`
	Title string `json:"title"`
}

// AllReasonTexts returns the words for every reason code and every
// recovered answer, in the current language.
func AllReasonTexts() ReasonTexts {
	codes := ReasonCodes()
	t := ReasonTexts{Reasons: make(map[string]string, len(codes))}
	for _, code := range codes {
		t.Reasons[code], _ = ReasonText(code)
	}
	for _, r := range slices.Concat(provider.BrokenReasons, []provider.BrokenReason{""}) {
		code := string(r)
		continued, reasked, refetched := provider.RecoveredByContinuing(code), provider.RecoveredByAskingAgain(code), provider.RecoveredByFetchingAgain(code)
		refetchedLabel := provider.RecoveredByFetchingAgainLabel(code)
		t.Recovered = append(t.Recovered,
			RecoveredMark{Method: store.RecoveryContinued, Reason: code, Label: continued, Title: continued},
			RecoveredMark{Method: store.RecoveryReasked, Reason: code, Label: reasked, Title: reasked},
			RecoveredMark{Method: "", Reason: code, Label: refetchedLabel, Title: refetched})
	}
	return t
}
