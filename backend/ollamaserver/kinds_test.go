package ollamaserver

// The probes ask the registered kinds, as Brook's main does.
import _ "brook/backend/endpoints/allkinds"
