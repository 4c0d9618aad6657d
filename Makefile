# Brook. `make run` sets up and opens the app; `make test` runs every test.
# Both install whatever is missing first.
SHELL := /bin/bash
BIN   := build/bin/brook
# The end-to-end tests drive a build that also has the test hooks (a bound
# TestService, files instead of native dialogs); the release binary has none.
TEST_BIN := build/bin/brook-test
TAGS  := desktop,production,webkit2_41
GO_SOURCES := $(shell find app backend main.go -name '*.go' -not -name '*_test.go' 2>/dev/null)
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts -type f 2>/dev/null)
# The TypeScript bindings of the bound Go services: generated with the release
# tags (never the test hooks) and committed. The stamp says when they were last
# generated; the UI is rebuilt only when a file in them changed.
BINDINGS := $(shell find frontend/wailsjs -type f 2>/dev/null)
BINDINGS_STAMP := build/bin/.bindings
ARTIFACTS := test-artifacts

.PHONY: all run build deps deps-test deps-dist dist test-installed frontend catalogues bindings check-bindings test test-go test-frontend test-real-ollama test-e2e bench dev screenshots clean

all: build

## run: install what is missing, build, and open Brook.
run: build
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display: run Brook from a desktop session, or try: xvfb-run -a $(BIN)"; exit 1; fi
	./$(BIN)

## build: the stripped binary at build/bin/brook.
build: deps $(BIN)

deps:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test
	@scripts/ensure-mcp-servers.sh >/dev/null

deps-dist:
	@scripts/install-deps.sh dist

## bindings: regenerate the TypeScript bindings (frontend/wailsjs) from the bound Go services; commit them.
bindings:
	BINDINGS_TAGS=$(TAGS) scripts/bindings.sh generate
	@mkdir -p $(dir $(BINDINGS_STAMP)) && touch $(BINDINGS_STAMP)

## check-bindings: fail when the committed frontend/wailsjs is not what the Go services generate.
check-bindings:
	BINDINGS_TAGS=$(TAGS) scripts/bindings.sh check

$(BINDINGS_STAMP): $(GO_SOURCES) go.mod go.sum wails.json
	BINDINGS_TAGS=$(TAGS) scripts/bindings.sh generate
	@mkdir -p $(@D) && touch $@

$(BINDINGS): $(BINDINGS_STAMP) ;

frontend/dist/index.html: $(FRONTEND_SOURCES) $(BINDINGS) frontend/package.json
	cd frontend && npm run build

frontend: frontend/dist/index.html

# The Go side's message catalogues, deflated into one zip that the binary
# embeds instead of the JSON (tools/catalogues; a test fails when it is stale).
CATALOGUES := backend/i18n/catalogues.zip

## catalogues: repack backend/i18n/locales/*.json into backend/i18n/catalogues.zip; commit it.
catalogues: $(CATALOGUES)

