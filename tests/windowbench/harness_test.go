package windowbench

import (
	"brook/tests/realollama"
	"bufio"
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// display is the X display of the bench's own Xvfb.
var display string

// startXvfb starts a virtual display of its own, so the bench never touches a
// real desktop.
func startXvfb() (func(), error) {
	for n := 140 + os.Getpid()%40; n < 260; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		cmd := exec.Command("Xvfb", fmt.Sprintf(":%d", n), "-screen", "0", "1280x900x24", "-nolisten", "tcp")
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("starting Xvfb: %w", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		socket := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		for i := 0; i < 100; i++ {
			select {
			case <-exited:
				i = 100 // the display was taken meanwhile: try the next
				continue
			default:
			}
			if _, err := os.Stat(socket); err == nil {
				display = fmt.Sprintf(":%d", n)
				return func() {
					cmd.Process.Signal(syscall.SIGTERM)
					select {
					case <-exited:
					case <-time.After(5 * time.Second):
						cmd.Process.Kill()
						<-exited
					}
				}, nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		cmd.Process.Kill()
		<-exited
	}
	return nil, errors.New("no free X display for Xvfb")
}

// brook is one running Brook process.
type brook struct {
	t        testing.TB
	cmd      *exec.Cmd
	pid      int
	dataHome string
	launched time.Time
	exited   chan struct{}
	exitErr  error
	stderr   string
	readyN   int // "ui ready" lines in the log before this launch
	db       *sql.DB
	stopped  bool
}

// brookEnv is the environment Brook runs in: the bench's own, without
// anything that would change where Brook keeps its data, which servers it
// uses or how WebKit renders. WEBKIT_DISABLE_COMPOSITING_MODE in particular
// is dropped: the bench measures WebKit's defaults, what a user gets.
func brookEnv(dataHome, ollamaHost string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "WEBKIT_"), strings.HasPrefix(k, "OLLAMA_"), strings.HasPrefix(k, "OPENAI_"),
			strings.HasPrefix(k, "BROOK_"), strings.HasPrefix(k, "GDK_"),
			k == "HOME", k == "DISPLAY", k == "WAYLAND_DISPLAY", k == "DBUS_SESSION_BUS_ADDRESS",
			k == "XDG_DATA_HOME", k == "XDG_CONFIG_HOME", k == "XDG_CACHE_HOME", k == "XDG_STATE_HOME":
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"DISPLAY="+display,
		"XDG_DATA_HOME="+dataHome,
		"HOME="+dataHome, // the keyring and GTK settings stay in the bench's folder
		"OLLAMA_HOST="+ollamaHost,
		"OPENAI_API_KEY=", "OPENAI_BASE_URL=",
		"DBUS_SESSION_BUS_ADDRESS=disabled:",
		"GDK_BACKEND=x11",
	)
}

func dbPathOf(dataHome string) string  { return filepath.Join(dataHome, "brook", "brook.db") }
func logPathOf(dataHome string) string { return filepath.Join(dataHome, "brook", "logs", "brook.log") }

// startBrook launches Brook with its data in dataHome (a new folder when
// empty) and Ollama at ollamaHost (host:port). It is stopped in t.Cleanup.
func startBrook(t testing.TB, dataHome, ollamaHost string) *brook {
	t.Helper()
	if dataHome == "" {
		dataHome = t.TempDir()
	}
	b := &brook{t: t, dataHome: dataHome, exited: make(chan struct{})}
	b.readyN = len(grepLines(logPathOf(dataHome), "ui ready"))
	b.cmd = exec.Command(runBin)
	b.cmd.Env = brookEnv(dataHome, ollamaHost)
	f, err := os.CreateTemp(t.TempDir(), "brook-output-*.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b.stderr = f.Name()
	b.cmd.Stdout, b.cmd.Stderr = f, f
	// Its own process group, so that stopping it reaches its WebKit processes.
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	b.launched = time.Now()
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b.pid = b.cmd.Process.Pid
	go func() { b.exitErr = b.cmd.Wait(); close(b.exited) }()
	t.Cleanup(func() {
		b.stop()
		if t.Failed() {
			out, _ := os.ReadFile(b.stderr)
			t.Logf("brook output (tail):\n%s", tail(string(out), 3000))
		}
	})
	return b
}

// stop asks Brook to close as a window manager would (SIGTERM), then ends
// what is left of its process group.
func (b *brook) stop() {
	if b.stopped {
		return
	}
	b.stopped = true
	if b.db != nil {
		b.db.Close()
		b.db = nil
	}
	select {
	case <-b.exited:
	default:
		syscall.Kill(b.pid, syscall.SIGTERM)
		select {
		case <-b.exited:
		case <-time.After(15 * time.Second):
		}
	}
	syscall.Kill(-b.pid, syscall.SIGKILL) // WebKit processes left behind, if any
	select {
	case <-b.exited:
	case <-time.After(5 * time.Second):
	}
}

// waitReady waits for the log line "ui ready" of this launch (history shown,
// composer focused) and returns the time from exec to seeing it.
func (b *brook) waitReady(timeout time.Duration) (time.Duration, error) {
	deadline := time.Now().Add(timeout)
	path := logPathOf(b.dataHome)
	for time.Now().Before(deadline) {
		if n := len(grepLines(path, "ui ready")); n > b.readyN {
			return time.Since(b.launched), nil
		}
		select {
		case <-b.exited:
			return 0, fmt.Errorf("Brook exited before its window was ready: %v", b.exitErr)
		case <-time.After(5 * time.Millisecond):
		}
	}
	return 0, fmt.Errorf("the window was not ready within %s", timeout)
}

// waitLogLine waits up to timeout for a line holding substr in Brook's log,
// after this launch's "ui ready", and reports whether it came.
func (b *brook) waitLogLine(substr string, timeout time.Duration) bool {
	path := logPathOf(b.dataHome)
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(path)
		ready := 0
		for _, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, "ui ready") {
				ready++
			} else if ready > b.readyN && strings.Contains(line, substr) {
				return true
			}
		}
		select {
		case <-b.exited:
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
	return false
}

func (b *brook) mustReady() {
	b.t.Helper()
	if _, err := b.waitReady(90 * time.Second); err != nil {
		b.t.Fatal(err)
	}
}

// database opens Brook's database beside the running app, for reading.
func (b *brook) database() *sql.DB {
	if b.db == nil {
		db, err := sql.Open("sqlite", "file:"+dbPathOf(b.dataHome)+"?_pragma=busy_timeout(5000)")
		if err != nil {
			b.t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		b.db = db
	}
	return b.db
}

// lastAnswer is the newest assistant message in Brook's database.
type lastAnswer struct {
	ID               int64
	State            string
	Content          string
	CompletionTokens int
}

func (b *brook) lastAnswer() (lastAnswer, error) {
	var a lastAnswer
	err := b.database().QueryRow(`SELECT id, state, content, completion_tokens FROM messages
		WHERE role = 'assistant' ORDER BY id DESC LIMIT 1`).Scan(&a.ID, &a.State, &a.Content, &a.CompletionTokens)
	if errors.Is(err, sql.ErrNoRows) {
		return lastAnswer{}, nil
	}
	return a, err
}

// waitAnswer waits until an assistant message newer than after is stored
// and no longer streaming.
func (b *brook) waitAnswer(after int64, timeout time.Duration) (lastAnswer, error) {
	deadline := time.Now().Add(timeout)
	var last lastAnswer
	var err error
	for time.Now().Before(deadline) {
		last, err = b.lastAnswer()
		if err == nil && last.ID > after && last.State != "streaming" {
			return last, nil
		}
		select {
		case <-b.exited:
			return last, fmt.Errorf("Brook exited while answering: %v", b.exitErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
	return last, fmt.Errorf("no whole answer within %s (last: id %d, %s, %d bytes, err %v)", timeout, last.ID, last.State, len(last.Content), err)
}

// waitQuiet waits until Brook and its WebKit processes together have used
// at most 1 clock tick in half a second (2% of a core at 100 ticks/s), for
// at most max. It reports whether they went quiet.
func (b *brook) waitQuiet(max time.Duration) bool {
	deadline := time.Now().Add(max)
	prev := treeTicks(b.pid)
	for time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		cur := treeTicks(b.pid)
		if cur-prev <= 1 {
			return true
		}
		prev = cur
	}
	return false
}

// xdotool runs xdotool on the bench's display.
func xdotool(t testing.TB, args ...string) {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool %v: %v %s", args, err, out)
	}
}

// Where things are in the window: there is no window manager, so Brook's
// 1280×900 window sits at a fixed place on the 1280×900 screen.
const (
	composerX, composerY = "740", "822" // the composer's text area
	firstChatX           = "120"        // the sidebar's conversations
)

// firstChatYs are the rows where the sidebar's first conversation may be:
// under the New chat button, or under the projects heading and its hint.
var firstChatYs = []string{"176", "206", "254"}

// typeMessage puts text into the composer with the real keyboard. It does
// not press Return.
func typeMessage(t testing.TB, text string) {
	t.Helper()
	xdotool(t, "mousemove", composerX, composerY, "click", "1")
	time.Sleep(100 * time.Millisecond)
	xdotool(t, "type", "--delay", "12", text)
	restPointer(t)
}

// restPointer moves the pointer to an empty part of the sidebar, so no
// hover effect or tooltip is left showing. It stays over the window, which
// keeps the keyboard focus (there is no window manager).
func restPointer(t testing.TB) {
	t.Helper()
	xdotool(t, "mousemove", "140", "600")
}

// screen takes a picture of the whole virtual screen.
func screen(t testing.TB) image.Image {
	t.Helper()
	cmd := exec.Command("import", "-display", display, "-window", "root", "png:-")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("screenshot: %v %s", err, errb.String())
	}
	img, err := png.Decode(&out)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return img
}

// saveScreen saves a picture of the screen into $BROOK_ARTIFACTS, if set.
func saveScreen(t testing.TB, name string) {
	dir := os.Getenv("BROOK_ARTIFACTS")
	if dir == "" {
		return
	}
	cmd := exec.Command("import", "-display", display, "-window", "root", filepath.Join(dir, "windowbench-"+name+".png"))
	cmd.Run()
}

// changedPixels counts the pixels that differ between a and b inside r.
func changedPixels(a, b image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				n++
			}
		}
	}
	return n
}

