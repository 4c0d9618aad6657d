package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// uiWordPackages are the Go packages (or files) whose words reach the
// window: reason words, errors of bound methods shown as toasts, probe
// results, notices. Paths are from the module's root.
var uiWordPackages = []string{
	"backend/provider", "backend/chat", "backend/documents", "backend/contextwindow",
	"backend/endpoints", "backend/endpoints/kind", "backend/endpoints/kind/ollamakind", "backend/endpoints/kind/openaikind",
	"backend/localmodels", "backend/guard",
	"backend/store/settings.go", "backend/store/projects.go", "backend/store/assistants.go",
	"backend/store/conversations.go", "backend/store/endpoints.go", "backend/store/toolservers.go", "backend/exchange/words.go", "backend/exchange/preview.go",
	"backend/transfer/json.go", "backend/transfer/documents.go", "backend/transfer/words.go", "app", "backend/ollamaserver", "backend/secrets",
	"backend/retrieval", "backend/tools/mcp",
}

// allowed are prose literals in those packages that are not the user's
// words, each with why. The key is "file: literal".
var allowed = map[string]string{
	// Causes kept for logs and errors.Is; the user sees the catalogue's words.
	"backend/chat/engine.go: stopped by the user":                                               "cancel cause, never shown",
	"backend/chat/engine.go: first-token timeout":                                               "cancel cause, never shown",
	"backend/chat/engine.go: idle timeout":                                                      "cancel cause, never shown",
	"backend/chat/engine.go: asked without streaming":                                           "cancel cause, never shown",
	"backend/chat/titles.go: a title request gave its slot to an answer":                        "cancel cause, never shown",
	"backend/provider/headers.go: stopped after 10 redirects":                                   "http.Client's CheckRedirect; wrapped in a RedirectError",
	"backend/provider/stream.go: %s: body ended without %s":                                     "BrokenError.Err: logs only; the UI shows the reason's words",
	"backend/documents/errors.go: document too large":                                           "a kind for errors.Is; Error() speaks from the catalogue",
	"backend/documents/errors.go: document is password-protected":                               "a kind for errors.Is",
	"backend/documents/errors.go: document has no text layer":                                   "a kind for errors.Is",
	"backend/documents/errors.go: document is damaged":                                          "a kind for errors.Is",
	"backend/documents/errors.go: document is a binary file":                                    "a kind for errors.Is",
	"backend/documents/errors.go: document type is not supported":                               "a kind for errors.Is",
	"backend/documents/errors.go: document is empty":                                            "a kind for errors.Is",
	"backend/documents/text.go: entry too large":                                                "internal to the zip reader; becomes a corrupt-document refusal",
	"backend/documents/pdf.go: malformed PDF: %v":                                               "a recovered panic of the PDF library; becomes a corrupt-document refusal",
	"backend/documents/pdf.go: malformed page %d: %v":                                           "a recovered panic of the PDF library, per page",
	"backend/contextwindow/http.go: contextwindow: bad server address %q":                       "a programming error: addresses are checked when endpoints are saved",
	"backend/endpoints/registry.go: unknown endpoint kind %q":                                   "a programming error: kinds are checked when endpoints are saved",
	"backend/localmodels/localmodels.go: no host in %q":                                         "the cause inside Ollama.badURL",
	"backend/store/settings.go: store: app state %s: %w":                                        "Brook's own state: logs",
	"app/quit.go: quit how? \"stop\", \"wait\" or \"resume\"":                                   "a programming error of the window, never shown",
	"app/testhooks.go: not in test mode":                                                        "test builds only",
	"app/testhooks.go: the report is too big":                                                   "test builds only",
	"app/app.go: finding the data folder: %w":                                                   "inside App.couldNotStart, whose words are the catalogue's",
	"app/app.go: opening the database %s: %w":                                                   "inside App.couldNotStart",
	"backend/chat/documents.go: <document name=\"":                                              "the tag a document is sent to the model in",
	"backend/contextwindow/http.go: contextwindow: %s answered HTTP %d":                         "logged only; the meter then says the window is unknown",
	"backend/chat/titles.go: Write a title for the conversation above, in at most six words. ":  "a prompt to the model",
	"backend/chat/titles.go: Reply with the title alone: no quotes, no Markdown, no full stop.": "a prompt to the model",
	// Tool calls: results told to the model in its own conversation (English,
	// as the prompts are), internal causes, and programming errors of the window.
	"backend/chat/tools.go: the tool call timed out":                                                             "a cancel cause; the result says it in words",
	"backend/chat/tools.go: the user cancelled the tool call":                                                    "a cancel cause; the result says it in words",
	"backend/chat/tools.go: no approver":                                                                         "a programming error: the app always has an approver",
	"backend/chat/tools.go: The arguments are not a JSON object: ":                                               "a tool result told to the model",
	"backend/chat/tools.go: . Nothing ran.":                                                                      "a tool result told to the model",
	"backend/chat/tools.go: The call timed out after %s and was cancelled.":                                      "a tool result told to the model",
	"backend/chat/tools.go: The tool could not run: ":                                                            "a tool result told to the model",
	"backend/chat/tools.go: \n\n[Brook cut this result: %d of its %d bytes are shown.]":                          "a tool result told to the model",
	"backend/chat/tools.go: There is no tool named %q: no tools are available. Nothing ran.":                     "a tool result told to the model",
	"backend/chat/tools.go: There is no tool named %q. The tools you can call are: %s. Nothing ran.":             "a tool result told to the model",
	"backend/chat/approvals.go: the answer must be allow_once, always_in_chat or deny":                           "a programming error of the window: its buttons send only these",
	"backend/chat/toolchoices.go: a tool is named by its server and its name, each up to 256 characters of text": "a programming error of the window: it sends the names Go listed",
	"app/assistants.go: brook-assistants-":                                                                       "a file name",
	// Retrieval and tool servers: causes kept for logs and errors.Is, and
	// text sent to the model.
	"backend/retrieval/embed.go: %w: %d vectors for %d texts":                                    "a cause inside ErrBadEmbedding: logged; the notice under the answer says the model did not answer in provider.Explain's words",
	"backend/retrieval/embed.go: %w: vectors of unequal or no length":                            "a cause inside ErrBadEmbedding: logged only",
	"backend/retrieval/embed.go: the embedding model's answer is not one vector per text":        "a kind for errors.Is; indexing logs it, the user sees a catalogue notice",
	"backend/retrieval/embed.go: no embedding model is set":                                      "a kind for errors.Is; the user sees Retrieval.noticeNoModel",
	"backend/retrieval/service.go: an answer wanted the endpoint":                                "a cancel cause of background indexing, never shown",
	"backend/tools/mcp/limit.go: reply too large":                                                "errReplyTooLarge: the io error the SDK's reader gets, never shown (the watcher's sizeError is)",
	"backend/tools/mcp/server.go: unknown kind %q":                                               "a programming error: kinds are checked when tool servers are saved",
	"backend/tools/mcp/server.go: it did not answer in time":                                     "errStartTimeout: a cancel cause; classify words it with the timeout",
	"backend/tools/mcp/mcp.go: %w: %s has no tool %q":                                            "a tool call's failure, told to the model as the tool's result (chat/tools.go)",
	"backend/tools/mcp/tool.go: the arguments must be a JSON object":                             "ArgumentsError.Reason: told to the model as the tool's result",
	"backend/tools/mcp/result.go: [a picture, %s, %d bytes, not shown]":                          "part of a tool result sent to the model",
	"backend/tools/mcp/result.go: [a sound, %s, %d bytes, not played]":                           "part of a tool result sent to the model",
	"backend/tools/mcp/result.go: [a link to %s: %s]":                                            "part of a tool result sent to the model",
	"backend/tools/mcp/result.go: [the resource %s, %s, %d bytes, not shown]":                    "part of a tool result sent to the model",
	"backend/store/projects.go: store: create project: %w":                                       "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/projects.go:  FROM projects WHERE id = ? AND deleted_at IS NULL":              "SQL",
	"backend/store/projects.go:  FROM projects WHERE deleted_at IS NULL ORDER BY sort_order, id": "SQL",
	"backend/store/projects.go: UPDATE projects\n\t\tSET name = ?, colour = ?, emoji = ?, instructions = ?, endpoint_id = ?, model = ?, params = ?, updated_at = ?\n\t\tWHERE id = ? AND deleted_at IS NULL RETURNING ": "SQL",
	"backend/store/projects.go: store: delete project: %w":     "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/projects.go: store: deleted project %d: %w": "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/projects.go: store: restore project: %w":    "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/projects.go: store: move to project: %w":    "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/projects.go:  FROM conversations\n\t\tWHERE project_id IS ? AND deleted_at IS NULL AND archived = ?\n\t\tORDER BY pinned DESC, updated_at DESC, id DESC\n\t\tLIMIT ? OFFSET ?": "SQL",
	"backend/store/assistants.go: store: create assistant: %w":                                        "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/assistants.go:  FROM assistants WHERE id = ? AND deleted_at IS NULL":               "SQL",
	"backend/store/assistants.go:  FROM assistants WHERE deleted_at IS NULL ORDER BY lower(name), id": "SQL",
	"backend/store/assistants.go: UPDATE assistants\n\t\tSET name = ?, instructions = ?, endpoint_id = ?, model = ?, params = ?, first_message = ?, updated_at = ?\n\t\tWHERE id = ? AND deleted_at IS NULL RETURNING ": "SQL",
	"backend/store/assistants.go:  FROM projects WHERE id = ? AND deleted_at IS NULL":                                                                                              "SQL",
	"backend/store/assistants.go: store: start from assistant: %w":                                                                                                                 "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/conversations.go: store: create conversation: %w":                                                                                                               "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/conversations.go:  FROM conversations WHERE id = ? AND deleted_at IS NULL":                                                                                      "SQL",
	"backend/store/conversations.go:  FROM conversations\n\t\tWHERE deleted_at IS NULL AND archived = ?\n\t\tORDER BY pinned DESC, updated_at DESC, id DESC\n\t\tLIMIT ? OFFSET ?": "SQL",
	"backend/store/conversations.go:  WHERE id = ? AND deleted_at IS NULL":                                                                                                         "SQL",
	"backend/store/conversations.go: UPDATE conversations SET ":                                                                                                                    "SQL",
	"backend/store/conversations.go:  WHERE deleted_at IS NOT NULL AND deleted_at <= ?":                                                                                            "SQL",
	"backend/store/conversations.go: DELETE FROM ":                                                                                                                                 "SQL",
	"backend/store/endpoints.go: store: endpoint %s: extra models: %w":                                                                                                             "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/endpoints.go: store: endpoint %s: header names: %w":                                                                                                             "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/endpoints.go: store: save endpoint: %w":                                                                                                                         "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/guard/guard.go: invalid input":                                                                                                                                        "the sentinel ErrInvalid, matched with errors.Is; a refusal speaks from the catalogue",
	"backend/exchange/preview.go: it changed since its preview: look at it again before importing":                                                                                 "a kind for errors.Is; unreadable says Exchange.changed",
	"backend/exchange/preview.go: that pick is not in the preview":                                                                                                                 "a kind for errors.Is; the picks' errors say Exchange.pick*",
	"backend/endpoints/kind/kind.go: kind: %q lacks an ID, label, client, test or detection":                                                                                       "a panic at start-up: a programming error of a kind's package",
	"backend/endpoints/kind/kind.go: kind %s: key need %q":                                                                                                                         "a panic at start-up: a programming error of a kind's package",
	"backend/endpoints/kind/kind.go:  is registered twice":                                                                                                                         "a panic at start-up: a programming error of a kind's package",
	"backend/endpoints/kind/openaikind/openaikind.go: OpenAI-compatible":                                                                                                           "the kind's label, a name of the API like Ollama's, as the window's kind list shows it",
	"backend/endpoints/kind/openaikind/openaikind.go: OpenAI-compatible (":                                                                                                         "the name of an endpoint seeded from the environment: stored once as the user's data, which the user renames",
	"backend/store/toolservers.go: store: tool server %s: %w":                                                                                                                      "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/toolservers.go: store: tool server %s: %s: %w":                                                                                                                  "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/toolservers.go: store: add tool server: %w":                                                                                                                     "a database error’s context: logs and errors.Is; the window says its own words",
	"backend/store/toolservers.go: store: set tool permission: %w":                                                                                                                 "a database error’s context: logs and errors.Is; the window says its own words",
	// An image header the size reader refuses: its diagnosis in the words of
	// Go's image packages, which said it before (the Err of Guard.imageUnreadable).
	"backend/guard/imagesize.go: gif: can't recognize format %q":                          imageDiagnosis,
	"backend/guard/imagesize.go: gif: reading color table: %w":                            imageDiagnosis,
	"backend/guard/imagesize.go: gif: reading header: %w":                                 imageDiagnosis,
	"backend/guard/imagesize.go: invalid JPEG format: SOF has wrong length":               imageDiagnosis,
	"backend/guard/imagesize.go: invalid JPEG format: bad Tq value":                       imageDiagnosis,
	"backend/guard/imagesize.go: invalid JPEG format: luma/chroma subsampling ratio":      imageDiagnosis,
	"backend/guard/imagesize.go: invalid JPEG format: missing SOF marker":                 imageDiagnosis,
	"backend/guard/imagesize.go: invalid JPEG format: missing SOI marker":                 imageDiagnosis,
	"backend/guard/imagesize.go: invalid JPEG format: missing SOS marker":                 imageDiagnosis,
	"backend/guard/imagesize.go: invalid JPEG format: multiple SOF markers":               imageDiagnosis,
	"backend/guard/imagesize.go: invalid JPEG format: repeated component identifier":      imageDiagnosis,
	"backend/guard/imagesize.go: invalid JPEG format: short segment length":               imageDiagnosis,
	"backend/guard/imagesize.go: invalid JPEG format: unknown marker":                     imageDiagnosis,
	"backend/guard/imagesize.go: no size reader for %s":                                   "a programming error: only PNG, JPEG and GIF are asked for",
	"backend/guard/imagesize.go: png: invalid format: Bad chunk length: %d":               imageDiagnosis,
	"backend/guard/imagesize.go: png: invalid format: bad IHDR length":                    imageDiagnosis,
	"backend/guard/imagesize.go: png: invalid format: bad PLTE length":                    imageDiagnosis,
	"backend/guard/imagesize.go: png: invalid format: bad tRNS length":                    imageDiagnosis,
	"backend/guard/imagesize.go: png: invalid format: chunk out of order":                 imageDiagnosis,
	"backend/guard/imagesize.go: png: invalid format: invalid checksum":                   imageDiagnosis,
	"backend/guard/imagesize.go: png: invalid format: invalid interlace method":           imageDiagnosis,
	"backend/guard/imagesize.go: png: invalid format: non-positive dimension":             imageDiagnosis,
	"backend/guard/imagesize.go: png: invalid format: not a PNG file":                     imageDiagnosis,
	"backend/guard/imagesize.go: png: unsupported feature: bit depth %d, color type %d":   imageDiagnosis,
	"backend/guard/imagesize.go: png: unsupported feature: compression method":            imageDiagnosis,
	"backend/guard/imagesize.go: png: unsupported feature: dimension overflow":            imageDiagnosis,
	"backend/guard/imagesize.go: png: unsupported feature: filter method":                 imageDiagnosis,
	"backend/guard/imagesize.go: unsupported JPEG feature: luma/chroma subsampling ratio": imageDiagnosis,
	"backend/guard/imagesize.go: unsupported JPEG feature: number of components":          imageDiagnosis,
	"backend/guard/imagesize.go: unsupported JPEG feature: precision":                     imageDiagnosis,
	"backend/guard/imagesize.go: unsupported JPEG feature: unknown marker":                imageDiagnosis,
}

