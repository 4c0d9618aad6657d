// Command footprint reports what each dependency costs Brook: in the binary
// and in the UI bundle (issue: "Measure what each dependency costs").
//
// For the binary it builds an unstripped copy of the app with the release
// build's tags and gcflags (only -ldflags "-s -w" left out, since the symbol
// table is what it reads), runs `go tool nm -size -sort size` on it and adds
// up the code (t/T) and data (r/R/d/D) of each module. Zero-initialised
// variables (.bss, .noptrbss) take no room in the file, so they are left
// out, by address: go tool nm labels them d/D like the rest of the data. It
// also lists the sections of the stripped release binary, as `size -A` would.
//
// For the UI it lists what Vite wrote to frontend/dist: each script and style
// sheet with its size as stored (gzip) and unpacked, and the fonts, KaTeX's
// apart from the others. A per-module breakdown of the scripts needs a source
// map, which the release build does not make; -modules reads one made
// elsewhere (see readModules) and is skipped otherwise.
//
// It writes the report to bench-results/footprint.md and prints it.
//
//	go run ./tools/footprint [-tags T] [-bin unstripped] [-release build/bin/brook] \
//	    [-dist frontend/dist] [-modules modules.json] [-out bench-results/footprint.md]
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// releaseTags are the Makefile's TAGS; the Makefile passes its own with -tags.
const releaseTags = "desktop,production,webkit2_41"

// topGroups is how many dependency groups the binary table names one by one;
// stdRows is the same for the standard library's packages.
const (
	topGroups = 25
	stdRows   = 12
)

// minSection is the size under which the section table lumps sections together.
const minSection = 20000

func main() {
	tags := flag.String("tags", releaseTags, "build tags of the release build")
	bin := flag.String("bin", "", "an unstripped binary to read (default: build one)")
	unstripped := flag.String("unstripped", "", "where to build the unstripped binary (default: a temporary file)")
	release := flag.String("release", "build/bin/brook", "the stripped release binary, for its section sizes")
	dist := flag.String("dist", "frontend/dist", "the Vite build output")
	modules := flag.String("modules", "", "optional JSON of the main script's size by source file (see readModules)")
	out := flag.String("out", "bench-results/footprint.md", "where to write the report")
	flag.Parse()

	if err := run(*tags, *bin, *unstripped, *release, *dist, *modules, *out); err != nil {
		fmt.Fprintln(os.Stderr, "footprint:", err)
		os.Exit(1)
	}
}

func run(tags, bin, unstripped, release, dist, modulesPath, out string) error {
	if bin == "" {
		path := unstripped
		if path == "" {
			dir, err := os.MkdirTemp("", "footprint")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			path = filepath.Join(dir, "brook-unstripped")
		}
		if err := buildUnstripped(tags, path); err != nil {
			return err
		}
		bin = path
	}

	r := report{Date: time.Now(), Tags: tags}
	var err error
	if r.Groups, r.Aggregates, r.Std, err = binaryGroups(bin); err != nil {
		return err
	}
	if r.Sections, r.ReleaseSize, err = sections(release); err != nil {
		return fmt.Errorf("release binary: %w", err)
	}
	if r.Assets, err = readDist(dist); err != nil {
		return fmt.Errorf("UI bundle: %w", err)
	}
	if modulesPath != "" {
		if r.Modules, err = readModules(modulesPath); err != nil {
			return fmt.Errorf("-modules: %w", err)
		}
	}

	md := r.markdown()
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(out, []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Print(md)
	return nil
}

// buildUnstripped builds the app as the Makefile's release build does, but
// keeps the symbol table and DWARF (no -ldflags "-s -w"). The version stamp
// is left out too: it changes a few bytes, not what a dependency costs.
func buildUnstripped(tags, path string) error {
	cmd := exec.Command("go", "build", "-tags", tags, "-trimpath",
		"-gcflags=all=-l", "-gcflags=modernc.org/...=", "-gcflags=runtime=",
		"-o", path, ".")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building the unstripped binary: %w", err)
	}
	return nil
}

// sym is one line of `go tool nm -size`.
type sym struct {
	Addr uint64
	Size int64
	Kind byte
	Name string
}

