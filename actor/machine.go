// machine.go holds the machine actor: a statem.Machine run as a protoactor actor, with Env, Ref and Call/Cast/Post.

package actor

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"

	"github.com/erlang-ssl-go/ssl/statem"
)

// ErrCrashed is the Terminate reason of a machine whose callback panicked.
var ErrCrashed = errors.New("actor: machine crashed")

// Builder makes the machine's callbacks, initial state and config. It runs
// inside the new actor (on its Started message), so env.Self is valid. The
// package fills in cfg.Post; everything else is the builder's choice.
type Builder func(env *Env) (cb statem.Callbacks, initial statem.State, cfg statem.Config)

// Crasher is implemented by Callbacks that want to hear about a panic in
// their own HandleEvent before the actor is closed and stopped (the connection
// sends internal_error and tells its owner).
type Crasher interface{ Crashed(v any) }

// Env lets a machine act as an actor: it is handed to the Builder and may be
// kept by the callbacks and by goroutines they start.
type Env struct {
	sys  *System
	ctx  pa.Context // set before the builder runs; only its goroutine-safe methods are used
	self *pa.PID
	ref  *Ref
}

// Self returns the machine actor's PID.
func (e *Env) Self() *pa.PID { return e.self }

// Ref returns the machine's own Ref (to hand to others for Call/Cast).
func (e *Env) Ref() *Ref { return e.ref }

// System returns the System the machine runs in.
func (e *Env) System() *System { return e.sys }

// Logger returns the ActorSystem's logger.
func (e *Env) Logger() *slog.Logger { return e.sys.as.Logger() }

// Send sends msg to the actor to. It goes through the actor's context (so
// sender middleware applies); on the pinned protoactor version that path only
// reads immutable fields, so Send is also safe from other goroutines. A nil
// target or message is ignored: a nil message would make the receiver spin.
func (e *Env) Send(to *pa.PID, msg any) {
	if to == nil || msg == nil {
		return
	}
	e.ctx.Send(to, msg)
}

// Watch monitors pid: when it dies the machine gets the *pa.Terminated as an
// Info event (at once if it is already dead). Safe from any goroutine.
func (e *Env) Watch(pid *pa.PID) {
	if pid != nil {
		e.ctx.Watch(pid)
	}
}

// Unwatch cancels Watch.
func (e *Env) Unwatch(pid *pa.PID) {
	if pid != nil {
		e.ctx.Unwatch(pid)
	}
}

// Post delivers msg to the machine as an Info event. Safe from any goroutine
// (reader goroutines use it); msg may be nil.
func (e *Env) Post(msg any) {
	e.sys.as.Root.Send(e.self, &postMsg{msg: msg})
}

// Ref is a handle on a machine actor for callers outside it.
type Ref struct {
	sys  *System
	pid  *pa.PID
	done chan struct{}
}

// PID returns the actor's PID.
func (r *Ref) PID() *pa.PID { return r.pid }

// Done is closed after the actor has stopped.
func (r *Ref) Done() <-chan struct{} { return r.done }

// Cast delivers msg as a Cast event.
func (r *Ref) Cast(msg any) {
	r.sys.as.Root.Send(r.pid, &castMsg{msg: msg})
}

// Call delivers req as a Call event and waits for the reply. timeout <= 0
// waits without limit. It returns ErrTimeout, or ErrNoProc if the actor is
// dead or dies before replying. Do not Call from inside an actor's Receive:
// it blocks; send a Cast carrying a reply address instead.
func (r *Ref) Call(req any, timeout time.Duration) (any, error) {
	select {
	case <-r.done:
		return nil, ErrNoProc
	default:
	}
	from := &callMsg{req: req, ch: make(chan any, 1)}
	r.sys.as.Root.Send(r.pid, from)
	var tc <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		tc = t.C
	}
	select {
	case v := <-from.ch:
		return v, nil
	case <-r.done:
		select { // a reply given just before stopping (stop-and-reply) still counts
		case v := <-from.ch:
			return v, nil
		default:
			return nil, ErrNoProc
		}
	case <-tc:
		return nil, ErrTimeout
	}
}

// Wrapper messages. They never log their payloads as dead letters.
type (
	// callMsg is both the Call message and its statem.From (one allocation).
	callMsg struct {
		req any
		ch  chan any // 1-buffered: Reply never blocks
	}
	castMsg  struct{ msg any }
	postMsg  struct{ msg any }
	firedMsg struct{ f *statem.Fired }
)

func (*callMsg) IgnoreDeadLetterLogging() {}

// Reply implements statem.From: a second Reply, or one after the caller gave
// up, is dropped.
func (c *callMsg) Reply(v any) {
	select {
	case c.ch <- v:
	default:
	}
}
func (*castMsg) IgnoreDeadLetterLogging()  {}
func (*postMsg) IgnoreDeadLetterLogging()  {}
func (*firedMsg) IgnoreDeadLetterLogging() {}

