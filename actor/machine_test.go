// machine_test.go tests the supervision tree and machine actors with a toy statem machine.

package actor

import (
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"

	"github.com/erlang-ssl-go/ssl/statem"
)

// toy is a small machine: states are strings set by Cast; Calls query it.
type toy struct {
	env        *Env
	infos      chan any
	terminated chan error
	crashed    chan any
	count      int
}

type watchReq struct{ pid *pa.PID }

var errNormal = errors.New("normal")

func (t *toy) HandleEvent(state statem.State, ev statem.Event) statem.Result {
	switch ev.Type {
	case statem.Call:
		switch req := ev.Content.(type) {
		case string:
			switch req {
			case "state":
				return statem.Keep(statem.Reply(ev.From, string(state)))
			case "count":
				return statem.Keep(statem.Reply(ev.From, t.count))
			case "panic":
				panic("boom")
			case "stop":
				return statem.Stop(errNormal, statem.Reply(ev.From, "bye"))
			case "noreply":
				return statem.Keep()
			case "self":
				return statem.Keep(statem.Reply(ev.From, t.env.Self()))
			}
		case watchReq:
			t.env.Watch(req.pid)
			return statem.Keep(statem.Reply(ev.From, "ok"))
		}
		return statem.Keep(statem.Reply(ev.From, "unknown"))
	case statem.Cast:
		if s, ok := ev.Content.(string); ok {
			if s == "stop" {
				return statem.Stop(errNormal)
			}
			return statem.Next(statem.State(s))
		}
	case statem.Info:
		t.count++
		if t.infos != nil {
			select {
			case t.infos <- ev.Content:
			default:
			}
		}
	case statem.GenericTimeout:
		if t.infos != nil {
			t.infos <- ev.Content
		}
	}
	return statem.Keep()
}

func (t *toy) Terminate(reason error, _ statem.State) {
	if t.terminated != nil {
		t.terminated <- reason
	}
}

func (t *toy) Crashed(v any) {
	if t.crashed != nil {
		t.crashed <- v
	}
}

func newToy() *toy {
	return &toy{infos: make(chan any, 1024), terminated: make(chan error, 1), crashed: make(chan any, 1)}
}

// builder returns a Builder for t and counts how often it ran (once per actor incarnation).
func builder(t *toy, runs *atomic.Int32) Builder {
	return func(env *Env) (statem.Callbacks, statem.State, statem.Config) {
		if runs != nil {
			runs.Add(1)
		}
		t.env = env
		return t, "idle", statem.Config{}
	}
}

