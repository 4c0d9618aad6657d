package chat

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"

	"brook/backend/events"
	"brook/backend/provider"
	"brook/backend/provider/thinktags"
	"brook/backend/store"
)

// TitlePrompt asks a model for a conversation's title. It follows the first
// question and answer as the last user message; it lives here alone.
const TitlePrompt = "Write a title for the conversation above, in at most six words. " +
	"Reply with the title alone: no quotes, no Markdown, no full stop."

// titleMaxTokens caps a title request: a title is a few words, and a small
// cap keeps the request short on a busy local server.
const titleMaxTokens = 12

// titleExcerptRunes is how much of the question and of the answer a title
// request carries: enough to tell the subject, little to read.
const titleExcerptRunes = 2000

// titleTimeout bounds a title request once it is sent.
const titleTimeout = 2 * time.Minute

// titleYields is how many times a title request gives its slot up to the
// user's answers and waits again before Brook keeps the first words.
const titleYields = 3

// errTitleYielded cancels a title request whose slot an answer needs.
var errTitleYielded = errors.New("a title request gave its slot to an answer")

// titleJob is asking for one conversation's title.
type titleJob struct {
	conv     store.Conversation
	expected string // the first-words title it may replace
	req      provider.Request
	endpoint string
}

// maybeTitle starts asking for a title when answer, now stored as final, is
// the whole first answer of conv (history is the conversation up to its
// question), titles are on, and the title is still the automatic one made
// from the first words. Each conversation is asked for at most once per run.
func (e *Engine) maybeTitle(conv store.Conversation, final store.Message, history []store.Message) {
	if !e.cfg.Titles || final.State != store.StateComplete || strings.TrimSpace(final.Content) == "" ||
		len(history) != 1 || history[0].Role != store.RoleUser {
		return
	}
	ctx := e.ctx
	settings, err := e.cfg.Store.LoadSettings(ctx)
	if err != nil || !settings.AutoTitles {
		return
	}
	current, err := e.cfg.Store.GetConversation(ctx, conv.ID)
	if err != nil || !current.TitleIsAuto || !isFirstWordsTitle(current.Title, history[0]) {
		return
	}
	e.mu.Lock()
	if e.closing || e.titled[conv.ID] {
		e.mu.Unlock()
		return
	}
	e.titled[conv.ID] = true
	e.wg.Add(1)
	e.titling.Add(1)
	e.mu.Unlock()

	job := titleJob{conv: current, expected: current.Title, endpoint: final.EndpointID,
		req: titleRequest(final.Model, history[0].Content, final.Content)}
	if settings.TitleEndpointID != "" {
		job.endpoint, job.req.Model = settings.TitleEndpointID, settings.TitleModel
	}
	go func() {
		defer e.wg.Done()
		defer e.titling.Done()
		e.runTitle(job)
	}()
}

// isFirstWordsTitle says whether title is the one Brook made from the
// first question's words (an image alone gives its file's name, which the
// thread does not carry, so any title but the placeholders passes).
func isFirstWordsTitle(title string, question store.Message) bool {
	if strings.TrimSpace(question.Content) == "" {
		return !isPlaceholderTitle(title)
	}
	return title == TitleFrom(question.Content)
}

// titleRequest is the request for a title of the conversation that began
// with question and answer.
func titleRequest(model, question, answer string) provider.Request {
	excerpt := func(s string) string {
		if cut, ok := cutAtWord(strings.TrimSpace(s), titleExcerptRunes); ok {
			return cut + " …"
		}
		return strings.TrimSpace(s)
	}
	return provider.Request{
		Model: model,
		Messages: []provider.Message{
			{Role: string(store.RoleUser), Content: excerpt(question)},
			{Role: string(store.RoleAssistant), Content: excerpt(answer)},
			{Role: string(store.RoleUser), Content: TitlePrompt},
		},
		MaxTokens: titleMaxTokens,
		// A reasoning model would spend the few tokens thinking.
		Think: provider.ThinkOff,
	}
}