// parseNM reads the output of `go tool nm -size`: address, size, kind, name.
// Undefined symbols (U, from shared libraries) have no address and are
// skipped, as are lines it cannot read.
func parseNM(r io.Reader) []sym {
	var syms []sym
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20) // generic instantiations make long names
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		addr, err1 := strconv.ParseUint(f[0], 16, 64)
		size, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil || len(f[2]) != 1 {
			continue
		}
		// The name may hold spaces (struct types in generic instantiations).
		name := strings.TrimSpace(sc.Text())
		for range 3 {
			name = strings.TrimSpace(name[len(strings.Fields(name)[0]):])
		}
		syms = append(syms, sym{Addr: addr, Size: size, Kind: f[2][0], Name: name})
	}
	return syms
}

// aggregates are the linker's blobs that nm lists with size 0 at their start:
// every type descriptor, every string constant (embedded files included) and
// so on. No package owns them, so they get a row of their own, and their size
// is the distance to the next symbol in the same section.
var aggregates = map[string]string{
	"type:*":           "type descriptors (type:*)",
	"go:string.*":      "strings and embedded files (go:string.*)",
	"go:funcdesc":      "function descriptors (go:funcdesc)",
	"runtime.gcbits.*": "GC pointer bitmaps (runtime.gcbits.*)",
	"go:func.*":        "function metadata (go:func.*)",
}

// section is an address range of the binary.
type section struct {
	Name       string
	Start, End uint64
	NoBits     bool // .bss and the like: no bytes in the file
}

// sectionOf returns the section that holds addr, or nil.
func sectionOf(secs []section, addr uint64) *section {
	for i := range secs {
		if secs[i].Start <= addr && addr < secs[i].End {
			return &secs[i]
		}
	}
	return nil
}

// group is what one dependency (or one package of Brook) costs.
type group struct {
	Name       string
	Text, Data int64
}

// binaryGroups runs go tool nm on the unstripped binary and adds up its
// symbols by group, with the linker's blobs apart, and the standard library
// by package.
func binaryGroups(bin string) (groups, blobs, std []group, err error) {
	f, err := elf.Open(bin)
	if err != nil {
		return nil, nil, nil, err
	}
	var secs []section
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_ALLOC != 0 && s.Size > 0 {
			secs = append(secs, section{s.Name, s.Addr, s.Addr + s.Size, s.Type == elf.SHT_NOBITS})
		}
	}
	f.Close()

	var modules []string
	if info, err := buildinfo.ReadFile(bin); err == nil {
		for _, d := range info.Deps {
			modules = append(modules, d.Path)
		}
	}

	var out bytes.Buffer
	cmd := exec.Command("go", "tool", "nm", "-size", "-sort", "address", bin)
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, nil, fmt.Errorf("go tool nm: %w", err)
	}
	groups, blobs, std = tally(parseNM(&out), secs, modules)
	return groups, blobs, std, nil
}

// tally adds up the symbols' sizes by group, biggest first. Text is t/T;
// data is r/R/d/D outside the sections that take no room in the file. The
// standard library, one group there, is also added up by stdPackage in std.
func tally(syms []sym, secs []section, modules []string) (groups, blobs, std []group) {
	sort.SliceStable(syms, func(i, j int) bool { return syms[i].Addr < syms[j].Addr })
	byName := map[string]*group{}
	blobByName := map[string]*group{}
	stdByName := map[string]*group{}
	add := func(m map[string]*group, name string, isText bool, size int64) {
		g := m[name]
		if g == nil {
			g = &group{Name: name}
			m[name] = g
		}
		if isText {
			g.Text += size
		} else {
			g.Data += size
		}
	}
	for i, s := range syms {
		sec := sectionOf(secs, s.Addr)
		if sec == nil || sec.NoBits {
			continue
		}
		var isText bool
		switch s.Kind {
		case 't', 'T':
			isText = true
		case 'r', 'R', 'd', 'D':
		default:
			continue
		}
		size := s.Size
		label, blob := aggregates[s.Name]
		if blob && size == 0 {
			end := sec.End
			for _, n := range syms[i+1:] {
				if n.Addr > s.Addr {
					end = min(end, n.Addr)
					break
				}
			}
			size = int64(end - s.Addr)
		}
		if blob {
			add(blobByName, label, isText, size)
			continue
		}
		name := groupOf(s.Name, modules)
		add(byName, name, isText, size)
		if name == "std" {
			add(stdByName, stdPackage(packageOf(s.Name)), isText, size)
		}
	}
	return sorted(byName), sorted(blobByName), sorted(stdByName)
}