// imageDiagnosis is why an image header's refusal may stay in English.
const imageDiagnosis = "the decoder's diagnosis, worded as image.DecodeConfig words it, after Guard.imageUnreadable's sentence"

// wordFields are struct fields whose text the window shows as it is.
var wordFields = map[string]bool{"Error": true, "Message": true, "ListError": true, "Source": true, "Label": true, "Title": true, "Detail": true}

// prose is a literal with at least two words in it.
var prose = regexp.MustCompile(`[A-Za-z]{2,}[ -][A-Za-z]{2,}`)

// TestNoUserWordsOutsideTheCatalogue scans the packages that produce UI
// words for string literals of prose passed to errors.New, fmt.Errorf or
// fmt.Sprintf, glued with +, or set as a field the window shows (Error,
// Message, Source, ...): each must come from the catalogue or be
// allowed above with a reason.
func TestNoUserWordsOutsideTheCatalogue(t *testing.T) {
	root := filepath.Join("..", "..")
	var files []string
	for _, p := range uiWordPackages {
		full := filepath.Join(root, p)
		if strings.HasSuffix(p, ".go") {
			files = append(files, full)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(full, "*.go"))
		if err != nil || len(matches) == 0 {
			t.Fatalf("%s: no Go files (%v)", p, err)
		}
		files = append(files, matches...)
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, path)
		check := func(lit *ast.BasicLit) {
			if lit == nil || lit.Kind != token.STRING {
				return
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !prose.MatchString(s) {
				return
			}
			key := filepath.ToSlash(rel) + ": " + s
			seen[key] = true
			if _, ok := allowed[key]; !ok {
				t.Errorf("%s: %q is words for the user outside the catalogue (backend/i18n/locales); or allow it in scan_test.go, saying why", fset.Position(lit.Pos()), s)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && len(n.Args) > 0 {
					if pkg, ok := sel.X.(*ast.Ident); ok {
						switch pkg.Name + "." + sel.Sel.Name {
						case "errors.New", "fmt.Errorf", "fmt.Sprintf":
							lit, _ := n.Args[0].(*ast.BasicLit)
							check(lit)
						}
					}
				}
			case *ast.KeyValueExpr:
				if key, ok := n.Key.(*ast.Ident); ok && wordFields[key.Name] {
					lit, _ := n.Value.(*ast.BasicLit)
					check(lit)
				}
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					if sel, ok := lhs.(*ast.SelectorExpr); ok && wordFields[sel.Sel.Name] && i < len(n.Rhs) {
						lit, _ := n.Rhs[i].(*ast.BasicLit)
						check(lit)
					}
				}
			case *ast.BinaryExpr:
				if n.Op == token.ADD {
					x, _ := n.X.(*ast.BasicLit)
					y, _ := n.Y.(*ast.BasicLit)
					check(x)
					check(y)
				}
			}
			return true
		})
	}
	for key := range allowed {
		if !seen[key] {
			t.Errorf("allowed %q is no longer in the code: remove it from the list", key)
		}
	}
}
