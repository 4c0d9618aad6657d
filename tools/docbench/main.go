// Command docbench measures Brook's PDF reader (backend/documents) against
// pdftotext from Debian's poppler-utils, the usual reference for a PDF's
// text layer, on real PDFs that the project did not make: manuals, papers
// and exam forms shipped in Debian packages. It downloads those packages
// with apt-get download, unpacks them with dpkg-deb, reads every PDF both
// ways and compares the words.
//
// Word-level agreement is the F1 of the two bags of words: each text is
// split on whitespace, ligatures are spelled out and quotes and dashes made
// plain (both tools may pick either form), and agreement is twice the
// number of words the two have in common (counting repeats) over the sum of
// their word counts. Order is not compared: pdftotext reorders columns,
// Brook keeps the order the page draws in, and the model reads either.
//
// It writes a Markdown report to bench-results/documents.md. It exits
// non-zero only when a package or a tool could not be run, never for a
// score.
//
//	go run ./tools/docbench [-work DIR] [-out bench-results/documents.md]
package main

import (
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"brook/backend/documents"
)

// source is a Debian package and the PDFs in it that are measured.
type source struct {
	pkg   string
	files []string // paths inside the package; ".gz" ones are unpacked
	what  string
}

// sources are the PDFs measured: 24 of them from 10 packages, made by
// pdfTeX, LuaTeX, Sphinx, ReportLab, Apache FOP, doxygen and others.
var sources = []source{
	{"r-doc-pdf", []string{
		"usr/share/R/doc/manual/R-FAQ.pdf", "usr/share/R/doc/manual/R-admin.pdf",
		"usr/share/R/doc/manual/R-data.pdf", "usr/share/R/doc/manual/R-exts.pdf",
		"usr/share/R/doc/manual/R-intro.pdf", "usr/share/R/doc/manual/R-ints.pdf",
		"usr/share/R/doc/manual/R-lang.pdf"}, "R manuals (texinfo)"},
	{"auto-multiple-choice-doc-pdf", []string{
		"usr/share/doc/auto-multiple-choice/auto-multiple-choice.en.pdf",
		"usr/share/doc/auto-multiple-choice/auto-multiple-choice.fr.pdf",
		"usr/share/doc/auto-multiple-choice/latex/automultiplechoice.pdf",
		"usr/share/doc/auto-multiple-choice/latex/sample-amc.pdf",
		"usr/share/doc/auto-multiple-choice/latex/sample-plain.pdf",
		"usr/share/doc/auto-multiple-choice/latex/sample-separate.pdf"}, "a manual and exam answer forms (LaTeX)"},
	{"python-reportlab-doc", []string{"usr/share/doc/python-reportlab-doc/reportlab-userguide.pdf"}, "ReportLab user guide (ReportLab)"},
	{"why3-doc-pdf", []string{"usr/share/doc/why3-doc-pdf/manual.pdf"}, "Why3 manual (Sphinx)"},
	{"camlidl-doc", []string{"usr/share/doc/camlidl/camlidl-1.04.doc.pdf"}, "CamlIDL manual"},
	{"freefem-doc", []string{"usr/share/doc/freefem-doc/freefem.pdf"}, "FreeFEM manual"},
	{"docbook-xsl-doc-pdf", []string{"usr/share/doc/docbook-xsl-doc-pdf/doc/reference.pdf.gz"}, "DocBook XSL reference (FO)"},
	{"gri-pdf-doc", []string{"usr/share/doc/gri/gri.pdf.gz"}, "Gri manual"},
	{"siscone-doc-pdf", []string{"usr/share/doc/siscone-doc-pdf/pdf/refman.pdf.gz"}, "SISCone reference (doxygen)"},
	{"live-manual-pdf", []string{
		"usr/share/doc/live-manual/pdf/live-manual.portrait.en.a4.pdf.gz",
		"usr/share/doc/live-manual/pdf/live-manual.portrait.de.a4.pdf.gz"}, "Debian Live manual"},
	{"ghostscript-doc", []string{"usr/share/doc/ghostscript/GS9_Color_Management.pdf"}, "Ghostscript colour management paper"},
}

// result is one PDF measured.
type result struct {
	pkg, file          string
	pages              int
	refWords, ourWords int
	common             int
	ourTime, refTime   time.Duration
	err                error
}

func (r result) agreement() float64 {
	if r.refWords+r.ourWords == 0 {
		return 0
	}
	return 2 * float64(r.common) / float64(r.refWords+r.ourWords)
}

func main() {
	work := flag.String("work", filepath.Join(os.TempDir(), "brook-docbench"), "where packages are downloaded and unpacked")
	out := flag.String("out", "bench-results/documents.md", "report file")
	flag.Parse()
	log.SetFlags(0)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		log.Fatal("docbench needs pdftotext: apt-get install poppler-utils (make deps-test installs it)")
	}
	if err := os.MkdirAll(*work, 0o755); err != nil {
		log.Fatal(err)
	}
	var results []result
	for _, s := range sources {
		dir, err := unpack(*work, s.pkg)
		if err != nil {
			log.Fatalf("%s: %v", s.pkg, err)
		}
		for _, f := range s.files {
			path, err := plainPDF(filepath.Join(dir, f))
			if err != nil {
				log.Fatalf("%s: %v", f, err)
			}
			r := measure(path)
			r.pkg, r.file = s.pkg, filepath.Base(path)
			fmt.Printf("%-30s %-40s %5.1f %%  %v\n", r.pkg, r.file, 100*r.agreement(), r.err)
			results = append(results, r)
		}
	}
	report := render(results)
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", *out)
}