// stdPackage shortens a standard library path to its first two elements
// (net/http, crypto/internal), enough to see where the library's size goes.
func stdPackage(pkg string) string {
	if strings.HasPrefix(pkg, "vendor/") {
		return "vendor (golang.org/x in std)"
	}
	parts := strings.SplitN(pkg, "/", 3)
	return strings.Join(parts[:min(2, len(parts))], "/")
}

// sorted returns the groups biggest first, by name when equal.
func sorted(m map[string]*group) []group {
	gs := make([]group, 0, len(m))
	for _, g := range m {
		gs = append(gs, *g)
	}
	sort.Slice(gs, func(i, j int) bool {
		a, b := gs[i].Text+gs[i].Data, gs[j].Text+gs[j].Data
		if a != b {
			return a > b
		}
		return gs[i].Name < gs[j].Name
	})
	return gs
}

// symbolPrefixes are what the compiler and linker put before a package path:
// equality and hash functions, itabs, type descriptors, closures' funcdata.
var symbolPrefixes = []string{"type:.eq.", "type:.hash.", "type:.namedata.", "type:", "go:itab.", "go:func.", "go:"}

// packageOf returns the import path of the package a symbol belongs to, or ""
// when it has none (C functions, runtime assembly, anonymous types).
func packageOf(name string) string {
	for _, p := range symbolPrefixes {
		if strings.HasPrefix(name, p) {
			name = name[len(p):]
			break
		}
	}
	// Pointer, slice and array types: *T, []T, [45]T.
	for {
		if strings.HasPrefix(name, "*") {
			name = name[1:]
		} else if strings.HasPrefix(name, "[") {
			i := strings.IndexByte(name, ']')
			if i < 0 {
				return ""
			}
			name = name[i+1:]
		} else {
			break
		}
	}
	// Type arguments and itab's interface and struct fields hold other
	// packages' paths: the symbol belongs to what comes before them.
	if i := strings.IndexAny(name, "[, "); i >= 0 {
		name = name[:i]
	}
	slash := strings.LastIndexByte(name, '/') + 1
	dot := strings.IndexByte(name[slash:], '.')
	if dot < 0 {
		return ""
	}
	// The linker escapes dots in a path's last element (gopkg.in/yaml%2ev3).
	return strings.ReplaceAll(name[:slash+dot], "%2e", ".")
}

// groupOf names the group a symbol's size is counted in: the module that
// holds its package (the longest of modules that is a prefix of the path, or
// a guess from the path's shape), "std" for the standard library, one group
// for each of Brook's own packages, and "(no package)" for the rest.
func groupOf(name string, modules []string) string {
	pkg := packageOf(name)
	switch {
	case pkg == "":
		return "(no package: C, assembly)"
	case pkg == "main":
		return "brook (main)"
	case pkg == "brook" || strings.HasPrefix(pkg, "brook/"):
		// Brook's own: brook/app, brook/backend/<pkg>.
		parts := strings.Split(pkg, "/")
		if len(parts) > 1 && parts[1] == "backend" {
			return strings.Join(parts[:min(3, len(parts))], "/")
		}
		return strings.Join(parts[:min(2, len(parts))], "/")
	}
	first, _, _ := strings.Cut(pkg, "/")
	if !strings.Contains(first, ".") {
		return "std" // including vendor/golang.org/x/..., which std vendors
	}
	best := ""
	for _, m := range modules {
		if (pkg == m || strings.HasPrefix(pkg, m+"/")) && len(m) > len(best) {
			best = m
		}
	}
	if best != "" {
		return best
	}
	return moduleGuess(pkg)
}

