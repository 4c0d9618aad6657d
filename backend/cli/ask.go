package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"brook/backend/chat"
	"brook/backend/documents"
	"brook/backend/endpoints"
	"brook/backend/events"
	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/instance"
	"brook/backend/localmodels"
	"brook/backend/paths"
	"brook/backend/retrieval"
	"brook/backend/secrets"
	"brook/backend/selection"
	"brook/backend/store"
)

// runAsk is `brook ask`: one question to a model, answered on standard
// output by the same engine the window runs (its endpoints, keys, clocks,
// recovery and queue), and stored as a conversation the window shows.
func runAsk(ctx context.Context, line commandLine, env Env) int {
	prompt := strings.TrimSpace(strings.Join(line.positional[1:], " "))
	piped, err := readPiped(env.Stdin)
	if err != nil {
		return fail(env, i18n.Wrap("CLI.readStdin", err, nil))
	}
	text := joinPrompt(prompt, piped)
	docs, err := readDocuments(line.lists["file"])
	if err != nil {
		return fail(env, err)
	}
	if text == "" && len(docs) > 0 {
		// Words for the model, which reads English instructions (the
		// engine's own are English too); they stay English.
		text = "Read the attached documents."
	}
	if text == "" {
		return usageError(env, "ask", i18n.New("CLI.askWhat"))
	}
	if err := guard.Message(text); err != nil {
		return usageError(env, "ask", err)
	}
	var conversationID int64
	if c, ok := line.flags["continue"]; ok {
		if conversationID, err = strconv.ParseInt(c, 10, 64); err != nil || conversationID <= 0 {
			return usageError(env, "ask", i18n.Errorf("CLI.continueNotID", i18n.Args{"Arg": strconv.Quote(c)}))
		}
	}
	_, noSave := line.flags["no-save"]
	if noSave && conversationID != 0 {
		return usageError(env, "ask", i18n.New("CLI.noSaveContinue"))
	}
	layout, err := layoutOf(line)
	if err != nil {
		return usageError(env, "ask", err)
	}
	st, cleanup, err := askStore(ctx, env, layout, noSave)
	if err != nil {
		return fail(env, err)
	}
	defer cleanup()

	keys := secrets.New(secrets.Service)
	if err := keys.UseFile(filepath.Join(layout.Data, secrets.KeyFileName)); err != nil {
		return fail(env, i18n.Wrap("CLI.readKeys", err, nil))
	}
	registry := endpoints.New(st, keys)
	req := chat.SendRequest{ConversationID: conversationID, Text: text, Documents: docs}
	if conversationID == 0 {
		sel, err := chooseModel(ctx, registry, selection.Chooser{Survey: registry, Store: st}, line.flags["endpoint"], line.flags["model"])
		if err != nil {
			return fail(env, err)
		}
		req.EndpointID, req.Model = sel.EndpointID, sel.Model
	} else if m, ok := line.flags["model"]; ok {
		sel, err := chooseModel(ctx, registry, selection.Chooser{Survey: registry, Store: st}, line.flags["endpoint"], m)
		if err != nil {
			return fail(env, err)
		}
		req.EndpointID, req.Model = sel.EndpointID, sel.Model
	}

	_, noThinking := line.flags["no-thinking"]
	out := newAnswerWriter(env, !noThinking)
	// Documents too large for the model's window go as the excerpts that
	// best answer the question, found by the window's retrieval.
	models := localmodels.New(ctx, localmodels.Config{Store: st, Keys: keys})
	defer models.Close()
	// One question a process: its search reads every vector it needs, as
	// no later search would profit from reading them in the background.
	retriever := retrieval.New(ctx, retrieval.Config{Store: st, ReadAtOnce: -1, Embedder: retrieval.OllamaEmbedders(models.Client)})
	defer retriever.Close()
	engine := chat.New(chat.Config{Store: st, Providers: registry, Windows: registry, Emitter: out, UnsavedDir: filepath.Join(layout.Data, "unsaved"), Retriever: retriever})
	retriever.SetSlot(engine.BackgroundSlot)
	res, err := engine.Send(context.Background(), req)
	if err != nil {
		engine.Close()
		return fail(env, err)
	}
	out.follow(res.Answer.ID)
	stopped := false
	select {
	case <-out.done:
	case <-ctx.Done(): // Ctrl+C is the user's Stop
		stopped = true
		engine.Stop(res.Answer.ID)
		<-out.done
	}
	engine.Close()

	final, err := out.final(ctx, st)
	if err != nil {
		return fail(env, err)
	}
	out.finish(final)
	tellRetrieval(ctx, env, st, final.ID)
	if !noSave {
		// A window open on this data folder shows the conversation at once.
		_ = instance.Tell(layout.Data, []string{instance.ConversationsChanged})
	}
	switch {
	case stopped || final.State == store.StateStopped:
		return ExitInterrupted
	case final.State != store.StateComplete:
		fmt.Fprintln(env.Stderr, answerEnded(final))
		return ExitError
	}
	return ExitOK
}