// runTitle asks for the title when the endpoint is quiet and stores it in
// place of the first words, unless the user renamed the conversation
// meanwhile. A failure keeps the first words, without a word to the user.
func (e *Engine) runTitle(job titleJob) {
	log := e.cfg.Logger.With("conversation", job.conv.ID)
	client, err := e.cfg.Providers.Client(e.ctx, job.endpoint)
	if err != nil {
		log.Info("no title: no client", "err", err)
		return
	}
	limit := e.profile(e.ctx, job.endpoint).MaxParallel
	var text string
	for yields := 0; ; yields++ {
		var yielded bool
		text, yielded, err = e.askTitle(client, job, limit)
		if !yielded || yields == titleYields {
			break
		}
	}
	if err != nil {
		log.Info("no title: the request failed", "err", err)
		return
	}
	title := cleanTitle(text)
	if title == "" {
		log.Info("no title: the model gave none")
		return
	}
	replaced, err := e.cfg.Store.ReplaceAutoTitle(e.ctx, job.conv.ID, job.expected, title)
	if err != nil {
		log.Warn("storing the title", "err", err)
		return
	}
	if replaced {
		e.cfg.Emitter.Emit(events.ConversationsChangedName, job.conv.ID)
	}
}

// askTitle waits for a quiet slot on the endpoint and sends the title
// request without streaming. yielded says an answer took the slot back.
func (e *Engine) askTitle(client provider.Client, job titleJob, limit int) (text string, yielded bool, err error) {
	ctx, cancel := context.WithCancelCause(e.ctx)
	defer cancel(nil)
	release, err := e.queues.acquireIdle(ctx, job.endpoint, limit, func() { cancel(errTitleYielded) })
	if err != nil {
		return "", false, err
	}
	defer release()
	// The window last asked of the model, as it is sent: another would
	// make Ollama load the model again and lose a window raised for a
	// conversation.
	req := job.req
	req.ContextLength = e.windowOf(job.endpoint, req.Model)
	reqCtx, stop := context.WithTimeout(ctx, titleTimeout)
	defer stop()
	completion, err := client.Complete(reqCtx, req)
	if err != nil && errors.Is(context.Cause(ctx), errTitleYielded) {
		return "", true, err
	}
	return completion.Text, false, err
}

// titleLabels are the labels a model may put before its title.
var titleLabels = []string{"title:", "**title:**", "title -"}

// cleanTitle makes a title of a model's reply: its first line of text,
// without a reasoning block, Markdown, a "Title:" label, quotes or the
// punctuation at its end, cut at a word to at most [titleMaxRunes]
// characters. It is "" when nothing is left.
func cleanTitle(reply string) string {
	var sp thinktags.Splitter
	text, _ := sp.Feed(reply)
	rest, _ := sp.End()
	text += rest
	line := ""
	for l := range strings.Lines(text) {
		if line = strings.TrimSpace(l); line != "" {
			break
		}
	}
	line = strings.NewReplacer("**", "", "__", "", "`", "", "*", "").Replace(line)
	for {
		before := line
		line = strings.TrimLeft(line, "#>-•.,;:!? \t")
		for _, label := range titleLabels {
			if len(line) >= len(label) && strings.EqualFold(line[:len(label)], label) {
				line = line[len(label):]
			}
		}
		line = strings.TrimFunc(line, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("\"'“”‘’«»„_", r) })
		line = strings.TrimRightFunc(line, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(".,;:!?…", r) })
		if line == before {
			break
		}
	}
	words := strings.Fields(line)
	for i, w := range words {
		words[i] = strings.Trim(w, "_") // _emphasis_, but snake_case stays
	}
	line = strings.Join(slices.DeleteFunc(words, func(w string) bool { return w == "" }), " ")
	line, _ = cutAtWord(line, titleMaxRunes)
	return strings.TrimRightFunc(line, func(r rune) bool { return strings.ContainsRune(".,;:!?…-—", r) || unicode.IsSpace(r) })
}

// noteWindow remembers the window (num_ctx, 0 for the server's own) an
// answer last asked of a model.
func (e *Engine) noteWindow(endpointID, model string, contextLength int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.windows == nil {
		e.windows = map[string]int{}
	}
	e.windows[endpointID+"\x00"+model] = contextLength
}

// windowOf is the window an answer last asked of a model.
func (e *Engine) windowOf(endpointID, model string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.windows[endpointID+"\x00"+model]
}