// moduleGuess guesses a module path from a package path when the binary has
// no build information: host/owner/repo on the code hosts, host/name
// elsewhere, either followed by a major version (v2, v5) when there is one.
func moduleGuess(pkg string) string {
	parts := strings.Split(pkg, "/")
	n := 2
	switch parts[0] {
	case "github.com", "gitlab.com", "bitbucket.org", "golang.org", "git.sr.ht":
		n = 3
	case "gopkg.in":
		n = 2
	}
	if len(parts) > n && len(parts[n]) > 1 && parts[n][0] == 'v' {
		if _, err := strconv.Atoi(parts[n][1:]); err == nil {
			n++
		}
	}
	return strings.Join(parts[:min(n, len(parts))], "/")
}

// sectionSize is one line of `size -A`.
type sectionSize struct {
	Name   string
	Size   int64
	InFile bool
}

// sections lists the sections the release binary loads into memory, and the
// binary's size on disk.
func sections(path string) ([]sectionSize, int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	f, err := elf.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var out []sectionSize
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_ALLOC != 0 && s.Size > 0 {
			out = append(out, sectionSize{s.Name, int64(s.Size), s.Type != elf.SHT_NOBITS})
		}
	}
	return out, st.Size(), nil
}

// asset is one file of the Vite build.
type asset struct {
	Name   string // relative to the dist directory, without .gz
	Kind   string // script, style, font (KaTeX), font, other
	Stored int64  // as stored in dist (and embedded in the binary)
	Raw    int64  // unpacked
}

// readDist lists the Vite build output. Vite's build stores scripts and style
// sheets gzipped (*.js.gz, *.css.gz); they are unpacked to count them raw.
func readDist(dir string) ([]asset, error) {
	var assets []asset
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		a := asset{Name: filepath.ToSlash(rel), Stored: info.Size(), Raw: info.Size()}
		if strings.HasSuffix(a.Name, ".gz") {
			a.Name = strings.TrimSuffix(a.Name, ".gz")
			if a.Raw, err = gunzippedSize(path); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		a.Kind = assetKind(a.Name)
		assets = append(assets, a)
		return nil
	})
	sort.Slice(assets, func(i, j int) bool {
		if assets[i].Kind != assets[j].Kind {
			return assets[i].Kind < assets[j].Kind
		}
		if assets[i].Stored != assets[j].Stored {
			return assets[i].Stored > assets[j].Stored
		}
		return assets[i].Name < assets[j].Name
	})
	return assets, err
}

// assetKind sorts a dist file into scripts, styles and fonts, with KaTeX's
// fonts (only needed for maths) apart.
func assetKind(name string) string {
	base := filepath.Base(name)
	switch filepath.Ext(base) {
	case ".js", ".mjs":
		return "script"
	case ".css":
		return "style"
	case ".woff2", ".woff", ".ttf", ".otf":
		if strings.HasPrefix(base, "KaTeX_") {
			return "font (KaTeX)"
		}
		return "font"
	}
	return "other"
}

func gunzippedSize(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return 0, err
	}
	return io.Copy(io.Discard, z)
}