func startSystem(t testing.TB) *System {
	t.Helper()
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func spawnToy(t testing.TB, s *System, m *toy, runs *atomic.Int32) *Ref {
	t.Helper()
	ref, err := s.SpawnMachine(builder(m, runs))
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func mustCall(t testing.TB, r *Ref, req any) any {
	t.Helper()
	v, err := r.Call(req, 5*time.Second)
	if err != nil {
		t.Fatalf("Call(%v): %v", req, err)
	}
	return v
}

func recvWithin[T any](t testing.TB, ch <-chan T, d time.Duration, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

func TestCallCastInfo(t *testing.T) {
	s := startSystem(t)
	m := newToy()
	ref := spawnToy(t, s, m, nil)

	if got := mustCall(t, ref, "state"); got != "idle" {
		t.Fatalf("state = %v, want idle", got)
	}
	ref.Cast("busy")
	if got := mustCall(t, ref, "state"); got != "busy" {
		t.Fatalf("state after Cast = %v, want busy", got)
	}
	if got := mustCall(t, ref, "self"); !got.(*pa.PID).Equal(ref.PID()) {
		t.Fatalf("Env.Self = %v, want %v", got, ref.PID())
	}
	s.Root().Send(ref.PID(), "hello")
	if got := recvWithin(t, m.infos, 5*time.Second, "info"); got != "hello" {
		t.Fatalf("info = %v, want hello", got)
	}
	go m.env.Post("posted")
	if got := recvWithin(t, m.infos, 5*time.Second, "post"); got != "posted" {
		t.Fatalf("post = %v, want posted", got)
	}
	if s.Live() != 1 {
		t.Fatalf("Live = %d, want 1", s.Live())
	}
	// Stop with reply: the reply arrives, then the actor goes away.
	if got := mustCall(t, ref, "stop"); got != "bye" {
		t.Fatalf("stop reply = %v", got)
	}
	if r := recvWithin(t, m.terminated, 5*time.Second, "terminate"); !errors.Is(r, errNormal) {
		t.Fatalf("Terminate reason = %v, want normal", r)
	}
	recvWithin(t, ref.Done(), 5*time.Second, "Done")
	if s.Live() != 0 {
		t.Fatalf("Live = %d after stop, want 0", s.Live())
	}
}

func TestPostFromGoroutines(t *testing.T) {
	s := startSystem(t)
	m := newToy()
	m.infos = nil
	ref := spawnToy(t, s, m, nil)
	mustCall(t, ref, "state") // builder has run: m.env is set
	const G, N = 8, 500
	var wg sync.WaitGroup
	for g := 0; g < G; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < N; i++ {
				m.env.Post(i)
			}
		}()
	}
	wg.Wait()
	// Posts from one goroutine are ordered before a later Call from any
	// goroutine only if sent before it: all are, since wg.Wait happened.
	if got := mustCall(t, ref, "count"); got != G*N {
		t.Fatalf("count = %v, want %d", got, G*N)
	}
}

func TestTimerFiresThroughActor(t *testing.T) {
	s := startSystem(t)
	m := newToy()
	ref, err := s.SpawnMachine(func(env *Env) (statem.Callbacks, statem.State, statem.Config) {
		m.env = env
		return timerToy{m}, "idle", statem.Config{}
	})
	if err != nil {
		t.Fatal(err)
	}
	ref.Cast("arm")
	if got := recvWithin(t, m.infos, 5*time.Second, "generic timeout"); got != "tick" {
		t.Fatalf("timeout content = %v, want tick", got)
	}
}

// timerToy arms a generic timeout on Cast "arm".
type timerToy struct{ *toy }

func (t timerToy) HandleEvent(state statem.State, ev statem.Event) statem.Result {
	if ev.Type == statem.Cast && ev.Content == "arm" {
		return statem.Keep(statem.SetGenericTimeout("t", 5*time.Millisecond, "tick"))
	}
	return t.toy.HandleEvent(state, ev)
}

func TestWatchDeliversTerminated(t *testing.T) {
	s := startSystem(t)
	watcher := newToy()
	wref := spawnToy(t, s, watcher, nil)
	victim := newToy()
	vref := spawnToy(t, s, victim, nil)

	if got := mustCall(t, wref, watchReq{vref.PID()}); got != "ok" {
		t.Fatal(got)
	}
	s.Root().Stop(vref.PID()) // kill it from outside
	got := recvWithin(t, watcher.infos, 5*time.Second, "Terminated")
	term, ok := got.(*pa.Terminated)
	if !ok || !term.Who.Equal(vref.PID()) {
		t.Fatalf("info = %#v, want *Terminated of %v", got, vref.PID())
	}
	if r := recvWithin(t, victim.terminated, 5*time.Second, "victim terminate"); !errors.Is(r, statem.ErrKilled) {
		t.Fatalf("victim reason = %v, want ErrKilled", r)
	}
	// Watching a dead actor delivers Terminated at once.
	mustCall(t, wref, watchReq{vref.PID()})
	got = recvWithin(t, watcher.infos, 5*time.Second, "Terminated of dead")
	if term, ok := got.(*pa.Terminated); !ok || !term.Who.Equal(vref.PID()) {
		t.Fatalf("info = %#v, want *Terminated", got)
	}
}

func TestPanicStopsOnlyThatMachine(t *testing.T) {
	s := startSystem(t)
	var runs, otherRuns atomic.Int32
	bad := newToy()
	bref := spawnToy(t, s, bad, &runs)
	good := newToy()
	gref := spawnToy(t, s, good, &otherRuns)
	mustCall(t, bref, "state")

	start := time.Now()
	_, err := bref.Call("panic", 5*time.Second)
	if !errors.Is(err, ErrNoProc) {
		t.Fatalf("Call(panic) err = %v, want ErrNoProc", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("Call to a crashing actor was slow")
	}
	if v := recvWithin(t, bad.crashed, time.Second, "Crashed"); v != "boom" {
		t.Fatalf("Crashed(%v), want boom", v)
	}
	if r := recvWithin(t, bad.terminated, time.Second, "Terminate"); !errors.Is(r, ErrCrashed) {
		t.Fatalf("Terminate reason = %v, want ErrCrashed", r)
	}
	recvWithin(t, bref.Done(), time.Second, "Done")
	// No restart: the builder ran once, and keeps having run once.
	time.Sleep(50 * time.Millisecond)
	if runs.Load() != 1 {
		t.Fatalf("builder ran %d times, want 1 (no restart)", runs.Load())
	}
	if got := mustCall(t, gref, "state"); got != "idle" {
		t.Fatalf("other machine state = %v", got)
	}
	if otherRuns.Load() != 1 {
		t.Fatalf("other builder ran %d times", otherRuns.Load())
	}
	if s.Live() != 1 {
		t.Fatalf("Live = %d, want 1", s.Live())
	}
}

func TestCallDeadAndPending(t *testing.T) {
	s := startSystem(t)
	m := newToy()
	ref := spawnToy(t, s, m, nil)

	if _, err := ref.Call("noreply", 20*time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}

	// A Call pending when the actor stops fails with ErrNoProc, even without a timeout.
	errc := make(chan error, 1)
	go func() {
		_, err := ref.Call("noreply", 0)
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	ref.Cast("stop")
	if err := recvWithin(t, errc, 5*time.Second, "pending call"); !errors.Is(err, ErrNoProc) {
		t.Fatalf("pending Call err = %v, want ErrNoProc", err)
	}

	start := time.Now()
	if _, err := ref.Call("state", 0); !errors.Is(err, ErrNoProc) {
		t.Fatalf("Call to dead err = %v, want ErrNoProc", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Fatalf("Call to dead took %v", d)
	}
}

func TestBuilderStopAtStart(t *testing.T) {
	s := startSystem(t)
	ref, err := s.SpawnMachine(func(env *Env) (statem.Callbacks, statem.State, statem.Config) {
		return nil, "", statem.Config{}
	})
	if err != nil {
		t.Fatal(err)
	}
	recvWithin(t, ref.Done(), 5*time.Second, "Done")
	if s.Live() != 0 {
		t.Fatalf("Live = %d", s.Live())
	}
}

func settleGoroutines(base int) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 300 && n > base; i++ {
		time.Sleep(10 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

func TestSystemStopNoLeaks(t *testing.T) {
	base := runtime.NumGoroutine()
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	const N = 50
	toys := make([]*toy, N)
	refs := make([]*Ref, N)
	for i := range toys {
		toys[i] = newToy()
		refs[i] = spawnToy(t, s, toys[i], nil)
	}
	for _, r := range refs {
		mustCall(t, r, "state")
	}
	// A machine with a pending Call and one that is mid-stop.
	pending := make(chan error, 1)
	go func() {
		_, err := refs[0].Call("noreply", 0)
		pending <- err
	}()
	owner, ch, _ := NewChannelOwner(s, 1)
	s.Root().Send(owner, "x")
	if v := recvWithin(t, ch, 5*time.Second, "owner msg"); v != "x" {
		t.Fatalf("owner got %v", v)
	}
	if s.Live() != N {
		t.Fatalf("Live = %d, want %d", s.Live(), N)
	}
	s.Stop()
	s.Stop() // idempotent
	if s.Live() != 0 {
		t.Fatalf("Live after Stop = %d", s.Live())
	}
	for i, r := range refs {
		select {
		case <-r.Done():
		default:
			t.Fatalf("machine %d not done", i)
		}
		if reason := recvWithin(t, toys[i].terminated, time.Second, "terminate"); !errors.Is(reason, statem.ErrKilled) {
			t.Fatalf("machine %d reason %v", i, reason)
		}
	}
	if err := recvWithin(t, pending, 5*time.Second, "pending"); !errors.Is(err, ErrNoProc) {
		t.Fatalf("pending Call err = %v", err)
	}
	if _, ok := <-ch; ok {
		t.Fatal("channel owner's channel not closed by Stop")
	}
	if _, err := s.SpawnMachine(builder(newToy(), nil)); !errors.Is(err, ErrStopped) {
		t.Fatalf("SpawnMachine after Stop: %v", err)
	}
	if n := settleGoroutines(base); n > base {
		buf := make([]byte, 1<<16)
		t.Fatalf("goroutines: %d before, %d after Stop\n%s", base, n, buf[:runtime.Stack(buf, true)])
	}
}

func TestStartOnExistingSystem(t *testing.T) {
	as := pa.NewActorSystem(pa.WithLoggerFactory(discardLogger))
	s, err := StartOn(as)
	if err != nil {
		t.Fatal(err)
	}
	ref := spawnToy(t, s, newToy(), nil)
	mustCall(t, ref, "state")
	s.Stop()
	recvWithin(t, ref.Done(), time.Second, "Done")
	if as.IsStopped() {
		t.Fatal("StartOn's Stop shut down a system it does not own")
	}
	// The host system still works.
	got := make(chan any, 1)
	pid := as.Root.Spawn(pa.PropsFromFunc(func(ctx pa.Context) {
		if m, ok := ctx.Message().(string); ok {
			got <- m
		}
	}))
	as.Root.Send(pid, "alive")
	if v := recvWithin(t, got, time.Second, "host actor"); v != "alive" {
		t.Fatal(v)
	}
}

func TestAdminSupervisorRestarts(t *testing.T) {
	s := startSystem(t)
	var started atomic.Int32
	seen := make(chan string, 4)
	pid, err := s.SpawnAdmin("cache", pa.PropsFromFunc(func(ctx pa.Context) {
		switch m := ctx.Message().(type) {
		case *pa.Started:
			started.Add(1)
		case string:
			if m == "crash" {
				panic("cache crash")
			}
			seen <- m
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	s.Root().Send(pid, "crash")
	s.Root().Send(pid, "after")
	if v := recvWithin(t, seen, 5*time.Second, "message after restart"); v != "after" {
		t.Fatal(v)
	}
	if started.Load() != 2 {
		t.Fatalf("Started %d times, want 2 (one restart)", started.Load())
	}
	if _, err := s.SpawnAdmin("cache", pa.PropsFromFunc(func(pa.Context) {})); err == nil {
		t.Fatal("duplicate admin name accepted")
	}
}

func TestChannelOwner(t *testing.T) {
	s := startSystem(t)
	pid, ch, stop := NewChannelOwner(s, 4)
	for i := 0; i < 10; i++ { // more than the buffer: the actor waits, senders do not
		s.Root().Send(pid, i)
	}
	for i := 0; i < 10; i++ {
		if v := recvWithin(t, ch, 5*time.Second, "message"); v != i {
			t.Fatalf("got %v, want %d (system messages must not be forwarded)", v, i)
		}
	}
	stop()
	stop()
	if _, ok := <-ch; ok {
		t.Fatal("channel not closed after stop")
	}
}

func BenchmarkCall(b *testing.B) {
	s := startSystem(b)
	ref := spawnToy(b, s, newToy(), nil)
	mustCall(b, ref, "state")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ref.Call("state", 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPost(b *testing.B) {
	s := startSystem(b)
	m := newToy()
	m.infos = nil
	ref := spawnToy(b, s, m, nil)
	mustCall(b, ref, "state")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.env.Post(i)
	}
	if got := mustCall(b, ref, "count"); got != b.N {
		b.Fatalf("count = %v, want %d", got, b.N)
	}
}

func discardLogger(*pa.ActorSystem) *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestStopWithUnreadChannelOwner(t *testing.T) {
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	pid, ch, _ := NewChannelOwner(s, 0)
	s.Root().Send(pid, "nobody reads this")
	s.Root().Send(pid, "nor this")
	time.Sleep(10 * time.Millisecond)
	start := time.Now()
	s.Stop()
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Stop took %v with a blocked channel owner", d)
	}
	for range ch { // drains to closed
	}
}