// tellRetrieval says on standard error, after the answer, which documents
// the model was given as excerpts, from where, and the search's notice when
// it searched by words only: what the window shows beside the answer.
// Standard output keeps the answer alone.
func tellRetrieval(ctx context.Context, env Env, st *store.Store, answerID int64) {
	rec, err := st.AnswerRetrieval(ctx, answerID)
	if err != nil || len(rec.Sources) == 0 && rec.NoticeText == "" {
		return
	}
	rec = retrieval.Worded(rec)
	type source struct{ name, origin string }
	var sources []source
	pages := map[source][]int{}
	for _, s := range rec.Sources {
		k := source{s.Name, s.Origin}
		if !slices.Contains(sources, k) {
			sources = append(sources, k)
		}
		if s.Page > 0 && !slices.Contains(pages[k], s.Page) {
			pages[k] = append(pages[k], s.Page)
		}
	}
	tty := isTerminal(env.Stderr)
	for _, k := range sources {
		var line string
		switch ps := pages[k]; {
		case k.origin == "knowledge":
			line = i18n.T("Retrieval.askKnowledge", i18n.Args{"Name": k.name})
		case len(ps) > 0:
			slices.Sort(ps)
			list := make([]string, len(ps))
			for i, p := range ps {
				list[i] = strconv.Itoa(p)
			}
			line = i18n.T("Retrieval.askExcerptsPages", i18n.Args{"Name": k.name, "Pages": strings.Join(list, ", ")})
		default:
			line = i18n.T("Retrieval.askExcerpts", i18n.Args{"Name": k.name})
		}
		fmt.Fprintln(env.Stderr, dim("["+line+"]", tty))
	}
	if rec.NoticeText != "" {
		fmt.Fprintln(env.Stderr, dim("["+rec.NoticeText+"]", tty))
	}
}

// maxPiped bounds what is read from standard input: a message's own limit.
const maxPiped = guard.MaxMessageBytes