// readModules reads the size of the UI's scripts by source file, made outside
// the release build (which has no source map). It takes either the JSON of
// source-map-explorer (--json: {"results":[{"files":{"path":{"size":n}}}]})
// or a plain object of path to bytes, and adds it up by npm package:
// node_modules/<pkg>/... (or @scope/pkg), and "(Brook's own code)" for the rest.
func readModules(path string) ([]group, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sizes := map[string]int64{}
	var sme struct {
		Results []struct {
			Files map[string]struct {
				Size int64 `json:"size"`
			} `json:"files"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &sme); err == nil && len(sme.Results) > 0 {
		for _, r := range sme.Results {
			for p, f := range r.Files {
				sizes[p] += f.Size
			}
		}
	} else if err := json.Unmarshal(data, &sizes); err != nil {
		return nil, fmt.Errorf("neither source-map-explorer JSON nor an object of path to bytes: %w", err)
	}
	m := map[string]*group{}
	for p, n := range sizes {
		name := npmPackage(p)
		g := m[name]
		if g == nil {
			g = &group{Name: name}
			m[name] = g
		}
		g.Text += n
	}
	return sorted(m), nil
}

// npmPackage returns the npm package a source file of the bundle comes from.
func npmPackage(path string) string {
	i := strings.LastIndex(path, "node_modules/")
	if i < 0 {
		if strings.HasPrefix(path, "[") { // source-map-explorer's [unmapped], [EOLs]
			return path
		}
		return "(Brook's own code)"
	}
	parts := strings.Split(path[i+len("node_modules/"):], "/")
	if strings.HasPrefix(parts[0], "@") && len(parts) > 1 {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

// report is everything the Markdown says.
type report struct {
	Date        time.Time
	Tags        string
	Groups      []group // by dependency, from the unstripped binary
	Aggregates  []group // the linker's blobs no package owns
	Std         []group // the standard library by stdPackage
	Sections    []sectionSize
	ReleaseSize int64
	Assets      []asset
	Modules     []group // optional: the scripts by npm package
}

// kB formats bytes as kilobytes (1 kB = 1000 B), one decimal.
func kB(n int64) string { return strconv.FormatFloat(float64(n)/1000, 'f', 1, 64) }

// pct formats n as a share of total.
func pct(n, total int64) string {
	if total == 0 {
		return "–"
	}
	return strconv.FormatFloat(100*float64(n)/float64(total), 'f', 1, 64) + " %"
}

// markdown renders the report.
func (r report) markdown() string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }

	p("# What Brook's dependencies cost\n\n")
	p("Made by `go run ./tools/footprint` (`make bench`) on %s. 1 kB = 1000 bytes.\n\n", r.Date.Format("2006-01-02 15:04 MST"))

	p("## In the binary\n\n")
	p("From `go tool nm -size` on an unstripped build with the release build's flags "+
		"(`-tags %s -trimpath -gcflags=all=-l -gcflags='modernc.org/...=' -gcflags='runtime='`, "+
		"without `-ldflags \"-s -w\"`). Code is text symbols (t/T); data is read-only and "+
		"initialised data (r/R/d/D), without zero-initialised variables (.bss, .noptrbss), which "+
		"take no room in the file. Not counted here: each function's line and frame tables "+
		"(.gopclntab, roughly in proportion to its code) and the blobs below.\n\n", r.Tags)

	var distStored int64
	for _, a := range r.Assets {
		distStored += a.Stored
	}
	text, data := sumGroups(r.Groups)
	total := text + data
	p("| # | Module or package | Code kB | Data kB | Total kB | Share |\n")
	p("|--:|---|--:|--:|--:|--:|\n")
	for i, g := range r.Groups {
		if i == topGroups {
			rt, rd := sumGroups(r.Groups[i:])
			p("|  | %d others | %s | %s | %s | %s |\n", len(r.Groups)-i, kB(rt), kB(rd), kB(rt+rd), pct(rt+rd, total))
			break
		}
		p("| %d | %s | %s | %s | %s | %s |\n", i+1, g.Name, kB(g.Text), kB(g.Data), kB(g.Text+g.Data), pct(g.Text+g.Data, total))
	}
	p("|  | **all packages** | **%s** | **%s** | **%s** | 100 %% |\n\n", kB(text), kB(data), kB(total))

	if len(r.Aggregates) > 0 {
		p("Blobs the linker makes for all packages together (no package owns them):\n\n")
		p("| Blob | kB |\n|---|--:|\n")
		for _, g := range r.Aggregates {
			note := ""
			if g.Name == aggregates["go:string.*"] {
				// Checked: embed puts the files' bytes among the strings.
				note = fmt.Sprintf(", of which frontend/dist: %s", kB(distStored))
			}
			p("| %s%s | %s |\n", g.Name, note, kB(g.Text+g.Data))
		}
		p("\n")
	}

	if len(r.Std) > 0 {
		p("The standard library (\"std\" above) by package:\n\n")
		p("| Package | Code kB | Data kB | Total kB |\n|---|--:|--:|--:|\n")
		for i, g := range r.Std {
			if i == stdRows {
				rt, rd := sumGroups(r.Std[i:])
				p("| %d others | %s | %s | %s |\n", len(r.Std)-i, kB(rt), kB(rd), kB(rt+rd))
				break
			}
			p("| %s | %s | %s | %s |\n", g.Name, kB(g.Text), kB(g.Data), kB(g.Text+g.Data))
		}
		p("\n")
	}

	if len(r.Sections) > 0 {
		p("### Sections of the release binary\n\n")
		p("Like `size -A`, for the stripped binary `make build` makes: %s kB on disk.\n\n", kB(r.ReleaseSize))
		p("| Section | kB |\n|---|--:|\n")
		var inFile, small int64
		nSmall := 0
		var memOnly []sectionSize
		for _, s := range r.Sections {
			switch {
			case !s.InFile:
				memOnly = append(memOnly, s)
			case s.Size < minSection:
				// The ELF and dynamic-linking sections are a few kB each.
				inFile += s.Size
				small += s.Size
				nSmall++
			default:
				inFile += s.Size
				p("| %s | %s |\n", s.Name, kB(s.Size))
			}
		}
		if nSmall > 0 {
			p("| %d sections under %s kB | %s |\n", nSmall, kB(minSection), kB(small))
		}
		for _, s := range memOnly {
			p("| %s (memory only, not in the file) | %s |\n", s.Name, kB(s.Size))
		}
		p("| **loaded from the file** | **%s** |\n\n", kB(inFile))
	}

	p("## In the UI bundle\n\n")
	p("What Vite wrote to frontend/dist, which the binary embeds as stored. " +
		"Scripts and style sheets are stored gzipped; \"raw\" is unpacked, as the web view parses it.\n\n")
	kinds := []string{"script", "style", "font (KaTeX)", "font", "other"}
	byKind := map[string][]asset{}
	for _, a := range r.Assets {
		byKind[a.Kind] = append(byKind[a.Kind], a)
	}
	var allStored, allRaw int64
	p("| File | Kind | Stored kB | Raw kB |\n|---|---|--:|--:|\n")
	for _, k := range kinds {
		as := byKind[k]
		var stored, raw int64
		for _, a := range as {
			stored += a.Stored
			raw += a.Raw
			// Fonts are many small files: one line for all of a kind.
			if !strings.HasPrefix(k, "font") {
				p("| %s | %s | %s | %s |\n", a.Name, k, kB(a.Stored), kB(a.Raw))
			}
		}
		if len(as) > 0 && strings.HasPrefix(k, "font") {
			files := fmt.Sprintf("%d files", len(as))
			if len(as) == 1 {
				files = "1 file"
			}
			p("| %s | %s | %s | %s |\n", files, k, kB(stored), kB(raw))
		}
		allStored += stored
		allRaw += raw
	}
	p("| **all of frontend/dist** |  | **%s** | **%s** |\n\n", kB(allStored), kB(allRaw))

	p("| Kind | Files | Stored kB | Share of stored |\n|---|--:|--:|--:|\n")
	for _, k := range kinds {
		as := byKind[k]
		if len(as) == 0 {
			continue
		}
		var stored int64
		for _, a := range as {
			stored += a.Stored
		}
		p("| %s | %d | %s | %s |\n", k, len(as), kB(stored), pct(stored, allStored))
	}
	p("\n")

	if len(r.Modules) > 0 {
		p("### The scripts by npm package\n\n")
		p("From the -modules file (source-map sizes, unpacked).\n\n")
		var all int64
		for _, g := range r.Modules {
			all += g.Text
		}
		p("| Package | kB | Share |\n|---|--:|--:|\n")
		for _, g := range r.Modules {
			p("| %s | %s | %s |\n", g.Name, kB(g.Text), pct(g.Text, all))
		}
		p("\n")
	} else {
		p("No per-package breakdown of the scripts: the release build makes no source map " +
			"(pass -modules with source-map-explorer's --json output of a build that has one).\n")
	}
	return b.String()
}

// sumGroups adds up the code and the data of groups.
func sumGroups(groups []group) (text, data int64) {
	for _, g := range groups {
		text += g.Text
		data += g.Data
	}
	return text, data
}
