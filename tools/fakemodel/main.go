// Command fakemodel serves Ollama's or OpenAI's wire protocol on loopback
// with scripted answers, so Brook can be tried and demonstrated without a
// model. It can also break its streams on purpose, to watch Brook recover:
//
//	go run ./tools/fakemodel -kind ollama -fault DropMidLine
//
// With -read-file-tool it is a model that calls tools: asked about an
// absolute path, it calls that tool to read the file, then quotes what the
// tool gave (providertest.Script.ReadFileTool):
//
//	go run ./tools/fakemodel -read-file-tool read_text_file
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"time"

	"brook/backend/providertest"
)

func main() {
	kind := flag.String("kind", "ollama", "wire protocol: ollama or openai")
	fault := flag.String("fault", "None", "stream fault: "+strings.Join(faultNames(), ", "))
	after := flag.Int("after", 20, "tokens before the fault")
	delay := flag.Duration("delay", 30*time.Millisecond, "pause between tokens")
	answer := flag.String("answer", providertest.DemoAnswer, "the answer to every prompt")
	readFileTool := flag.String("read-file-tool", "", "call this tool to read a path named in the prompt, then quote the result")
	flag.Parse()

	script := providertest.Script{Answer: *answer, Tokens: providertest.SplitTokens(*answer, 4), TokenDelay: *delay,
		FaultAfterTokens: *after, Models: []string{"tiny:latest", "demo:7b", providertest.VisionModel}, ReadFileTool: *readFileTool}
	found := false
	for f := providertest.None; f <= providertest.StatusError; f++ {
		if f.String() == *fault {
			script.Fault, found = f, true
		}
	}
	if !found {
		log.Fatalf("unknown fault %q", *fault)
	}
	var srv *providertest.Server
	switch *kind {
	case "ollama":
		srv = providertest.NewOllama(script)
	case "openai":
		srv = providertest.NewOpenAI(script)
	default:
		log.Fatalf("unknown kind %q", *kind)
	}
	defer srv.Close()
	fmt.Println(srv.URL)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
}

func faultNames() []string {
	var names []string
	for f := providertest.None; f <= providertest.StatusError; f++ {
		names = append(names, f.String())
	}
	return names
}
