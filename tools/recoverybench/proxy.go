package main

import (
	"bytes"
	"net"
	"strings"
	"sync"
	"time"
)

// tap is a loopback TCP proxy between Brook's client and a fake server. It
// times what crosses each connection, so the benchmark can tell when a
// request reached the server, when the server last sent anything, and when
// the server cut the connection, without touching either side.
type tap struct {
	ln       net.Listener
	upstream string // host:port

	mu    sync.Mutex
	conns []*tapConn
	wg    sync.WaitGroup
}

// tapConn is what the tap saw of one connection. The fake servers answer
// every chat request with "Connection: close", so each chat request has a
// connection of its own.
type tapConn struct {
	mu         sync.Mutex
	request    []byte    // the start of what the client sent
	requested  time.Time // when the client's first bytes arrived
	lastData   time.Time // when the server last sent bytes
	closed     time.Time // when the server closed the connection (zero if the client went first)
	clientGone bool
}

const requestCap = 64 << 10

// newTap starts a tap in front of baseURL (http://host:port).
func newTap(baseURL string) (*tap, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t := &tap{ln: ln, upstream: strings.TrimPrefix(baseURL, "http://")}
	t.wg.Add(1)
	go t.serve()
	return t, nil
}

// URL is the tap's base URL, for the client.
func (t *tap) URL() string { return "http://" + t.ln.Addr().String() }

func (t *tap) serve() {
	defer t.wg.Done()
	for {
		c, err := t.ln.Accept()
		if err != nil {
			return
		}
		t.wg.Add(1)
		go t.handle(c)
	}
}

func (t *tap) handle(client net.Conn) {
	defer t.wg.Done()
	rec := &tapConn{}
	t.mu.Lock()
	t.conns = append(t.conns, rec)
	t.mu.Unlock()
	server, err := net.Dial("tcp", t.upstream)
	if err != nil {
		client.Close()
		return
	}
	go func() {
		// Client to server.
		buf := make([]byte, 32<<10)
		for {
			n, err := client.Read(buf)
			if n > 0 {
				rec.mu.Lock()
				if rec.requested.IsZero() {
					rec.requested = time.Now()
				}
				if room := requestCap - len(rec.request); room > 0 {
					rec.request = append(rec.request, buf[:min(n, room)]...)
				}
				rec.mu.Unlock()
				if _, werr := server.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				rec.mu.Lock()
				rec.clientGone = true
				rec.mu.Unlock()
				server.Close()
				return
			}
		}
	}()
	// Server to client.
	buf := make([]byte, 32<<10)
	for {
		n, err := server.Read(buf)
		now := time.Now()
		if n > 0 {
			rec.mu.Lock()
			rec.lastData = now
			rec.mu.Unlock()
			client.Write(buf[:n])
		}
		if err != nil {
			rec.mu.Lock()
			if !rec.clientGone {
				rec.closed = now
			}
			rec.mu.Unlock()
			client.Close()
			server.Close()
			return
		}
	}
}

// streamConn returns what the tap saw of the first streaming chat request.
func (t *tap) streamConn() (requested, lastData, closed time.Time, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.conns {
		c.mu.Lock()
		streaming := bytes.Contains(c.request, []byte(`"stream":true`))
		requested, lastData, closed = c.requested, c.lastData, c.closed
		c.mu.Unlock()
		if streaming {
			return requested, lastData, closed, true
		}
	}
	return time.Time{}, time.Time{}, time.Time{}, false
}

// Close stops accepting and waits for the connections to end; close the
// fake server first, so they do.
func (t *tap) Close() {
	t.ln.Close()
	t.wg.Wait()
}
