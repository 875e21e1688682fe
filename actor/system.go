// system.go holds System: the protoactor supervision tree (Erlang's ssl_sup with its admin and connection supervisors).

// Package actor runs statem machines as protoactor-go actors. It owns the
// supervision tree (an admin supervisor that restarts cache services, and a
// connection supervisor that never restarts a connection), owner monitoring,
// and the per-socket Reader and Writer. It knows nothing of TLS.
package actor

import (
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"
)

// Errors returned by this package.
var (
	// ErrTimeout is returned when a Call (or Flush) is not answered in time.
	ErrTimeout = errors.New("actor: timeout")
	// ErrNoProc is returned when the target actor is dead or dies before replying.
	ErrNoProc = errors.New("actor: no process")
	// ErrStopped is returned when the System is stopping or stopped.
	ErrStopped = errors.New("actor: system stopped")
)

// Bounds on how long Start and Stop wait for the tree.
const (
	treeStartTimeout = 5 * time.Second
	poisonGrace      = time.Second     // Stop lets connections drain their mailbox this long
	treeStopTimeout  = 5 * time.Second // then waits this long for the stopped tree
	spawnTimeout     = 10 * time.Second
)

// Options configure Start.
type Options struct {
	// Logger receives protoactor's logging; nil discards it all.
	Logger *slog.Logger
}

// System is one running supervision tree: a top supervisor with an admin
// supervisor (OneForOne restart, for cache services) and a connection
// supervisor (Stop-only: a connection is never restarted, and one crashing
// never touches another).
type System struct {
	as    *pa.ActorSystem
	owned bool

	top, admin, conn *pa.PID
	topDone          chan struct{}

	live     atomic.Int64
	stopping atomic.Bool
	stopCh   chan struct{} // closed when Stop begins
	stopOnce sync.Once

	dispatcher *workerDispatcher // runs connection actors
}

// Start creates a new protoactor ActorSystem whose logging goes to opts.Logger
// (or nowhere) and starts the tree in it. Stop shuts the ActorSystem down.
func Start(opts Options) (*System, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	as := pa.NewActorSystem(pa.WithLoggerFactory(func(sys *pa.ActorSystem) *slog.Logger {
		return logger.With("lib", "Proto.Actor")
	}))
	s, err := startOn(as, true)
	if err != nil {
		as.Shutdown()
		return nil, err
	}
	return s, nil
}

// StartOn starts the tree inside an existing ActorSystem, which Stop leaves running.
func StartOn(as *pa.ActorSystem) (*System, error) {
	if as == nil {
		return nil, errors.New("actor: nil ActorSystem")
	}
	return startOn(as, false)
}

// treeReady carries the two child supervisors from the top supervisor's Started.
type treeReady struct {
	admin, conn *pa.PID
	err         error
}

func startOn(as *pa.ActorSystem, owned bool) (*System, error) {
	s := &System{as: as, owned: owned, topDone: make(chan struct{}), stopCh: make(chan struct{}),
		dispatcher: newWorkerDispatcher(runtime.GOMAXPROCS(0), 300)}
	ready := make(chan treeReady, 1)
	top := &supervisor{done: s.topDone, onStarted: func(ctx pa.Context) {
		var r treeReady
		defer func() { ready <- r }()
		adminProps := pa.PropsFromProducer(func() pa.Actor { return &supervisor{} },
			pa.WithSupervisor(pa.NewOneForOneStrategy(10, 10*time.Second, pa.DefaultDecider)))
		connProps := pa.PropsFromProducer(func() pa.Actor { return &supervisor{} },
			pa.WithSupervisor(stopOnlyStrategy))
		if r.admin, r.err = ctx.SpawnNamed(adminProps, "admin"); r.err != nil {
			return
		}
		r.conn, r.err = ctx.SpawnNamed(connProps, "conn")
	}}
	topProps := pa.PropsFromProducer(func() pa.Actor { return top },
		pa.WithSupervisor(pa.NewOneForOneStrategy(10, 10*time.Second, pa.DefaultDecider)))
	pid, err := as.Root.SpawnNamed(topProps, "ssl_sup"+as.ProcessRegistry.NextId())
	if err != nil {
		return nil, err
	}
	s.top = pid
	t := time.NewTimer(treeStartTimeout)
	defer t.Stop()
	select {
	case r := <-ready:
		if r.err != nil {
			as.Root.Stop(pid)
			return nil, r.err
		}
		s.admin, s.conn = r.admin, r.conn
		return s, nil
	case <-t.C:
		as.Root.Stop(pid)
		return nil, errors.New("actor: supervision tree did not start")
	}
}

