package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// scanRoots are the trees, from the module's root, whose every non-test
// Go file is scanned for words the user sees: a package added under them
// is scanned without being listed. What is not scanned is said, with why,
// in notScanned (scan_allowed_test.go).
var scanRoots = []string{"backend", "app"}

// imageDiagnosis is why an image header's refusal may stay in English.
const imageDiagnosis = "the decoder's diagnosis, worded as image.DecodeConfig words it, after Guard.imageUnreadable's sentence"

// wordFields are struct fields whose text the window shows as it is.
var wordFields = map[string]bool{"Error": true, "Message": true, "ListError": true, "Source": true, "Label": true, "Title": true, "Detail": true, "Name": true, "Text": true, "Notice": true}

// quietCalls are calls whose string arguments are never the user's words,
// by the called name: a package's function ("strings.Contains") or any
// method of that name (".Info"). Each says why.
var quietCalls = map[string]string{
	// The log: for the developer and bug reports, in English on purpose.
	".Debug": "log", ".Info": "log", ".Warn": "log", ".Error": "log", ".DebugContext": "log", ".InfoContext": "log",
	".WarnContext": "log", ".ErrorContext": "log", ".Log": "log", ".LogAttrs": "log", "log.Printf": "log",
	// Text matched, not said: another program's words, or Brook's own.
	"strings.Contains": "matching", "strings.HasPrefix": "matching", "strings.HasSuffix": "matching",
	"strings.TrimPrefix": "matching", "strings.TrimSuffix": "matching", "strings.Index": "matching",
	"strings.Cut": "matching", "strings.EqualFold": "matching", "strings.ReplaceAll": "matching",
	"regexp.MustCompile": "a pattern",
	// Names of files and folders.
	"filepath.Join": "a path", "os.MkdirTemp": "a file name", "os.CreateTemp": "a file name",
	// A programming error: the program stops; no user can cause it.
	"panic": "a programming error",
	// The guard names a field by a noun that picks its message
	// (Guard.notOneOf.<noun>, Guard.noID.<noun>); the noun is a catalogue
	// key, not words.
	"guard.ID": "a catalogue key", "guard.IDs": "a catalogue key", "guard.OneOf": "a catalogue key",
	// The classifier names the call in the error's cause, for logs.
	"httprec.Classify": "a cause for logs",
}

// prose is a literal with at least two words in it, as the errors and the
// fields the window shows are checked; sentence, with two words apart, as
// everything else is (so that "Content-Type" and "brook:answer-saved" pass).
var (
	prose    = regexp.MustCompile(`[A-Za-z]{2,}[ -][A-Za-z]{2,}`)
	sentence = regexp.MustCompile(`[A-Za-z]{2,} [A-Za-z]{2,}`)
)

// sql is a literal that is SQL: a statement, or a clause of one.
var sql = regexp.MustCompile(`^\s*(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|AND|OR|ORDER BY|LIMIT|CREATE|ALTER|DROP|PRAGMA|WITH|SET|VALUES|JOIN|VACUUM)\b|\b(FROM|WHERE|ORDER BY|VALUES|JOIN)\b`)

// finding is a prose literal found by [scanSource].
type finding struct {
	pos  token.Position
	text string
}

// scanSource finds the prose literals of one Go file that can be words for
// the user: passed to errors.New, fmt.Errorf or fmt.Sprintf, or to any
// call that is not quiet; glued with +; returned; set as a field the
// window shows (Error, Message, Detail, ...), by name or as an element of
// a composite literal. SQL is not prose.
func scanSource(fset *token.FileSet, path string, src []byte) ([]finding, error) {
	f, err := parser.ParseFile(fset, path, src, 0)
	if err != nil {
		return nil, err
	}
	var out []finding
	found := map[token.Pos]bool{}
	find := func(e ast.Expr, words *regexp.Regexp) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING || found[lit.Pos()] {
			return
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || !words.MatchString(s) || sql.MatchString(s) {
			return
		}
		found[lit.Pos()] = true
		out = append(out, finding{fset.Position(lit.Pos()), s})
	}
	check := func(e ast.Expr) { find(e, prose) }
	loose := func(e ast.Expr) { find(e, sentence) }
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if _, quiet := quietCalls[calledName(n.Fun)]; quiet {
				return true
			}
			if _, quiet := quietCalls[methodName(n.Fun)]; quiet {
				return true
			}
			switch calledName(n.Fun) {
			case "errors.New", "fmt.Errorf", "fmt.Sprintf":
				check(n.Args[0])
			}
			for _, a := range n.Args {
				loose(a)
			}
		case *ast.KeyValueExpr:
			if key, ok := n.Key.(*ast.Ident); ok && wordFields[key.Name] {
				check(n.Value)
			}
		case *ast.CompositeLit:
			for _, e := range n.Elts {
				if _, keyed := e.(*ast.KeyValueExpr); !keyed {
					loose(e)
				}
			}
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if sel, ok := lhs.(*ast.SelectorExpr); ok && wordFields[sel.Sel.Name] && i < len(n.Rhs) {
					check(n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for _, v := range n.Values {
				loose(v)
			}
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				loose(r)
			}
		case *ast.BinaryExpr:
			if n.Op == token.ADD {
				check(n.X)
				check(n.Y)
			}
		}
		return true
	})
	return out, nil
}

