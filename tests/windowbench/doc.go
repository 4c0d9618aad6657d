// Package windowbench measures what Brook's real window costs: the built
// binary runs in a real WebKitGTK window under Xvfb (with WebKit's defaults,
// compositing on, as a user gets them), driven with xdotool, against the
// fake Ollama of backend/providertest and the real Ollama server of
// tests/realollama.
//
// It is a benchmark, not a test: TestWindowBench measures, prints one
// Markdown table (figure, value, goal) and writes it with a description of
// the machine to bench-results/window.md. It asserts nothing about timings;
// it fails only when a measurement could not run (the window never became
// ready, an answer did not complete, ...). `make bench` runs it:
//
//	BROOK_WINDOW_BENCH=1 BROOK_BIN=$PWD/build/bin/brook \
//	BROOK_OLLAMA_BIN="$(scripts/ensure-ollama.sh)" \
//	go test -count=1 -timeout 20m -v -run TestWindowBench ./tests/windowbench/
//
// Without BROOK_WINDOW_BENCH=1 the test skips. BROOK_BIN defaults to
// build/bin/brook at the module's root; the bench runs a copy of it, so a
// rebuild meanwhile does not change what is measured. BROOK_OLLAMA_BIN is the
// real Ollama server (see tests/realollama). With BROOK_ARTIFACTS=dir it
// saves pictures of the window (windowbench-*.png) there.
//
// bench-results/window.md is the source of README's headline figures.
//
// Brook runs with WebKit's and Brook's own defaults: the bench sets no
// WEBKIT_* variable (the end-to-end tests set WEBKIT_DISABLE_COMPOSITING_MODE;
// the bench removes it from the environment it passes on).
//
// # One figure at a time
//
// BROOK_WINDOW_BENCH_ONLY takes a comma-separated list of the measures to
// run; then the table is printed but bench-results/window.md is left alone
// (set BROOK_WINDOW_BENCH_OUT=path to write it elsewhere). The names:
//
//	size        the binary's size in bytes
//	launch      exec to the log line "ui ready", median of 5 launches
//	idle        idle CPU with a 200-message conversation open (30 s)
//	waiting     idle CPU while an answer waits for its first token (30 s)
//	send        CPU per token as a user meets it: typing and sending the
//	            prompt, a 1,500-token Markdown answer at 50 tokens/s, and its
//	            final render (the goal row)
//	cpu5        CPU per token at 5 tokens/s (100 tokens of Markdown)
//	cpu50       CPU per token at 50 tokens/s (a ~2,000-token Markdown answer),
//	            with the split by process and first vs last quarter
//	cpu300      the same at 300 tokens/s
//	slowdown    the real Ollama server's request time for a 200-token answer
//	            read by a bare client / streamed into Brook's window (median of 3)
//	pss-idle    PSS of Brook and its WebKit processes, idle with 10,000
//	            conversations in the database
//	pss-answer  PSS after a 20,000-token answer
//
// For example, to iterate on the streaming cost alone:
//
//	BROOK_WINDOW_BENCH=1 BROOK_WINDOW_BENCH_ONLY=cpu50 go test -count=1 -v -run TestWindowBench ./tests/windowbench/
//
// BROOK_WINDOW_BENCH_IDLE_SECONDS shortens or lengthens the idle windows
// (default 30).
//
// # How CPU is counted
//
// CPU is utime+stime (fields 14 and 15 of /proc/PID/stat) summed over
// Brook's process and all its descendants (found through
// /proc/PID/task/*/children), read before and after. A streamed answer is
// counted from the moment Return is pressed until the answer is stored
// whole and the window has gone quiet (under 2% of a core for half a
// second). A loopback proxy between Brook and the fake server counts the
// answer's NDJSON lines, so CPU is also read when a quarter, half and three
// quarters of the tokens have been sent: the first and last quarters'
// costs per token tell whether the cost grows with the answer.
//
// "As a user meets it" (send) counts more: from before the click into the
// composer and the keystrokes of the prompt, through a 1,500-token answer,
// until the window has drawn the finished answer (stored whole, then Brook
// and WebKit quiet) and two seconds more, so work left to a timer counts
// too. Only then does the bench look at the screen, to check that the window
// had settled (two pictures a second apart are the same): a picture of the
// screen wakes WebKit, which would be counted.
//
// Other processes on the machine compete for its cores; the table says how
// busy the machine was outside Brook while streaming.
package windowbench