// readPiped reads standard input when it is piped or redirected, not a
// terminal; nothing otherwise.
func readPiped(r io.Reader) (string, error) {
	if r == nil || isTerminal(r) {
		return "", nil
	}
	b, err := io.ReadAll(io.LimitReader(r, maxPiped+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxPiped {
		return "", i18n.Errorf("CLI.pipedTooLarge", i18n.Args{"MB": maxPiped >> 20})
	}
	return string(b), nil
}

// joinPrompt puts the prompt before the piped text, as `journalctl | brook ask "why?"` reads.
func joinPrompt(prompt, piped string) string {
	piped = strings.TrimRight(piped, "\n")
	switch {
	case strings.TrimSpace(piped) == "":
		return prompt
	case prompt == "":
		return piped
	}
	return prompt + "\n\n" + piped
}

// askStore is the store the answer goes to: the data folder's, or for
// --no-save a temporary one holding only copies of the endpoints and the
// settings, removed when the command ends, so nothing of the exchange stays.
func askStore(ctx context.Context, env Env, layout paths.Layout, noSave bool) (*store.Store, func(), error) {
	st, err := openStore(env, layout, false)
	if err != nil {
		return nil, nil, err
	}
	if !noSave {
		return st, func() { st.Close() }, nil
	}
	defer st.Close()
	dir, err := os.MkdirTemp("", "brook-ask-")
	if err != nil {
		return nil, nil, err
	}
	tmp, err := store.Open(filepath.Join(dir, "brook.db"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	cleanup := func() {
		tmp.Close()
		os.RemoveAll(dir)
	}
	if err := copySetup(ctx, st, tmp); err != nil {
		cleanup()
		return nil, nil, err
	}
	return tmp, cleanup, nil
}

// copySetup copies what choosing and asking a model needs: the endpoints
// (their IDs kept, so their keys are found), the settings and the model used last.
func copySetup(ctx context.Context, from, to *store.Store) error {
	eps, err := from.ListEndpoints(ctx)
	if err != nil {
		return err
	}
	for _, e := range eps {
		if _, err := to.SaveEndpoint(ctx, e); err != nil {
			return err
		}
	}
	settings, err := from.LoadSettings(ctx)
	if err != nil {
		return err
	}
	if err := to.SaveSettings(ctx, settings); err != nil {
		return err
	}
	state, err := from.AppState(ctx)
	if err != nil || state.LastModel == "" {
		return err
	}
	return to.SetLastModel(ctx, state.LastEndpointID, state.LastModel)
}

// chooseModel picks the model: -e names an endpoint by id or name, -m a
// model; without them, the model a new conversation starts with in the window.
func chooseModel(ctx context.Context, registry *endpoints.Registry, chooser selection.Chooser, endpoint, model string) (endpoints.Selection, error) {
	if endpoint == "" && model == "" {
		sel, err := chooser.Default(ctx)
		if err == nil && sel.Model == "" {
			err = i18n.New("CLI.noModel")
		}
		return sel, err
	}
	statuses, err := registry.Survey(ctx)
	if err != nil {
		return endpoints.Selection{}, err
	}
	var names []string
	for _, st := range statuses {
		e := st.Endpoint
		if endpoint != "" && e.ID != endpoint && !strings.EqualFold(e.Name, endpoint) {
			continue
		}
		names = append(names, e.Name)
		if model == "" && len(st.Models) > 0 {
			return endpoints.Selection{EndpointID: e.ID, Model: st.Models[0].Name}, nil
		}
		for _, m := range st.Models {
			if m.Name == model || m.Name == model+":latest" {
				return endpoints.Selection{EndpointID: e.ID, Model: m.Name}, nil
			}
		}
		if model != "" && endpoint != "" {
			// A model the server does not list may still be there.
			return endpoints.Selection{EndpointID: e.ID, Model: model}, nil
		}
	}
	switch {
	case endpoint != "" && len(names) == 0:
		return endpoints.Selection{}, i18n.Errorf("CLI.noEndpoint", i18n.Args{"Name": strconv.Quote(endpoint)})
	case model != "":
		return endpoints.Selection{}, i18n.Errorf("CLI.noEndpointForModel", i18n.Args{"Model": strconv.Quote(model)})
	}
	return endpoints.Selection{}, i18n.Errorf("CLI.endpointNoModel", i18n.Args{"Name": strconv.Quote(endpoint)})
}

// answerWriter is the engine's emitter for `brook ask`: the answer's text
// goes to standard output as it streams, its reasoning to standard error
// (unless hidden), and what it waits for or how it recovers to standard
// error, only when standard output is a terminal.
type answerWriter struct {
	env       Env
	thinking  bool
	tty       bool // standard output is a terminal: progress and colour
	errTTY    bool
	mu        sync.Mutex
	answer    int64
	printed   strings.Builder // what went to standard output
	thought   bool            // reasoning was written
	lastEvent events.StreamEvent
	early     []events.StreamEvent // events before follow named the answer
	done      chan struct{}
	closeOnce sync.Once
}

func newAnswerWriter(env Env, thinking bool) *answerWriter {
	return &answerWriter{env: env, thinking: thinking, tty: isTerminal(env.Stdout), errTTY: isTerminal(env.Stderr), done: make(chan struct{})}
}

// follow names the answer to write, and writes what of it came before;
// events of other answers are not ours.
func (w *answerWriter) follow(id int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.answer = id
	for _, ev := range w.early {
		if ev.MessageID == id {
			w.write(ev)
		}
	}
	w.early = nil
}

// Emit implements [events.Emitter]. The relay emits from one goroutine per
// answer, in order.
func (w *answerWriter) Emit(name string, payload any) {
	ev, ok := payload.(events.StreamEvent)
	if name != events.StreamEventName || !ok {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.answer == 0:
		w.early = append(w.early, ev)
	case ev.MessageID == w.answer:
		w.write(ev)
	}
}

// write writes one event of the answer.
func (w *answerWriter) write(ev events.StreamEvent) {
	w.lastEvent = ev
	if ev.Reasoning != "" && w.thinking {
		if !w.thought && w.errTTY {
			io.WriteString(w.env.Stderr, dim(i18n.T("CLI.thinking", nil)+"\n", w.errTTY))
		}
		w.thought = true
		io.WriteString(w.env.Stderr, dim(ev.Reasoning, w.errTTY))
	}
	if ev.Text != "" {
		if w.thought && w.printed.Len() == 0 {
			io.WriteString(w.env.Stderr, "\n")
		}
		io.WriteString(w.env.Stdout, ev.Text)
		w.printed.WriteString(ev.Text)
	}
	if ev.Phase == events.PhaseRecovering && w.tty {
		fmt.Fprintf(w.env.Stderr, "\n%s\n", dim(i18n.T("CLI.recovering", i18n.Args{"Reason": ev.Reason}), w.errTTY))
	}
	if ev.Phase == events.PhaseFinal {
		w.closeOnce.Do(func() { close(w.done) })
	}
}

// final is the answer as stored: the final event's, or read back.
func (w *answerWriter) final(ctx context.Context, st *store.Store) (store.Message, error) {
	w.mu.Lock()
	ev := w.lastEvent
	w.mu.Unlock()
	if ev.Message != nil {
		return *ev.Message, nil
	}
	return st.GetMessage(ctx, ev.MessageID)
}

// finish writes what the stream did not bring of the stored answer (an
// answer asked again whole replaces what streamed before), and ends the
// line on a terminal.
func (w *answerWriter) finish(final store.Message) {
	w.mu.Lock()
	defer w.mu.Unlock()
	printed := w.printed.String()
	switch {
	case strings.HasPrefix(final.Content, printed):
		io.WriteString(w.env.Stdout, final.Content[len(printed):])
	case final.Content != "":
		// Asked again from the start: what streamed was a different try.
		fmt.Fprintf(w.env.Stderr, "\n%s\n", dim(i18n.T("CLI.wholeAgain", nil), w.errTTY))
		io.WriteString(w.env.Stdout, final.Content)
	}
	if w.tty && !strings.HasSuffix(final.Content, "\n") {
		io.WriteString(w.env.Stdout, "\n")
	}
	if w.thinking && final.ThinkingMs > 0 && w.errTTY {
		fmt.Fprintln(w.env.Stderr, dim(i18n.T("CLI.thoughtFor", i18n.Args{"Time": (time.Duration(final.ThinkingMs) * time.Millisecond).Round(100 * time.Millisecond).String()}), w.errTTY))
	}
}

// dim greys text on a terminal; elsewhere it is left as it is.
func dim(s string, tty bool) string {
	if !tty || os.Getenv("NO_COLOR") != "" {
		return s
	}
	return "\x1b[2m" + s + "\x1b[0m"
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// readDocuments reads the files of -f as documents, refusing the whole
// command for one that cannot be read, with its reason.
func readDocuments(paths []string) ([]store.Document, error) {
	if len(paths) > documents.MaxDocuments {
		return nil, i18n.Errorf("CLI.tooManyFiles", i18n.Args{"Count": len(paths), "Max": documents.MaxDocuments})
	}
	var docs []store.Document
	for _, path := range paths {
		doc, err := documents.ReadFile(path)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc.Stored())
	}
	return docs, nil
}

// answerEnded says on standard error how an answer that is not whole ended,
// with the reason stored with it.
func answerEnded(final store.Message) string {
	reason := strings.TrimSpace(final.Error)
	switch final.State {
	case store.StateInterrupted:
		return i18n.T("CLI.answerInterrupted", i18n.Args{"Reason": reason})
	case store.StateFailed:
		return i18n.T("CLI.answerFailed", i18n.Args{"Reason": reason})
	}
	return i18n.T("CLI.answerState", i18n.Args{"State": string(final.State), "Reason": reason})
}