// ---- processes --------------------------------------------------------------

// clockTicks is the kernel's clock ticks per second (getconf CLK_TCK).
var clockTicks = func() float64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err == nil {
		if v, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil && v > 0 {
			return float64(v)
		}
	}
	return 100
}()

// tree returns pid and all its descendants.
func tree(pid int) []int {
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", out[i]))
		for _, f := range tasks {
			data, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			for _, s := range strings.Fields(string(data)) {
				if c, err := strconv.Atoi(s); err == nil {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// procStat returns a process's name and utime+stime in clock ticks.
func procStat(pid int) (name string, ticks uint64, ok bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, false
	}
	s := string(data)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", 0, false
	}
	name = s[open+1 : end]
	f := strings.Fields(s[end+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return "", 0, false
	}
	ut, _ := strconv.ParseUint(f[11], 10, 64) // field 14
	st, _ := strconv.ParseUint(f[12], 10, 64) // field 15
	return name, ut + st, true
}

// role names a process of Brook's tree for the split by process.
func role(root, pid int, comm string) string {
	switch {
	case pid == root:
		return "Brook"
	case strings.HasPrefix(comm, "WebKitWebProc"):
		return "WebKitWebProcess"
	case strings.HasPrefix(comm, "WebKitNetwork"):
		return "WebKitNetworkProcess"
	}
	return comm
}

// cpuSnap is the CPU used so far by each process of Brook's tree, and by
// the whole machine.
type cpuSnap struct {
	at      time.Time
	procs   map[int]procTicks
	machine uint64 // busy ticks of all CPUs, from /proc/stat
}

type procTicks struct {
	role  string
	ticks uint64
}

func snap(root int) cpuSnap {
	s := cpuSnap{at: time.Now(), procs: map[int]procTicks{}, machine: machineBusy()}
	for _, pid := range tree(root) {
		if comm, ticks, ok := procStat(pid); ok {
			s.procs[pid] = procTicks{role(root, pid, comm), ticks}
		}
	}
	return s
}

func treeTicks(root int) uint64 {
	var sum uint64
	for _, pid := range tree(root) {
		if _, ticks, ok := procStat(pid); ok {
			sum += ticks
		}
	}
	return sum
}

// machineBusy is the busy time of all CPUs in clock ticks (/proc/stat).
func machineBusy() uint64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	var busy uint64
	for i, v := range f[1:] {
		n, _ := strconv.ParseUint(v, 10, 64)
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		if i >= 8 { // guest time is already in user
			break
		}
		busy += n
	}
	return busy
}

// cpuDelta is the CPU used between two snapshots.
type cpuDelta struct {
	wall    time.Duration
	ticks   uint64            // Brook's tree
	byRole  map[string]uint64 // Brook's tree, by process
	machine uint64            // the whole machine
}

func delta(a, b cpuSnap) cpuDelta {
	d := cpuDelta{wall: b.at.Sub(a.at), byRole: map[string]uint64{}}
	for pid, p := range b.procs {
		before := uint64(0)
		if q, ok := a.procs[pid]; ok && q.role == p.role && q.ticks <= p.ticks {
			before = q.ticks
		}
		d.ticks += p.ticks - before
		d.byRole[p.role] += p.ticks - before
	}
	if b.machine > a.machine {
		d.machine = b.machine - a.machine
	}
	return d
}

// seconds converts clock ticks to CPU seconds.
func seconds(ticks uint64) float64 { return float64(ticks) / clockTicks }

// percentOfCore is d's CPU of Brook's tree as a percentage of one core.
func (d cpuDelta) percentOfCore() float64 {
	return 100 * seconds(d.ticks) / d.wall.Seconds()
}

// otherLoad is how many cores the rest of the machine kept busy meanwhile.
func (d cpuDelta) otherLoad() float64 {
	other := float64(d.machine) - float64(d.ticks)
	if other < 0 {
		other = 0
	}
	return other / clockTicks / d.wall.Seconds()
}

// pssOf returns the proportional set size of each process of Brook's tree
// (Pss of /proc/PID/smaps_rollup), by process, in kB.
func pssOf(root int) (map[string]int, error) {
	out := map[string]int{}
	for _, pid := range tree(root) {
		comm, _, ok := procStat(pid)
		if !ok {
			continue
		}
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
		if err != nil {
			return nil, err
		}
		found := false
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) >= 2 && f[0] == "Pss:" {
				kb, _ := strconv.Atoi(f[1])
				out[role(root, pid, comm)] += kb
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("no Pss in /proc/%d/smaps_rollup", pid)
		}
	}
	return out, nil
}

// waitMachineQuiet waits, for at most max, until the whole machine keeps
// under a quarter of a core busy for two seconds, so that other work (a
// build, another test) competes less with the measurement. It returns the
// load of the last two seconds, in cores.
func waitMachineQuiet(max time.Duration) float64 {
	deadline := time.Now().Add(max)
	for {
		a, at := machineBusy(), time.Now()
		time.Sleep(2 * time.Second)
		load := float64(machineBusy()-a) / clockTicks / time.Since(at).Seconds()
		if load < 0.25 || time.Now().After(deadline) {
			return load
		}
	}
}

// exeTicks is the CPU used so far by every process running the executable bin.
func exeTicks(bin string) uint64 {
	var sum uint64
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		if exe, err := os.Readlink(d + "/exe"); err != nil || exe != bin {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(d))
		if _, ticks, ok := procStat(pid); ok {
			sum += ticks
		}
	}
	return sum
}

// ---- small things ------------------------------------------------------------

func grepLines(path, substr string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return out
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func brookBin() string {
	if p := os.Getenv("BROOK_BIN"); p != "" {
		return p
	}
	root, err := realollama.ModuleRoot()
	if err != nil {
		return "build/bin/brook"
	}
	return filepath.Join(root, "build", "bin", "brook")
}