$(CATALOGUES): $(wildcard backend/i18n/locales/*.json) tools/catalogues/main.go
	go run ./tools/catalogues

# Size: no symbol tables, and no inlining outside SQLite and the Go runtime,
# where the time goes (1.4 MB less binary; see README, "What Brook costs").
# The version stamp (see backend/version): git describe and the short commit.
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  := $(shell git rev-parse --short HEAD 2>/dev/null)
VERSION_LDFLAGS := -X brook/backend/version.Version=$(VERSION) -X brook/backend/version.Commit=$(COMMIT)
GO_BUILD_FLAGS := -trimpath -ldflags "-w -s $(VERSION_LDFLAGS)" -gcflags=all=-l -gcflags='modernc.org/...=' -gcflags='runtime='

# SLIM_WAILS prints -modfile for a Wails without its never-shown placeholder
# page (201 kB less; see scripts/slim-wails.sh).
SLIM_WAILS := scripts/slim-wails.sh

$(BIN): frontend/dist/index.html $(CATALOGUES) $(GO_SOURCES) go.mod go.sum $(SLIM_WAILS)
	modfile=$$($(SLIM_WAILS)) && go build $$modfile -tags $(TAGS) $(GO_BUILD_FLAGS) -o $(BIN) .

$(TEST_BIN): frontend/dist/index.html $(CATALOGUES) $(GO_SOURCES) go.mod go.sum $(SLIM_WAILS)
	modfile=$$($(SLIM_WAILS)) && go build $$modfile -tags $(TAGS),testhooks $(GO_BUILD_FLAGS) -o $(TEST_BIN) .

## test: every test: Go unit tests, frontend tests, real Ollama, end to end in the real window.
test: deps-test
	$(MAKE) check-bindings
	$(MAKE) test-go test-frontend
	$(MAKE) $(BIN) $(TEST_BIN)
	@if grep -aq BROOK_TEST_SCENARIO $(BIN); then echo "the release binary carries test hooks"; exit 1; fi
	$(MAKE) test-real-ollama test-e2e
	$(MAKE) test-installed

# main embeds frontend/dist, so vetting it needs the built UI.
test-go: frontend/dist/index.html $(CATALOGUES)
	go vet ./backend/... ./tools/... ./tests/... ./e2e/...
	go vet -tags $(TAGS) ./app/... .
	go vet -tags $(TAGS),testhooks ./app/...
	BROOK_MCP_SERVERS="$$(scripts/ensure-mcp-servers.sh)" go test -count=1 ./backend/... ./tools/...
	go test -count=1 -tags $(TAGS) ./app/...
	scripts/fuzz-short.sh

test-frontend:
	cd frontend && npm run check && npx vitest run

test-real-ollama:
	BROOK_OLLAMA_BIN="$$(scripts/ensure-ollama.sh)" go test -count=1 -timeout 15m ./tests/realollama/...

test-e2e:
	mkdir -p $(ARTIFACTS)
	BROOK_BIN="$(CURDIR)/$(TEST_BIN)" BROOK_ARTIFACTS="$(CURDIR)/$(ARTIFACTS)" BROOK_OLLAMA_BIN="$$(scripts/ensure-ollama.sh)" BROOK_MCP_SERVERS="$$(scripts/ensure-mcp-servers.sh)" \
	  go test -count=1 -timeout 30m -v ./e2e/... 2>&1 | tee $(ARTIFACTS)/e2e.log | grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic|\s+\S+_test.go|        )' | cut -c1-2000 ; exit $${PIPESTATUS[0]}

## dist: release files in dist/: Linux binary, .deb, .tar.gz, Windows .exe and
## NSIS installer, SHA256SUMS (all stamped with git describe).
dist: deps-dist frontend/dist/index.html $(CATALOGUES)
	TAGS=$(TAGS) scripts/dist.sh

## test-installed: build dist/, install the .deb with apt, run and photograph the
## installed app, validate its desktop/AppStream files, remove it; check the Windows files.
test-installed: dist
	mkdir -p $(ARTIFACTS)
	BROOK_ARTIFACTS="$(CURDIR)/$(ARTIFACTS)" scripts/test-installed.sh

## bench: store, streaming, recovery and rendering benchmarks (separate from tests),
## what exporting everything costs in memory (bench-results/export-memory.md),
## how Brook's PDF reader agrees with pdftotext (bench-results/documents.md),
## what the real window costs (bench-results/window.md), and the token
## estimate against the real Ollama's counts (bench-results/context.md), and
## retrieval: indexing, search over 100,000 chunks, top-5 quality (bench-results/retrieval.md).
bench: deps-test $(BIN)
	go test -run '^$$' -bench . -benchmem -timeout 60m ./backend/...
	scripts/export-memory.sh bench-results/export-memory.md
	go run ./tools/recoverybench
	BROOK_CONTEXT_BENCH=1 BROOK_OLLAMA_BIN="$$(scripts/ensure-ollama.sh)" go test -count=1 -timeout 15m -run TestContextEstimateBench ./tests/realollama/
	BROOK_RETRIEVAL_BENCH=1 BROOK_OLLAMA_BIN="$$(scripts/ensure-ollama.sh)" go test -count=1 -timeout 30m -run TestRetrievalBench ./tests/realollama/
	go run ./tools/docbench
	GOFLAGS=$$($(SLIM_WAILS)) go run ./tools/footprint -tags $(TAGS) -release $(BIN) -out bench-results/footprint.md
	cd frontend && npx vitest run --config vitest.perf.config.ts --silent=false
	BROOK_WINDOW_BENCH=1 BROOK_BIN="$(CURDIR)/$(BIN)" BROOK_OLLAMA_BIN="$$(scripts/ensure-ollama.sh)" BROOK_MCP_SERVERS="$$(scripts/ensure-mcp-servers.sh)" \
	  go test -count=1 -timeout 20m -v -run TestWindowBench ./tests/windowbench/

## screenshots: photograph the main states of the real window into docs/screenshots.
screenshots: deps-test $(TEST_BIN)
	mkdir -p docs/screenshots $(ARTIFACTS)
	BROOK_BIN="$(CURDIR)/$(TEST_BIN)" BROOK_ARTIFACTS="$(CURDIR)/$(ARTIFACTS)" BROOK_SCREENSHOTS="$(CURDIR)/docs/screenshots" \
	  BROOK_OLLAMA_BIN="$$(scripts/ensure-ollama.sh)" BROOK_MCP_SERVERS="$$(scripts/ensure-mcp-servers.sh)" \
	  go test -count=1 -run 'TestMainStatesScreenshots|TestFirstRunWithoutOllamaSaysHowToInstallIt|TestContextChoiceScreenshot' -v ./e2e/

## dev: live-reloading development window (wails dev).
dev: deps
	$$(go env GOPATH)/bin/wails dev -tags webkit2_41

clean:
	rm -rf build/bin frontend/dist dist $(ARTIFACTS)