// unpack downloads pkg with apt-get download (once) and unpacks it.
func unpack(work, pkg string) (string, error) {
	dir := filepath.Join(work, pkg)
	if _, err := os.Stat(filepath.Join(dir, ".unpacked")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	cmd := exec.Command("apt-get", "download", pkg)
	cmd.Dir, cmd.Stderr = dir, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("apt-get download (run apt-get update first?): %w", err)
	}
	debs, _ := filepath.Glob(filepath.Join(dir, pkg+"_*.deb"))
	if len(debs) == 0 {
		return "", fmt.Errorf("no .deb downloaded")
	}
	if out, err := exec.Command("dpkg-deb", "-x", debs[0], dir).CombinedOutput(); err != nil {
		return "", fmt.Errorf("dpkg-deb: %v: %s", err, out)
	}
	return dir, os.WriteFile(filepath.Join(dir, ".unpacked"), nil, 0o644)
}

// plainPDF returns the path of the PDF, gunzipping a ".pdf.gz" beside it.
func plainPDF(path string) (string, error) {
	if !strings.HasSuffix(path, ".gz") {
		return path, nil
	}
	plain := strings.TrimSuffix(path, ".gz")
	if _, err := os.Stat(plain); err == nil {
		return plain, nil
	}
	in, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		return "", err
	}
	outFile, err := os.Create(plain)
	if err != nil {
		return "", err
	}
	defer outFile.Close()
	_, err = io.Copy(outFile, zr)
	return plain, err
}

func measure(path string) result {
	var r result
	start := time.Now()
	ref, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	r.refTime = time.Since(start)
	if err != nil {
		r.err = fmt.Errorf("pdftotext: %w", err)
		return r
	}
	start = time.Now()
	doc, err := documents.ReadFile(path)
	r.ourTime = time.Since(start)
	if err != nil {
		r.err = err
		return r
	}
	r.pages = doc.Pages
	refBag, ourBag := bag(string(ref)), bag(withoutPageMarks(doc.Text))
	for w, n := range refBag {
		r.refWords += n
		r.common += min(n, ourBag[w])
	}
	for _, n := range ourBag {
		r.ourWords += n
	}
	return r
}

// withoutPageMarks drops the "--- Page N ---" lines Brook adds.
func withoutPageMarks(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "--- Page ") && strings.HasSuffix(line, " ---") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// plain spells out ligatures and makes typographic quotes, dashes and
// spaces plain: either tool may give either form of the same glyph.
var plain = strings.NewReplacer(
	"ﬀ", "ff", "ﬁ", "fi", "ﬂ", "fl", "ﬃ", "ffi", "ﬄ", "ffl", "ﬅ", "st", "ﬆ", "st",
	"‘", "'", "’", "'", "“", `"`, "”", `"`, "–", "-", "—", "-", "−", "-", "\u00a0", " ",
	"\u00ad", "", "\f", " ")

func bag(text string) map[string]int {
	words := map[string]int{}
	for _, w := range strings.Fields(plain.Replace(text)) {
		words[w]++
	}
	return words
}

func render(results []result) string {
	var b strings.Builder
	b.WriteString("# Document reader: Brook's PDF text against pdftotext\n\n")
	fmt.Fprintf(&b, "Measured by `go run ./tools/docbench` (part of `make bench`) on %s, %d cores, %s.\n",
		runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
	b.WriteString("Reference: `pdftotext` (Debian poppler-utils). Brook: `backend/documents`, pure Go " +
		"(github.com/ledongthuc/pdf for parsing and glyph positions; words and lines are rebuilt from positions).\n\n")
	b.WriteString("Agreement is the F1 of the two bags of words (whitespace-split, ligatures spelled out, quotes and " +
		"dashes made plain): twice the words in common over the sum of both counts. Order is not compared.\n\n")
	b.WriteString("| package | PDF | pages | words (pdftotext) | words (Brook) | agreement | Brook | pdftotext |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|\n")
	var sumCommon, sumWords int
	var scores []float64
	failed := 0
	for _, r := range results {
		if r.err != nil {
			failed++
			fmt.Fprintf(&b, "| %s | %s | | | | not read: %s | | |\n", r.pkg, r.file, r.err)
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %.1f %% | %s | %s |\n", r.pkg, r.file, r.pages, r.refWords, r.ourWords,
			100*r.agreement(), r.ourTime.Round(time.Millisecond), r.refTime.Round(time.Millisecond))
		sumCommon += r.common
		sumWords += r.refWords + r.ourWords
		scores = append(scores, r.agreement())
	}
	sort.Float64s(scores)
	if len(scores) > 0 {
		var mean float64
		for _, s := range scores {
			mean += s
		}
		mean /= float64(len(scores))
		fmt.Fprintf(&b, "\n**%d PDFs read** (%d not read). Agreement over all words: **%.1f %%**; mean per PDF %.1f %%, "+
			"median %.1f %%, lowest %.1f %%. Goal: at least 95 %% on PDFs with a text layer.\n",
			len(scores), failed, 100*2*float64(sumCommon)/float64(sumWords), 100*mean, 100*scores[len(scores)/2], 100*scores[0])
	}
	return b.String()
}
