package chat

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"brook/backend/providertest"
	"brook/backend/store"
)

// testPNG is a small PNG whose bytes differ by seed.
func testPNG(t *testing.T, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(0, 0, color.RGBA{seed, 1, 2, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestImagesReachVisionModel: the bytes of a message's images reach the
// model on both wire protocols; a second turn sends the first turn's images
// again with its own; the images are stored with the message.
func TestImagesReachVisionModel(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			srv := p.newServer(providertest.Script{Models: []string{"tiny:latest", providertest.VisionModel}})
			defer srv.Close()
			h := newHarness(t, fixedProviders{"ep": p.newClient(srv.URL)})
			ctx := context.Background()
			a, b, c := testPNG(t, 1), testPNG(t, 2), testPNG(t, 3)
			img := func(name string, data []byte) store.Image {
				return store.Image{Name: name, MIME: "image/png", Width: 3, Height: 2, Data: data}
			}

			res, err := h.engine.Send(ctx, SendRequest{Text: "what is this?", EndpointID: "ep", Model: providertest.VisionModel,
				Images: []store.Image{img("a.png", a), img("b.png", b)}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.User.Images) != 2 || res.User.Images[0].Name != "a.png" || res.User.Images[0].Data != nil || res.User.Images[0].ID == 0 {
				t.Fatalf("user images = %+v", res.User.Images)
			}
			h.engine.Wait(res.Answer.ID)
			if got, want := h.answer(res.Answer.ID).Content, providertest.VisionAnswer([][]byte{a, b}); got != want {
				t.Fatalf("first answer = %q, want %q", got, want)
			}

			res2, err := h.engine.Send(ctx, SendRequest{ConversationID: res.Conversation.ID, Text: "and this?", Images: []store.Image{img("c.png", c)}})
			if err != nil {
				t.Fatal(err)
			}
			h.engine.Wait(res2.Answer.ID)
			if got, want := h.answer(res2.Answer.ID).Content, providertest.VisionAnswer([][]byte{a, b, c}); got != want {
				t.Fatalf("second answer = %q, want %q", got, want)
			}

			msgs, err := h.store.Messages(ctx, res.Conversation.ID)
			if err != nil || len(msgs) != 4 || len(msgs[0].Images) != 2 || len(msgs[2].Images) != 1 || msgs[1].Images != nil {
				t.Fatalf("messages = %+v, %v", msgs, err)
			}

			// Editing the first message keeps its images in the new version.
			fork, err := h.engine.EditAndResend(ctx, res.User.ID, "look again")
			if err != nil {
				t.Fatal(err)
			}
			h.engine.Wait(fork.Answer.ID)
			if len(fork.User.Images) != 2 {
				t.Fatalf("fork user images = %+v", fork.User.Images)
			}
			if got, want := h.answer(fork.Answer.ID).Content, providertest.VisionAnswer([][]byte{a, b}); got != want {
				t.Fatalf("fork answer = %q, want %q", got, want)
			}
		})
	}
}

// TestImagesRefusedForBlindModel: a model whose server lists its
// capabilities without "vision" is refused before anything is stored or
// sent; an OpenAI-compatible server says nothing, so the images go.
func TestImagesRefusedForBlindModel(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{})
	defer srv.Close()
	h := newHarness(t, fixedProviders{"ep": protocols[0].newClient(srv.URL)})
	ctx := context.Background()
	conv, err := h.store.CreateConversation(ctx, store.Conversation{Title: "t", EndpointID: "ep", Model: "tiny:latest"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.engine.Send(ctx, SendRequest{ConversationID: conv.ID, Text: "see?",
		Images: []store.Image{{Name: "a.png", MIME: "image/png", Data: testPNG(t, 1)}}})
	const want = "tiny:latest cannot see images: its server lists what it can do as completion. Pick a model that can see images, or remove the images."
	if !errors.Is(err, ErrNoVision) || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if msgs, _ := h.store.Messages(ctx, conv.ID); len(msgs) != 0 {
		t.Fatalf("stored %d messages", len(msgs))
	}
	if n := len(srv.ChatRequests(true)) + len(srv.ChatRequests(false)); n != 0 {
		t.Fatalf("%d chat requests sent", n)
	}
	// A new conversation is not created either.
	if list, _ := h.store.ListConversations(ctx, store.ListOptions{}); len(list) != 1 {
		t.Fatalf("conversations = %d", len(list))
	}
	if _, err := h.engine.Send(ctx, SendRequest{Text: "see?", EndpointID: "ep", Model: "tiny:latest",
		Images: []store.Image{{Name: "a.png", MIME: "image/png", Data: testPNG(t, 1)}}}); !errors.Is(err, ErrNoVision) {
		t.Fatalf("new conversation: err = %v", err)
	}
	if list, _ := h.store.ListConversations(ctx, store.ListOptions{}); len(list) != 1 {
		t.Fatalf("conversations = %d", len(list))
	}

	// Unknown capabilities (OpenAI-compatible): allowed.
	osrv := providertest.NewOpenAI(providertest.Script{})
	defer osrv.Close()
	h2 := newHarness(t, fixedProviders{"ep": protocols[1].newClient(osrv.URL)})
	res, err := h2.engine.Send(ctx, SendRequest{Text: "see?", EndpointID: "ep", Model: "tiny:latest",
		Images: []store.Image{{Name: "a.png", MIME: "image/png", Data: testPNG(t, 1)}}})
	if err != nil {
		t.Fatal(err)
	}
	h2.engine.Wait(res.Answer.ID)
	reqs := osrv.ChatRequests(true)
	if len(reqs) != 1 || !strings.Contains(fmtBody(reqs[0].Body), "data:image/png;base64,") {
		t.Fatalf("requests = %+v", reqs)
	}
}

func fmtBody(b map[string]any) string {
	var sb strings.Builder
	for _, m := range b["messages"].([]any) {
		if parts, ok := m.(map[string]any)["content"].([]any); ok {
			for _, p := range parts {
				if iu, ok := p.(map[string]any)["image_url"].(map[string]any); ok {
					sb.WriteString(iu["url"].(string))
				}
			}
		}
	}
	return sb.String()
}
