package ollamaserver

// State is where the local Ollama stands, as Brook sees it. The values
// reach the UI, so they never change.
type State string

const (
	// StateUnknown: not checked yet.
	StateUnknown State = ""
	// StateStarting: Brook started `ollama serve` and waits for it to answer.
	StateStarting State = "starting"
	// StateRunning: Ollama answers; [Status.StartedByBrook] says whose it is.
	StateRunning State = "running"
	// StateFailed: Ollama could not be started or stopped working; see [Failure].
	StateFailed State = "failed"
	// StateNotInstalled: nothing answers and no Ollama binary was found.
	StateNotInstalled State = "not_installed"
	// StateOff: nothing answers, and starting Ollama is turned off in Settings.
	StateOff State = "off"
	// StateStopped: Brook stopped the Ollama it had started.
	StateStopped State = "stopped"
	// StateRemote: the Ollama endpoints are on other machines: nothing to start.
	StateRemote State = "remote"
	// StateNoEndpoint: no Ollama endpoint is enabled.
	StateNoEndpoint State = "no_endpoint"
)

// Failure says what went wrong in [StateFailed]. The values reach the UI.
type Failure string

const (
	// FailPortTaken: something that is not Ollama answers at the endpoint's address.
	FailPortTaken Failure = "port_taken"
	// FailNotAnswering: something holds the address but gives no answer.
	FailNotAnswering Failure = "not_answering"
	// FailWontRun: the binary could not be run at all.
	FailWontRun Failure = "wont_run"
	// FailExited: `ollama serve` exited before it answered.
	FailExited Failure = "exited"
	// FailNoAnswer: `ollama serve` ran but did not answer within the limit.
	FailNoAnswer Failure = "no_answer"
	// FailCrashed: the Ollama Brook started exited while Brook used it.
	FailCrashed Failure = "crashed"
)

// Status is what the window shows of the local Ollama.
type Status struct {
	State   State   `json:"state"`
	Failure Failure `json:"failure,omitempty"`
	// Message says what happened, in words for the user.
	Message string `json:"message"`
	// EndpointID and URL are the local Ollama endpoint ("" when there is none).
	EndpointID string `json:"endpointId"`
	URL        string `json:"url"`
	// StartedByBrook is set while the Ollama that answers is Brook's child:
	// only that one Brook stops or restarts.
	StartedByBrook bool `json:"startedByBrook"`
	// Binary is the Ollama program found, "" when none was.
	Binary string `json:"binary"`
	// Version is what the running Ollama says it is.
	Version string `json:"version"`
	// VersionNote is one line about a known failure of that version, or "".
	VersionNote string `json:"versionNote"`
	// LogPath is where the output of the Ollama Brook starts goes.
	LogPath string `json:"logPath"`
	// LogTail is the last lines of that output, after a failure.
	LogTail []string `json:"logTail"`
	// Install says how to install Ollama on this platform.
	Install Install `json:"install"`
	// RestartHint says how to restart an Ollama Brook did not start.
	RestartHint string `json:"restartHint"`
}

// StatusEventName is the event that carries each new [Status] to the window.
const StatusEventName = "brook:ollama-server"
