package e2e

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

// TestProjectInstructionsAndMoveOut makes a project with instructions through
// the window's New project dialog, starts a chat in it from the project's
// menu and asks a question: the request the server gets opens with a system
// message carrying the project's instructions. A chat moved into the
// project by its menu and out again ends outside any project.
func TestProjectInstructionsAndMoveOut(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Answer: "About 1 to 2 metres."})
	defer srv.Close()
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "pose:projects=out"})
	app.waitPose(90 * time.Second)
	app.screenshot("projects-moved-out")

	const instructions = "Always give sizes in centimetres." // testmode/projects.ts POSE_PROJECT
	var asked map[string]any
	for _, r := range srv.ChatRequests(true) {
		msgs := r.Body["messages"].([]any)
		last := msgs[len(msgs)-1].(map[string]any)
		if last["content"] == "How tall do tomato plants grow?" {
			asked = msgs[0].(map[string]any)
		}
	}
	if asked == nil {
		t.Fatal("the server got no request with the question asked in the project")
	}
	if asked["role"] != "system" || !strings.Contains(asked["content"].(string), instructions) {
		t.Fatalf("the request's first message is %v; want a system message with the project's instructions", asked)
	}

	db := openDB(t, app.dbPath())
	rows, err := db.Query(`SELECT p.name FROM conversations c LEFT JOIN projects p ON p.id = c.project_id
		WHERE c.deleted_at IS NULL ORDER BY c.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var project sql.NullString
		if err := rows.Scan(&project); err != nil {
			t.Fatal(err)
		}
		got = append(got, project.String)
	}
	if len(got) != 2 || got[0] != "" || got[1] != "Garden" {
		t.Fatalf("projects of the two chats, oldest first: %q; want the first moved out and the second in Garden", got)
	}
	app.quit()
}