// calledName is "pkg.Func" or "func" for a call of a package's function or
// a builtin, or "".
func calledName(fun ast.Expr) string {
	switch fun := fun.(type) {
	case *ast.Ident:
		return fun.Name
	case *ast.SelectorExpr:
		if pkg, ok := fun.X.(*ast.Ident); ok {
			return pkg.Name + "." + fun.Sel.Name
		}
	}
	return ""
}

// methodName is ".Method" for a call of a method (or of a package's
// function), or "".
func methodName(fun ast.Expr) string {
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		if pkg, ok := sel.X.(*ast.Ident); ok && (pkg.Name == "errors" || pkg.Name == "fmt") {
			return "" // errors.Error is not a log call
		}
		return "." + sel.Sel.Name
	}
	return ""
}

// scannedFiles lists the non-test Go files under scanRoots that are not in
// notScanned, from the module's root.
func scannedFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	for _, top := range scanRoots {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			if _, skip := notScanned[rel]; skip {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go") {
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// TestNoUserWordsOutsideTheCatalogue scans every package that can produce
// words the user sees for prose literals (see scanSource): each must come
// from the catalogue, or be allowed with a reason.
func TestNoUserWordsOutsideTheCatalogue(t *testing.T) {
	root := filepath.Join("..", "..")
	files := scannedFiles(t, root)
	if len(files) < 100 {
		t.Fatalf("only %d files to scan: is the module's root %s?", len(files), root)
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, rel := range files {
		src, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		found, err := scanSource(fset, rel, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range found {
			key := rel + ": " + f.text
			seen[key] = true
			if _, ok := allowed[key]; !ok {
				t.Errorf("%s: %q is words for the user outside the catalogue (backend/i18n/locales); or allow it in scan_allowed_test.go, saying why", f.pos, f.text)
			}
		}
	}
	for key := range allowed {
		if !seen[key] {
			t.Errorf("allowed %q is no longer in the code: remove it from the list", key)
		}
	}
	for path := range notScanned {
		if _, err := os.Stat(filepath.Join(root, path)); err != nil {
			t.Errorf("notScanned %q does not exist: remove it from the list", path)
		}
	}
}

// TestTheScannerFindsANewSentence runs the scanner on a small file: every
// way a sentence reaches the user is found, and the catalogue's ids, log
// lines, SQL and matched text are not.
func TestTheScannerFindsANewSentence(t *testing.T) {
	src := `package fixture

var errGone = errors.New("the thing is gone")

type note struct{ kind, text string }

func f(log *slog.Logger, name string) (string, error) {
	log.Info("a log line stays English")
	if strings.Contains(name, "matched text here") {
		return i18n.T("Fixture.gone", nil), fmt.Errorf("could not open %s: %w", name, errGone)
	}
	r := Result{Detail: "a detail for the window"}
	r.Message = "a message for the window"
	_ = note{"stopped", "Stopped by the user, sadly."}
	notes.Add("a picture left out")
	_ = "[" + "attached file" + "]"
	_ = db.Query("SELECT id FROM things WHERE name = ?")
	return "Untitled conversation", nil
}
`
	found, err := scanSource(token.NewFileSet(), "fixture.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		got = append(got, f.text)
	}
	want := []string{
		"the thing is gone", "could not open %s: %w", "a detail for the window", "a message for the window",
		"Stopped by the user, sadly.", "a picture left out", "attached file", "Untitled conversation",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("found %q\nwant  %q", got, want)
	}
}