// SpawnMachine starts a machine actor as a child of the connection
// supervisor. The builder runs inside the actor before the machine starts.
func (s *System) SpawnMachine(b Builder) (*Ref, error) {
	if b == nil {
		return nil, errors.New("actor: nil builder")
	}
	ref := &Ref{sys: s, done: make(chan struct{})}
	spawned := false
	props := pa.PropsFromProducer(func() pa.Actor {
		if spawned { // a restart would rebuild a dead connection: refuse (see stopOnlyStrategy)
			return &machineActor{sys: s, ref: ref, restarted: true}
		}
		spawned = true
		s.live.Add(1)
		return &machineActor{sys: s, ref: ref, build: b}
	}, pa.WithDispatcher(s.dispatcher))
	pid, err := s.spawnUnder(s.conn, "", props)
	if err != nil {
		return nil, err
	}
	ref.pid = pid
	return ref, nil
}

// machineActor runs one statem.Machine. All its fields are touched only on
// the actor's own goroutine.
type machineActor struct {
	sys       *System
	ref       *Ref
	build     Builder
	env       *Env
	cb        statem.Callbacks
	m         *statem.Machine
	closed    bool // machine closed (Terminate called)
	stopping  bool // ctx.Stop(self) requested
	finished  bool // Done closed
	restarted bool
}

// Receive implements pa.Actor. A panic in the machine is recovered here so
// protoactor never restarts the actor.
func (a *machineActor) Receive(ctx pa.Context) {
	defer func() {
		if v := recover(); v != nil {
			a.crash(ctx, v)
		}
	}()
	switch msg := ctx.Message().(type) {
	case *pa.Started:
		if a.restarted {
			a.requestStop(ctx)
			return
		}
		a.start(ctx)
	case *pa.Stopping:
		a.stopping = true // protoactor is already stopping us
		a.close(statem.ErrKilled)
		return
	case *pa.Restarting:
		a.close(statem.ErrKilled)
	case *pa.Stopped:
		a.close(statem.ErrKilled)
		a.finish()
		return
	case *callMsg:
		if a.live() {
			a.m.Dispatch(statem.Event{Type: statem.Call, From: msg, Content: msg.req})
		}
	case *castMsg:
		if a.live() {
			a.m.Dispatch(statem.Event{Type: statem.Cast, Content: msg.msg})
		}
	case *postMsg:
		if a.live() {
			a.m.Dispatch(statem.Event{Type: statem.Info, Content: msg.msg})
		}
	case *firedMsg:
		if a.live() {
			a.m.Fire(msg.f)
		}
	case *statem.Fired:
		if a.live() {
			a.m.Fire(msg)
		}
	default: // *pa.Terminated of a watched actor, or any other message
		if a.live() {
			a.m.Dispatch(statem.Event{Type: statem.Info, Content: msg})
		}
	}
	if a.m != nil && a.m.Stopped() {
		a.closed = true // statem already called Terminate
		a.requestStop(ctx)
	}
}

func (a *machineActor) live() bool { return a.m != nil && !a.closed && !a.stopping }

func (a *machineActor) start(ctx pa.Context) {
	self := ctx.Self()
	a.env = &Env{sys: a.sys, ctx: ctx, self: self, ref: a.ref}
	cb, initial, cfg := a.build(a.env)
	a.build = nil
	if cb == nil {
		a.requestStop(ctx)
		return
	}
	a.cb = cb
	root := a.sys.as.Root
	cfg.Post = func(f *statem.Fired) { root.Send(self, &firedMsg{f: f}) }
	a.m = statem.New(cb, initial, cfg)
	a.m.Start()
}

// crash handles a panic from the machine: tell the callbacks, close the
// machine (Terminate with ErrCrashed), stop the actor. Nothing here may panic
// out of Receive.
func (a *machineActor) crash(ctx pa.Context, v any) {
	a.sys.as.Logger().Error("actor: machine crashed", slog.Any("pid", ctx.Self()), slog.String("panic", typeName(v)))
	if c, ok := a.cb.(Crasher); ok && !a.closed {
		func() {
			defer func() { _ = recover() }()
			c.Crashed(v)
		}()
	}
	a.close(ErrCrashed)
	a.requestStop(ctx)
}

// close closes the machine once; a panic in Terminate is swallowed.
func (a *machineActor) close(reason error) {
	if a.closed || a.m == nil {
		a.closed = true
		return
	}
	a.closed = true
	defer func() { _ = recover() }()
	a.m.CloseWith(reason)
}

func (a *machineActor) requestStop(ctx pa.Context) {
	if a.stopping {
		return
	}
	a.stopping = true
	ctx.Stop(ctx.Self())
}

// finish runs on Stopped: the actor is out of the registry, so pending and
// future Calls fail with ErrNoProc.
func (a *machineActor) finish() {
	if a.finished {
		return
	}
	a.finished = true
	a.sys.live.Add(-1) // once per SpawnMachine: Stopped comes once, even across a restart
	close(a.ref.done)
}

// typeName names a panic value's type without formatting the value (it may
// hold secrets).
func typeName(v any) string { return fmt.Sprintf("%T", v) }
