package e2e

import (
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

// TestAssistantsAndKeyboardMoves saves a chat as an assistant from its
// menu and starts a new chat from it (testmode/assistants.ts): the request
// of the new chat carries the assistant's instructions, the chat records
// the assistant it began from, and its header says so. Then, with key
// presses alone, a chat goes into a project through its menu (typeahead
// to "Move to project…"), and two chats are chosen (Select…, Space) and
// moved into the project at once.
func TestAssistantsAndKeyboardMoves(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Answer: "In early spring."})
	defer srv.Close()
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "pose:assistants"})
	app.waitPose(120 * time.Second)
	app.screenshot("assistant-chat-origin")

	const prompt = "You are a patient gardener. Answer in one sentence." // testmode/assistants.ts POSE_ASSISTANT
	var system string
	for _, r := range srv.ChatRequests(true) {
		msgs := r.Body["messages"].([]any)
		if msgs[len(msgs)-1].(map[string]any)["content"] == "When do I sow carrots?" {
			if first := msgs[0].(map[string]any); first["role"] == "system" {
				system, _ = first["content"].(string)
			}
		}
	}
	if !strings.Contains(system, prompt) {
		t.Fatalf("the chat from the assistant was sent the system prompt %q; want the assistant's instructions", system)
	}
	db := openDB(t, app.dbPath())
	var assistant string
	if err := db.QueryRow(`SELECT assistant_name FROM conversations WHERE title LIKE '%carrots%' OR id = (SELECT max(id) - 1 FROM conversations)`).Scan(&assistant); err != nil || assistant != "Gardener" {
		t.Fatalf("the chat started from the assistant records %q (%v); want Gardener", assistant, err)
	}

	k := &keyboard{t: t, app: app}
	xdotool(t, "mousemove", "640", "300") // X focus follows the pointer; nothing is clicked
	k.waitFocus("conversation-open")
	// One chat into the project by its menu: ⋯, Enter, "m" (Move to
	// project…), Enter, Down to the project, Enter.
	k.press("Tab")
	k.waitFocus("conversation-menu")
	k.press("Return")
	k.waitFocus("Rename")
	if got := k.press("m"); !strings.Contains(got, "Move to project") {
		t.Fatalf("typing m in the menu focused %q; want Move to project…", got)
	}
	k.press("Return")
	k.waitFocus("← Move to project")
	if got := k.press("Down"); !strings.Contains(got, "Garden") {
		t.Fatalf("Down on the move page focused %q; want the project Garden", got)
	}
	k.press("Return")
	projectOf := func(where string) []string {
		t.Helper()
		rows, err := db.Query(`SELECT coalesce(p.name, '') FROM conversations c LEFT JOIN projects p ON p.id = c.project_id
			WHERE c.deleted_at IS NULL ` + where + ` ORDER BY c.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var name sql.NullString
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			out = append(out, name.String)
		}
		return out
	}
	waitFor(t, 10*time.Second, "the first chat in Garden", func() bool { return projectOf("")[0] == "Garden" })

	// Two chats chosen and moved at once. From the message box, Shift+Tab
	// back to the last chat listed; Select… in its menu, then Space on the
	// chat above it.
	k.press("ctrl+l")
	k.waitFocus("composer")
	// Chats are titled by the server's answer here, so rows are told apart
	// by their place: going back, the first row is the last chat listed.
	backTo(k, "conversation-open", 60)
	k.press("Tab") // its ⋯
	k.press("Return")
	k.waitFocus("Rename")
	if got := k.press("s"); !strings.Contains(got, "Select") {
		t.Fatalf("typing s in the menu focused %q; want Select…", got)
	}
	k.press("Return")
	k.waitFocus("conversation-menu")
	k.press("shift+Tab") // its row
	k.press("shift+Tab") // the chat above: its ⋯
	if got := k.press("shift+Tab"); !strings.Contains(got, "conversation-open") {
		t.Fatalf("focus is on %q; want the row of the chat above", got)
	}
	k.press("space")
	backTo(k, "selection-move", 30)
	k.press("Return")
	k.waitFocus("selection-move-target")
	k.press("Return")
	waitFor(t, 10*time.Second, "all three chats in Garden", func() bool {
		got := projectOf("")
		return len(got) == 3 && got[0] == "Garden" && got[1] == "Garden" && got[2] == "Garden"
	})
	// The list refreshes after the move: the selection bar goes, and the
	// rows settle where the drag below expects them.
	time.Sleep(1500 * time.Millisecond)
	app.screenshot("projects-keyboard-moved")

	// Drag and drop with the mouse: the first chat of Garden (open, its
	// rows from y≈258, 35 px apart) dragged below the project, onto the
	// chats outside any project, leaves Garden.
	outside := func() bool {
		n := 0
		for _, p := range projectOf("") {
			if p == "" {
				n++
			}
		}
		return n == 1
	}
	// GTK starts a drag after a few motion events past its threshold; on a
	// busy machine they are given time, and a drag GTK missed is tried again.
	for attempt := 0; attempt < 3 && !outside(); attempt++ {
		xdotool(t, "mousemove", "120", "258", "mousedown", "1")
		time.Sleep(200 * time.Millisecond)
		for y := 262; y <= 372; y += 10 {
			xdotool(t, "mousemove", "120", strconv.Itoa(y))
			time.Sleep(80 * time.Millisecond)
		}
		// A few moves over the target, so WebKit sends it dragover.
		for _, x := range []string{"124", "128", "124", "120"} {
			xdotool(t, "mousemove", x, "370")
			time.Sleep(100 * time.Millisecond)
		}
		xdotool(t, "mouseup", "1")
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) && !outside() {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if !outside() {
		t.Fatal("a chat dragged out of Garden is still in it")
	}
	app.screenshot("projects-dragged-out")
	app.quit()
}

// backTo presses Shift+Tab until focus is on something whose mark
// contains want.
func backTo(k *keyboard, want string, max int) {
	k.t.Helper()
	var path []string
	for range max {
		got := k.press("shift+Tab")
		if strings.Contains(got, want) {
			return
		}
		path = append(path, got)
	}
	k.t.Fatalf("Shift+Tab never reached %q; focus went %s", want, strings.Join(path, " → "))
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}
