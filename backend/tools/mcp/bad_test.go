package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"brook/backend/store"
	"brook/backend/tools"
)

// toolOf finds a tool in what Available returned.
func toolOf(t *testing.T, list []tools.Tool, serverID, name string) tools.Tool {
	t.Helper()
	for _, x := range list {
		if x.ServerID == serverID && x.Name == name {
			return x
		}
	}
	t.Fatalf("no tool %q of server %s in %+v", name, serverID, list)
	return tools.Tool{}
}

// viewOf returns one server as Settings sees it.
func (h *harness) viewOf(id string) ServerView {
	h.t.Helper()
	list, err := h.m.Servers(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	for _, v := range list {
		if v.ID == id {
			return v
		}
	}
	h.t.Fatalf("no server %s", id)
	return ServerView{}
}

func TestACommandThatDoesNotExistFailsWithTheReason(t *testing.T) {
	h := newHarness(t, Config{})
	ts := h.add(store.ToolServer{Name: "Missing", Kind: store.ToolServerStdio, Command: "/nonexistent/brook-no-such-mcp-server"}, nil)
	_, err := h.m.Available(context.Background())
	if !errors.Is(err, ErrStart) {
		t.Fatalf("Available = %v, want ErrStart", err)
	}
	v := h.viewOf(ts.ID)
	if v.State != Failed || !strings.Contains(v.Reason, "was not found") {
		t.Fatalf("state %s, reason %q; want failed, not found", v.State, v.Reason)
	}
}

func TestAServerThatExitsAtOnceShowsItsStderr(t *testing.T) {
	h := newHarness(t, Config{})
	ts, _ := h.addFake("Exits", "exit")
	v, err := h.m.Test(context.Background(), ts.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.State != Failed || !strings.Contains(v.Reason, "exit status 2") {
		t.Fatalf("state %s, reason %q; want failed with the exit status", v.State, v.Reason)
	}
	if !strings.Contains(strings.Join(v.Stderr, "\n"), "cannot read the configuration file") {
		t.Fatalf("stderr = %q", v.Stderr)
	}
}

func TestMalformedJSONRPCFailsTheServerClearly(t *testing.T) {
	h := newHarness(t, Config{})
	ts, _ := h.addFake("Garbled", "malformed")
	_, err := h.m.Available(context.Background())
	var se *ServerError
	if !errors.As(err, &se) || !errors.Is(err, ErrProtocol) {
		t.Fatalf("Available = %v, want a *ServerError of kind ErrProtocol", err)
	}
	if v := h.viewOf(ts.ID); v.State != Failed || !strings.Contains(v.Reason, "JSON") {
		t.Fatalf("state %s, reason %q", v.State, v.Reason)
	}
}

func TestInvalidSchemaIsRefusedAndNotOffered(t *testing.T) {
	h := newHarness(t, Config{})
	ts, _ := h.addFake("Fake", "ok")
	list, err := h.m.Available(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range list {
		if x.Name == "bad" {
			t.Fatalf("the tool with an invalid schema was offered: %+v", x)
		}
	}
	toolOf(t, list, ts.ID, "record")
	v := h.viewOf(ts.ID)
	var refused string
	for _, x := range v.Tools {
		if x.Name == "bad" {
			refused = x.Refused
		}
	}
	if !strings.Contains(refused, "not valid JSON Schema") {
		t.Fatalf("Settings says of the bad tool: %q", refused)
	}
	_, err = h.m.Run(context.Background(), tools.Tool{ServerID: ts.ID, ServerName: ts.Name, Name: "bad"}, json.RawMessage(`{}`))
	if !errors.Is(err, ErrToolRefused) {
		t.Fatalf("running the bad tool = %v, want ErrToolRefused", err)
	}
}

func TestArgumentsThatDoNotMatchRunNothing(t *testing.T) {
	h := newHarness(t, Config{})
	ts, log := h.addFake("Fake", "ok")
	list, err := h.m.Available(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	record := toolOf(t, list, ts.ID, "record")
	for _, args := range []string{`{}`, `{"word":7}`, `{"word":""}`, `{"word":"x","extra":1}`, `[1,2]`, `not json`} {
		_, err := h.m.Run(context.Background(), record, json.RawMessage(args))
		var ae *tools.ArgumentsError
		if !errors.As(err, &ae) || ae.Tool != "record" || ae.Reason == "" {
			t.Fatalf("Run(%s) = %v, want a *tools.ArgumentsError", args, err)
		}
	}
	if data, err := os.ReadFile(log); err == nil && len(data) > 0 {
		t.Fatalf("a call with bad arguments ran: %s", data)
	}
	res, err := h.m.Run(context.Background(), record, json.RawMessage(`{"word":"hello"}`))
	if err != nil || res.Text != "recorded" {
		t.Fatalf("Run with good arguments = %+v, %v", res, err)
	}
	if data, _ := os.ReadFile(log); strings.TrimSpace(string(data)) != `{"word":"hello"}` {
		t.Fatalf("the server recorded %q", data)
	}
}

func TestAServerThatCrashesMidCallIsRestartedWithinItsBudget(t *testing.T) {
	clock := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	h := newHarness(t, Config{MaxStarts: 2, Now: func() time.Time { return clock }})
	ts, _ := h.addFake("Fragile", "ok")
	list, err := h.m.Available(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	crash, record := toolOf(t, list, ts.ID, "crash"), toolOf(t, list, ts.ID, "record")
	_, err = h.m.Run(context.Background(), crash, nil)
	if !errors.Is(err, ErrCrashed) {
		t.Fatalf("a crash mid-call = %v, want ErrCrashed", err)
	}
	v := h.viewOf(ts.ID)
	if v.State != Failed || !strings.Contains(strings.Join(v.Stderr, "\n"), "crashed on purpose") {
		t.Fatalf("after the crash: state %s, reason %q, stderr %q", v.State, v.Reason, v.Stderr)
	}
	// The next call starts it again (the second start of two allowed).
	if res, err := h.m.Run(context.Background(), record, json.RawMessage(`{"word":"again"}`)); err != nil || res.Text != "recorded" {
		t.Fatalf("the call after a crash = %+v, %v", res, err)
	}
	if _, err := h.m.Run(context.Background(), crash, nil); !errors.Is(err, ErrCrashed) {
		t.Fatalf("second crash = %v", err)
	}
	// A third start within the minute is refused, and says why.
	_, err = h.m.Run(context.Background(), record, json.RawMessage(`{"word":"third"}`))
	if !errors.Is(err, ErrRestartLimit) || !strings.Contains(err.Error(), "crashed") && !strings.Contains(err.Error(), "exit") {
		t.Fatalf("a third start within a minute = %v, want ErrRestartLimit with the last failure", err)
	}
	// A minute later it may start again.
	clock = clock.Add(restartWindow + time.Second)
	if _, err := h.m.Run(context.Background(), record, json.RawMessage(`{"word":"later"}`)); err != nil {
		t.Fatalf("a call a minute later = %v", err)
	}
}

func TestAHugeResultFailsTheCallNotBrook(t *testing.T) {
	h := newHarness(t, Config{})
	ts, _ := h.addFake("Huge", "ok", "BROOK_MCP_FAKE_SIZE", "50000000")
	list, err := h.m.Available(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.m.Run(context.Background(), toolOf(t, list, ts.ID, "big"), nil)
	if !errors.Is(err, ErrReplyTooLarge) || !strings.Contains(err.Error(), "16 MiB") {
		t.Fatalf("a 50 MB result = %v, want ErrReplyTooLarge", err)
	}
	// The server is started again for the next call.
	if res, err := h.m.Run(context.Background(), toolOf(t, list, ts.ID, "record"), json.RawMessage(`{"word":"after"}`)); err != nil || res.Text != "recorded" {
		t.Fatalf("the call after the huge one = %+v, %v", res, err)
	}
}

func TestALargeResultIsCutAndTheCutSaid(t *testing.T) {
	h := newHarness(t, Config{})
	ts, _ := h.addFake("Large", "ok", "BROOK_MCP_FAKE_SIZE", "300000")
	list, err := h.m.Available(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.m.Run(context.Background(), toolOf(t, list, ts.ID, "big"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Truncated || res.FullBytes != 300000 || len(res.Text) > DefaultMaxResult+len("…") || len(res.Text) < DefaultMaxResult-4 {
		t.Fatalf("result: truncated %v, full %d, kept %d bytes", res.Truncated, res.FullBytes, len(res.Text))
	}
}
