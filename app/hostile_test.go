package app

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"brook/backend/guard"
	"brook/backend/store"
)

// TestHostileInputIsRefusedAndChangesNothing calls every bound method that
// takes input with hostile input: a 10 MB paste, invalid UTF-8, unknown and
// negative ids, enum values Brook does not know, links it must not open,
// and a restore from outside the backups folder. Each returns a plain error,
// and nothing is changed.
func TestHostileInputIsRefusedAndChangesNothing(t *testing.T) {
	ta := newTestApp(t)
	eps, _ := ta.sets.Endpoints()
	if len(eps) != 1 {
		t.Fatalf("endpoints = %+v", eps)
	}
	epID := eps[0].ID
	res := ta.sendAndWait(t, 0, "A first question", epID, "alpha:latest")
	conv, user := res.Conversation.ID, res.User.ID
	// The model's title arrives on its own; wait for it, so only the calls below could change anything.
	ta.waitTitle(t, conv, "Hello! Grüße from the loopback — ünïcödé ✓ done")
	outside := filepath.Join(t.TempDir(), "brook-20240101.db")
	if err := ta.a.store.BackupTo(context.Background(), outside); err != nil {
		t.Fatal(err)
	}
	before := ta.snapshot(t)

	tenMB := strings.Repeat("x", 10<<20)
	const bad = "caf\xe9 \xff"
	const unknown = int64(1) << 40
	saveSettings := func(change func(*store.Settings)) error {
		s := store.DefaultSettings()
		change(&s)
		return ta.sets.Save(s)
	}
	endpoint := func(change func(*store.Endpoint)) store.Endpoint {
		e := eps[0].Endpoint
		change(&e)
		return e
	}
	errOf := func(_ any, err error) error { return err }

	tests := []struct {
		name string
		err  error
		want error  // errors.Is target
		says string // a piece of the message
	}{
		{"send a 10 MB paste", errOf(ta.chat.Send(0, tenMB, epID, "alpha:latest")), guard.ErrInvalid, "That message is 10 MB; Brook sends at most 1 MB at once"},
		{"send a 10 MB paste to a conversation", errOf(ta.chat.Send(conv, tenMB, "", "")), guard.ErrInvalid, "at most 1 MB"},
		{"send invalid UTF-8", errOf(ta.chat.Send(conv, bad, "", "")), guard.ErrInvalid, "not valid text"},
		{"send to a negative conversation", errOf(ta.chat.Send(-1, "hi", "", "")), guard.ErrInvalid, "id -1"},
		{"send to an unknown conversation", errOf(ta.chat.Send(unknown, "hi", "", "")), store.ErrNotFound, "not found"},
		{"send with a hostile model name", errOf(ta.chat.Send(0, "hi", epID, tenMB)), guard.ErrInvalid, "model name"},
		{"send with a hostile endpoint id", errOf(ta.chat.Send(0, "hi", "ep\n", "m")), guard.ErrInvalid, "no endpoint"},
		{"stop answer 0", ta.chat.Stop(0), guard.ErrInvalid, "id 0"},
		{"stop an unknown answer", ta.chat.Stop(unknown), store.ErrNotFound, "not found"},
		{"ask now for -1", ta.chat.AskNow(-1), guard.ErrInvalid, "id -1"},
		{"retry 0", errOf(ta.chat.Retry(0)), guard.ErrInvalid, "id 0"},
		{"retry an unknown answer", errOf(ta.chat.Retry(unknown)), store.ErrNotFound, "not found"},
		{"continue -1", errOf(ta.chat.Continue(-1)), guard.ErrInvalid, "id -1"},
		{"regenerate 0", errOf(ta.chat.Regenerate(0)), guard.ErrInvalid, "id 0"},
		{"edit message -1", errOf(ta.chat.EditAndResend(-1, "x")), guard.ErrInvalid, "id -1"},
		{"edit with a 10 MB paste", errOf(ta.chat.EditAndResend(user, tenMB)), guard.ErrInvalid, "at most 1 MB"},
		{"edit with invalid UTF-8", errOf(ta.chat.EditAndResend(user, bad)), guard.ErrInvalid, "not valid text"},

		{"list with a negative limit", errOf(ta.convs.List(false, -1, 0)), guard.ErrInvalid, "limit -1"},
		{"list with a negative offset", errOf(ta.convs.List(false, 10, -5)), guard.ErrInvalid, "offset -5"},
		{"list a million", errOf(ta.convs.List(false, 1_000_000, 0)), guard.ErrInvalid, "at most 1,000"},
		{"open 0", errOf(ta.convs.Open(0)), guard.ErrInvalid, "id 0"},
		{"open an unknown conversation", errOf(ta.convs.Open(unknown)), store.ErrNotFound, "not found"},
		{"get message -1", errOf(ta.convs.GetMessage(-1)), guard.ErrInvalid, "id -1"},
		{"rename to 10 MB", ta.convs.Rename(conv, tenMB), guard.ErrInvalid, "at most 500 characters"},
		{"rename to invalid UTF-8", ta.convs.Rename(conv, bad), guard.ErrInvalid, "not UTF-8"},
		{"rename 0", ta.convs.Rename(0, "x"), guard.ErrInvalid, "id 0"},
		{"rename an unknown conversation", ta.convs.Rename(unknown, "x"), store.ErrNotFound, "not found"},
		{"pin -1", ta.convs.SetPinned(-1, true), guard.ErrInvalid, "id -1"},
		{"archive 0", ta.convs.SetArchived(0, true), guard.ErrInvalid, "id 0"},
		{"delete -1", ta.convs.Delete(-1), guard.ErrInvalid, "id -1"},
		{"delete an unknown conversation", ta.convs.Delete(unknown), store.ErrNotFound, "not found"},
		{"restore 0", ta.convs.Restore(0), guard.ErrInvalid, "id 0"},
		{"restore a live conversation", ta.convs.Restore(conv), store.ErrNotFound, "not found"},
		{"half a model", ta.convs.SetModel(conv, epID, ""), guard.ErrInvalid, "both or neither"},
		{"a 10 MB system prompt", ta.convs.SetSystemPrompt(conv, tenMB), guard.ErrInvalid, "at most 256 KB"},
		{"unknown thinking", ta.convs.SetParams(conv, store.Params{Think: "max"}), store.ErrInvalid, "thinking"},
		{"params of -1", ta.convs.SetParams(-1, store.Params{}), guard.ErrInvalid, "id -1"},
		{"a 10 MB draft", ta.convs.SaveDraft(conv, tenMB), guard.ErrInvalid, "That draft is 10 MB"},
		{"an invalid UTF-8 draft", ta.convs.SaveDraft(conv, bad), guard.ErrInvalid, "not valid text"},
		{"a draft for -1", ta.convs.SaveDraft(-1, "x"), guard.ErrInvalid, "id -1"},
		{"delete message 0", errOf(ta.convs.DeleteMessage(0)), guard.ErrInvalid, "id 0"},
		{"delete an unknown message", errOf(ta.convs.DeleteMessage(unknown)), store.ErrNotFound, "not found"},
		{"delete version -1", errOf(ta.convs.DeleteVersion(-1)), guard.ErrInvalid, "id -1"},
		{"show version 0", errOf(ta.convs.ShowVersion(0)), guard.ErrInvalid, "id 0"},
		{"show an unknown version", errOf(ta.convs.ShowVersion(unknown)), store.ErrNotFound, "not found"},
		{"search 10 MB", errOf(ta.convs.Search(tenMB)), guard.ErrInvalid, "at most 4 KB"},
		{"search invalid UTF-8", errOf(ta.convs.Search(bad)), guard.ErrInvalid, "not valid text"},

		{"theme neon", saveSettings(func(s *store.Settings) { s.Theme = "neon" }), guard.ErrInvalid, "theme “neon”"},
		{"timeout 0", saveSettings(func(s *store.Settings) { s.IdleTimeoutSeconds = 0 }), store.ErrInvalid, "from 1 to 3,600 seconds"},
		{"default prompt 10 MB", saveSettings(func(s *store.Settings) { s.SystemPrompt = tenMB }), guard.ErrInvalid, "at most 256 KB"},
		{"default model alone", saveSettings(func(s *store.Settings) { s.DefaultModel = "m" }), guard.ErrInvalid, "both or neither"},
		{"save an unknown endpoint", errOf(ta.sets.SaveEndpoint(endpoint(func(e *store.Endpoint) { e.ID = "gone" }), "", false)), nil, "no longer exists"},
		{"endpoint kind grpc", errOf(ta.sets.SaveEndpoint(endpoint(func(e *store.Endpoint) { e.Kind = "grpc" }), "", false)), guard.ErrInvalid, "endpoint kind “grpc”"},
		{"endpoint name 10 MB", errOf(ta.sets.SaveEndpoint(endpoint(func(e *store.Endpoint) { e.Name = tenMB }), "", false)), guard.ErrInvalid, "at most 200"},
		{"endpoint base URL ftp", errOf(ta.sets.SaveEndpoint(endpoint(func(e *store.Endpoint) { e.BaseURL = "ftp://host" }), "", false)), store.ErrInvalid, "http"},
		{"endpoint server kind", errOf(ta.sets.SaveEndpoint(endpoint(func(e *store.Endpoint) { e.ServerKind = "lmstudio" }), "", false)), guard.ErrInvalid, "lmstudio"},
		{"endpoint parallel -3", errOf(ta.sets.SaveEndpoint(endpoint(func(e *store.Endpoint) { e.MaxParallel = -3 }), "", false)), store.ErrInvalid, "Parallel requests must be from 0"},
		{"api key with a space", errOf(ta.sets.SaveEndpoint(eps[0].Endpoint, "sk abc", false)), guard.ErrInvalid, "Paste the key alone"},
		{"new key and clear key", errOf(ta.sets.SaveEndpoint(eps[0].Endpoint, "sk-abc", true)), nil, "not both"},
		{"delete no endpoint", ta.sets.DeleteEndpoint(""), guard.ErrInvalid, "No endpoint"},
		{"delete an unknown endpoint", ta.sets.DeleteEndpoint("nope"), store.ErrNotFound, "not found"},
		{"restore from outside the backups", ta.sets.RestoreBackup(outside), store.ErrInvalid, "not one of Brook's backups"},
		{"restore the database itself", ta.sets.RestoreBackup(ta.a.layout.Database), store.ErrInvalid, "not one of Brook's backups"},
		{"restore through ..", ta.sets.RestoreBackup(filepath.Join(ta.a.layout.Backups, "..", "brook.db")), store.ErrInvalid, "not one of Brook's backups"},
		{"restore a relative path", ta.sets.RestoreBackup("backups/brook-20240101.db"), guard.ErrInvalid, "not a full path"},

		{"export id 0", errOf(ta.trans.Export([]int64{0}, "markdown", false)), guard.ErrInvalid, "id 0"},
		{"export pdf", errOf(ta.trans.Export(nil, "pdf", true)), guard.ErrInvalid, "“pdf” is not one of markdown, json, html"},
		{"export an unknown conversation", errOf(ta.trans.Export([]int64{unknown}, "json", false)), store.ErrNotFound, "not found"},
		{"open a file link", ta.sys.OpenURL("file:///etc/passwd"), guard.ErrInvalid, "only opens web and mail links"},
		{"open a javascript link", ta.sys.OpenURL("javascript:alert(1)"), guard.ErrInvalid, "only opens web and mail links"},
		{"open a link with a password", ta.sys.OpenURL("https://me:pw@example.com"), guard.ErrInvalid, "user name or password"},
		{"open a 10 MB link", ta.sys.OpenURL("https://example.com/" + tenMB), guard.ErrInvalid, "at most 8 KB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("accepted")
			}
			if tt.want != nil && !errors.Is(tt.err, tt.want) {
				t.Errorf("error %v is not %v", tt.err, tt.want)
			}
			if !strings.Contains(tt.err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", tt.err, tt.says)
			}
			if len(tt.err.Error()) > 400 {
				t.Errorf("the error is %d bytes long", len(tt.err.Error()))
			}
		})
	}
	if after := ta.snapshot(t); after != before {
		t.Fatalf("refused calls changed something:\nbefore %.600s\nafter  %.600s", before, after)
	}
	if active := ta.a.engine.Active(); len(active) != 0 {
		t.Fatalf("answers started: %v", active)
	}
}