// stopOnlyStrategy never restarts a failing connection: it is stopped, alone.
var stopOnlyStrategy = pa.NewOneForOneStrategy(0, 0, func(any) pa.Directive { return pa.StopDirective })

// ActorSystem returns the protoactor system the tree runs in.
func (s *System) ActorSystem() *pa.ActorSystem { return s.as }

// Root returns the ActorSystem's root context (for sends from outside any actor).
func (s *System) Root() *pa.RootContext { return s.as.Root }

// Live reports how many machine actors are alive (for leak checks).
func (s *System) Live() int { return int(s.live.Load()) }

// Stop poisons every connection actor (letting each drain its mailbox for a
// short grace period), then stops the whole tree and waits, bounded, until it
// is gone. If Start created the ActorSystem, Stop shuts it down. Stop is
// idempotent; do not call it from inside an actor of this tree.
func (s *System) Stop() {
	s.stopOnce.Do(func() {
		s.stopping.Store(true)
		close(s.stopCh)
		s.as.Root.Send(s.conn, &poisonAll{})
		deadline := time.Now().Add(poisonGrace)
		for s.live.Load() > 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		s.as.Root.Stop(s.top)
		t := time.NewTimer(treeStopTimeout)
		select {
		case <-s.topDone:
		case <-t.C:
			s.as.Logger().Warn("actor: supervision tree did not stop in time")
		}
		t.Stop()
		if s.owned {
			s.as.Shutdown()
		}
		s.dispatcher.stop()
	})
}

// SpawnAdmin spawns props under the admin supervisor (OneForOne restart) with
// the given name (empty: a generated one).
func (s *System) SpawnAdmin(name string, props *pa.Props) (*pa.PID, error) {
	return s.spawnUnder(s.admin, name, props)
}

// spawnUnder asks a supervisor to spawn a child: only a parent can spawn its
// own children in protoactor. The caller waits for one mailbox round trip.
func (s *System) spawnUnder(sup *pa.PID, name string, props *pa.Props) (*pa.PID, error) {
	if props == nil {
		return nil, errors.New("actor: nil props")
	}
	if s.stopping.Load() {
		return nil, ErrStopped
	}
	req := &spawnReq{name: name, props: props, reply: make(chan spawnResp, 1)}
	s.as.Root.Send(sup, req)
	t := time.NewTimer(spawnTimeout)
	defer t.Stop()
	select {
	case r := <-req.reply:
		return r.pid, r.err
	case <-s.topDone:
		return nil, ErrStopped
	case <-t.C:
		return nil, ErrTimeout
	}
}

// spawnReq asks a supervisor to spawn a child.
type spawnReq struct {
	name  string
	props *pa.Props
	reply chan spawnResp // 1-buffered: the supervisor never blocks
}

type spawnResp struct {
	pid *pa.PID
	err error
}

// poisonAll asks a supervisor to poison all its children.
type poisonAll struct{}

func (*spawnReq) IgnoreDeadLetterLogging()  {}
func (*poisonAll) IgnoreDeadLetterLogging() {}

// supervisor is the behaviour of every node of the tree: it spawns children on
// request and otherwise lets its Props' strategy handle their failures.
type supervisor struct {
	onStarted func(ctx pa.Context)
	done      chan struct{} // closed on Stopped, if set
}

// Receive implements pa.Actor.
func (a *supervisor) Receive(ctx pa.Context) {
	switch m := ctx.Message().(type) {
	case *pa.Started:
		if a.onStarted != nil {
			a.onStarted(ctx)
			a.onStarted = nil // a restart must not spawn the children twice
		}
	case *spawnReq:
		m.reply <- a.spawn(ctx, m)
	case *poisonAll:
		for _, c := range ctx.Children() {
			ctx.Poison(c)
		}
	case *pa.Stopped:
		if a.done != nil {
			close(a.done)
		}
	}
}

func (a *supervisor) spawn(ctx pa.Context, m *spawnReq) (r spawnResp) {
	defer func() {
		if v := recover(); v != nil { // protoactor panics on some bad Props
			r = spawnResp{err: errors.New("actor: spawn failed")}
		}
	}()
	if m.name == "" {
		r.pid = ctx.Spawn(m.props)
		return r
	}
	r.pid, r.err = ctx.SpawnNamed(m.props, m.name)
	return r
}
