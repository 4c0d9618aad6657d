package chat

import (
	"context"
	"net"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"brook/backend/provider/ollama"
	"brook/backend/providertest"
	"brook/backend/store"
)

// freezingProxy forwards TCP connections to a server until freeze is
// called: then every connection open at that moment goes silent both ways
// without being closed, as connections do across a sleep of the machine
// (the peer, or a NAT between, has forgotten them). Connections made after
// work as usual. Bytes sent into a frozen connection are counted.
type freezingProxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	conns  []*proxiedConn
	wasted atomic.Int64 // bytes the client sent into frozen connections
}

type proxiedConn struct {
	frozen atomic.Bool
}

func newFreezingProxy(t *testing.T, target string) *freezingProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezingProxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			pc := &proxiedConn{}
			p.mu.Lock()
			p.conns = append(p.conns, pc)
			p.mu.Unlock()
			go p.pipe(pc, client, server, true)
			go p.pipe(pc, server, client, false)
		}
	}()
	return p
}

// pipe copies from src to dst until either closes; once frozen it reads on
// (so the sender sees nothing wrong) and forwards nothing.
func (p *freezingProxy) pipe(pc *proxiedConn, src, dst net.Conn, fromClient bool) {
	defer func() {
		if !pc.frozen.Load() { // a dead connection never says so
			dst.Close()
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if pc.frozen.Load() {
				if fromClient {
					p.wasted.Add(int64(n))
				}
			} else if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *freezingProxy) URL() string { return "http://" + p.ln.Addr().String() }

// freeze makes every connection open now go silent.
func (p *freezingProxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.frozen.Store(true)
	}
}

// TestAStreamThatDiesInASleepIsContinuedOnAFreshConnection: the machine
// sleeps while an answer streams, and every connection open then is dead
// afterwards without knowing it. The stall clock notices the silent stream,
// and the continuation goes out on a new connection: Brook never sends the
// recovery into a dead kept-alive one, where it would wait for nothing.
func TestAStreamThatDiesInASleepIsContinuedOnAFreshConnection(t *testing.T) {
	ctx := context.Background()
	long := "Rivers run to the sea. " + "They carry the mountains down, grain by grain, and never stop. "
	srv := providertest.NewOllama(providertest.Script{Answer: long, Tokens: providertest.SplitTokens(long, 2), TokenDelay: 40 * time.Millisecond})
	defer srv.Close()
	// In front of the fake, a server that keeps connections alive after a
	// stream, as Ollama does (the fake closes them).
	target, _ := url.Parse(srv.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.FlushInterval = -1
	front := httptest.NewServer(rp)
	defer front.Close()
	proxy := newFreezingProxy(t, front.Listener.Addr().String())
	client := ollama.New(proxy.URL())
	h := newHarness(t, fixedProviders{"ep": client})

	// Answers at once leave kept-alive connections behind.
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.send("warm up")
		}()
	}
	wg.Wait()

	res, err := h.engine.Send(ctx, SendRequest{Text: "tell me about rivers", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	for len(h.recorder.StreamEvents(res.Answer.ID)) < 4 {
		time.Sleep(10 * time.Millisecond)
	}
	proxy.freeze() // the machine sleeps; on waking, every old connection is dead
	h.engine.Wait(res.Answer.ID)

	got := h.answer(res.Answer.ID)
	if got.State != store.StateComplete || got.Content != long || !got.Recovered || got.RecoveryMethod != store.RecoveryContinued {
		t.Fatalf("after the sleep the answer is %+v", got)
	}
	if n := proxy.wasted.Load(); n != 0 {
		t.Fatalf("Brook sent %d bytes into connections that died in the sleep", n)
	}
}
