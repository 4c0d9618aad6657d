package windowbench

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"brook/backend/providertest"
)

// longMarkdown returns a Markdown answer of at least minTokens tokens of 4
// characters: sections of paragraphs, lists, code blocks, tables, quotes
// and math, each a little different, ending at a section's end.
func longMarkdown(minTokens int) string {
	var b strings.Builder
	for i := 1; b.Len() < minTokens*4; i++ {
		b.WriteString(section(i))
	}
	return b.String()
}

func section(i int) string {
	langs := []string{"go", "python", "typescript", "rust", "sql"}
	var b strings.Builder
	fmt.Fprintf(&b, "## Part %d: streaming, rendering and recovery\n\n", i)
	fmt.Fprintf(&b, "Part %d looks at how an answer arrives. Each **token** is a few characters, and the window shows it as soon as it can, "+
		"with _emphasis_, `inline code` and a [link to the notes](https://example.com/notes/%d) along the way. "+
		"A long answer should cost no more per token at its end than at its start.\n\n", i, i)
	switch i % 5 {
	case 0:
		fmt.Fprintf(&b, "- The model writes token %d.\n- Brook relays it as a small event.\n  - The event carries only the new text.\n  - The whole message is fetched once, at the end.\n- The window renders what changed.\n\n", i*10)
	case 1:
		fmt.Fprintf(&b, "1. Open the stream for request %d.\n2. Read each line and check the end marker.\n3. Checkpoint the text every second.\n4. Recover a broken stream by continuing it.\n\n", i)
	case 2:
		fmt.Fprintf(&b, "| Step | What happens | Cost |\n|---|---|---|\n| %d | A token arrives | small |\n| %d | The text is parsed | grows? |\n| %d | The page is painted | per frame |\n\n", i, i+1, i+2)
	case 3:
		fmt.Fprintf(&b, "> Answers are checkpointed while they stream, so part %d survives a crash.\n\n", i)
	case 4:
		fmt.Fprintf(&b, "The area of a circle of radius $r_{%d}$ is $A = \\pi r^2$, and\n\n$$\n\\int_0^{%d} x^2\\,dx = \\frac{%d^3}{3}\n$$\n\n", i, i, i)
	}
	switch lang := langs[i%len(langs)]; lang {
	case "go":
		fmt.Fprintf(&b, "```go\nfunc part%d(tokens []string) int {\n\tn := 0\n\tfor _, t := range tokens {\n\t\tn += len(t)\n\t}\n\treturn n * %d\n}\n```\n\n", i, i)
	case "python":
		fmt.Fprintf(&b, "```python\ndef part_%d(tokens):\n    return sum(len(t) for t in tokens) * %d\n```\n\n", i, i)
	case "typescript":
		fmt.Fprintf(&b, "```typescript\nexport function part%d(tokens: string[]): number {\n  return tokens.reduce((n, t) => n + t.length, 0) * %d;\n}\n```\n\n", i, i)
	case "rust":
		fmt.Fprintf(&b, "```rust\nfn part_%d(tokens: &[&str]) -> usize {\n    tokens.iter().map(|t| t.len()).sum::<usize>() * %d\n}\n```\n\n", i, i)
	case "sql":
		fmt.Fprintf(&b, "```sql\nSELECT id, length(content) * %d AS cost\nFROM messages\nWHERE conversation_id = %d;\n```\n\n", i, i)
	}
	return b.String()
}

// tokensOf splits a Markdown answer into tokens of 4 characters.
func tokensOf(s string) []string { return providertest.SplitTokens(s, 4) }

// countingProxy forwards everything to a model server and counts the lines
// of streamed chat answers, calling back when a count is reached, so CPU can
// be read as the answer passes its quarters.
type countingProxy struct {
	URL string
	srv *httptest.Server

	mu      sync.Mutex
	marks   []int // line counts still to be reached, ascending
	onMark  func(i int)
	next    int // index of the next mark
	lines   int
	first   time.Time // the first line of the watched answer
	last    time.Time // its latest line
	maxGap  time.Duration
	watched bool
}

func newCountingProxy(target string) *countingProxy {
	u, _ := url.Parse(target)
	p := &countingProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.FlushInterval = -1 // forward every write at once, as a stream
	rp.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.URL.Path == "/api/chat" {
			resp.Body = &countingBody{rc: resp.Body, p: p}
		}
		return nil
	}
	p.srv = httptest.NewServer(rp)
	p.URL = p.srv.URL
	return p
}

// watch makes the next streamed lines call onMark(i) when the answer's line
// count reaches marks[i].
func (p *countingProxy) watch(marks []int, onMark func(i int)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.marks, p.onMark, p.next, p.lines, p.watched = marks, onMark, 0, 0, true
	p.first, p.last, p.maxGap = time.Time{}, time.Time{}, 0
}

// longestGap is the longest pause between two lines of the watched answer.
func (p *countingProxy) longestGap() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.maxGap
}

// span is the time from the watched answer's first line to its last.
func (p *countingProxy) span() (time.Duration, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last.Sub(p.first), p.lines
}

func (p *countingProxy) saw(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.watched {
		return
	}
	for _, c := range b {
		if c != '\n' {
			continue
		}
		p.lines++
		now := time.Now()
		if p.lines == 1 {
			p.first = now
		} else {
			p.maxGap = max(p.maxGap, now.Sub(p.last))
		}
		p.last = now
		for p.next < len(p.marks) && p.lines >= p.marks[p.next] {
			p.onMark(p.next)
			p.next++
		}
	}
}

func (p *countingProxy) Close() {
	p.srv.CloseClientConnections()
	p.srv.Close()
}

type countingBody struct {
	rc io.ReadCloser
	p  *countingProxy
}

func (b *countingBody) Read(buf []byte) (int, error) {
	n, err := b.rc.Read(buf)
	b.p.saw(buf[:n])
	return n, err
}

func (b *countingBody) Close() error { return b.rc.Close() }
