// machine.go holds the Machine: the event queue, transitions, enter calls, timers and stopping.

package statem

import "time"

// item is one queued event. kind != kindNone marks a zero timeout, which is
// handled only if its timer slot still holds generation gen when dequeued.
type item struct {
	ev   Event
	kind timerKind
	gen  uint64
}

// slot is one armed timer: the state, event and idle timers and each named
// generic timer. gen identifies the arming; a Fired or queued zero timeout
// with another generation is stale.
type slot struct {
	active bool
	gen    uint64
	timer  Timer // nil for a zero timeout waiting in the queue
}

// Machine runs Callbacks as a gen_statem. Create it with New; it is driven
// by a single owner goroutine (see the package documentation).
type Machine struct {
	cb    Callbacks
	cfg   Config
	clock Clock
	state State

	started, stopped, running, crashed, closed bool
	hibernated, hibReq                         bool
	reason                                     error

	q, qAlt   []item // run queue from q[qh:]; qAlt is the spare buffer for inserts
	qh        int
	postponed []Event
	next      []Event // scratch: NextEvent actions of the current transition
	pending   []Event // postponed/queued events left when the machine stopped

	gen        uint64 // last timer generation handed out
	stateTO    slot
	eventTO    slot
	idle       slot
	generic    map[string]*slot
	lastActive time.Time
}

// New returns a machine in state initial; nothing runs until Start (or the
// first Dispatch). It panics if cfg.Post is nil.
func New(cb Callbacks, initial State, cfg Config) *Machine {
	if cfg.Post == nil {
		panic("statem: Config.Post is required")
	}
	if cb == nil {
		panic("statem: nil Callbacks")
	}
	m := &Machine{cb: cb, cfg: cfg, clock: cfg.Clock, state: initial}
	if m.clock == nil {
		m.clock = RealClock()
	}
	return m
}

// State returns the current state.
func (m *Machine) State() State { return m.state }

// Stopped reports whether the machine has stopped (by a Stop result, a bad
// enter result, or Close).
func (m *Machine) Stopped() bool { return m.stopped }

// Reason returns the stop reason: nil while running or after a normal stop.
func (m *Machine) Reason() error { return m.reason }

// Hibernated reports whether the machine hibernated and no event has come
// since.
func (m *Machine) Hibernated() bool { return m.hibernated }

// TakePending returns, and forgets, the events that were still postponed or
// queued when the machine stopped (postponed first, each group oldest first),
// so the owner can answer the Calls among them.
func (m *Machine) TakePending() []Event {
	p := m.pending
	m.pending = nil
	return p
}

// Start runs the initial enter call (if Config.StateEnter) and whatever it
// queues. It does nothing if the machine already started or stopped.
func (m *Machine) Start() { m.StartWith() }

// StartWith is Start with initial actions, like the actions gen_statem's
// init/1 may return (NextEvent, timeouts, Hibernate, Reply; Postpone is
// ignored since there is no event to postpone). The initial enter call runs
// before the NextEvent events.
func (m *Machine) StartWith(actions ...Action) {
	if m.started || m.stopped || m.crashed {
		return
	}
	m.enterRun()
	defer m.leave()
	m.started = true
	m.wake()
	m.apply(nil, Result{kind: resKeep, actions: actions}, true)
	m.drain()
	m.quiesce()
	m.running = false
}

// Dispatch handles one external event and then everything it leads to
// (NextEvent events, retried postponed events, zero timeouts) until the
// machine is quiescent. It starts the machine first if Start was not called,
// and does nothing once the machine has stopped.
func (m *Machine) Dispatch(ev Event) {
	if m.stopped || m.crashed {
		return
	}
	if !m.started {
		m.StartWith()
		if m.stopped || m.crashed {
			return
		}
	}
	m.enterRun()
	defer m.leave()
	m.wake()
	m.process(&ev)
	m.drain()
	m.quiesce()
	m.running = false
}

// Fire handles a timer message posted through Config.Post. It does nothing
// if f belongs to another machine, if the machine stopped, or if f is stale:
// its timer was cancelled, restarted, or (for a state timeout) made obsolete
// by a state change since it was armed.
func (m *Machine) Fire(f *Fired) {
	if f == nil || f.m != m || m.stopped || m.crashed {
		return
	}
	m.enterRun()
	defer m.leave()
	if f.kind == kindIdle {
		m.fireIdle(f)
		m.running = false
		return
	}
	if !m.consume(f.kind, f.name, f.gen) {
		m.running = false
		return
	}
	m.wake()
	ev := Event{Type: eventTypeOf(f.kind), Name: f.name, Content: f.msg}
	m.process(&ev)
	m.drain()
	m.quiesce()
	m.running = false
}

// Close stops all timers and, if the machine is still running, stops it and
// calls Terminate with ErrKilled. The owner calls it when it dies.
func (m *Machine) Close() { m.CloseWith(ErrKilled) }

// CloseWith is Close with the Terminate reason given (for example the error
// made from a recovered panic). Only the first Close or CloseWith has effect.
func (m *Machine) CloseWith(reason error) {
	if m.closed {
		return
	}
	m.closed = true
	m.stopTimers()
	if !m.stopped {
		m.terminate(reason)
	}
}

func (m *Machine) enterRun() {
	if m.running {
		panic("statem: Dispatch, Fire or Start called from inside a callback")
	}
	m.running = true
}

// leave runs deferred at the end of every run. Runs clear m.running on their
// normal path, so finding it set means a callback panicked: the machine is
// marked crashed and its timers stopped; the panic keeps propagating.
func (m *Machine) leave() {
	if m.running {
		m.running = false
		m.crashed = true
		m.stopTimers()
	}
}

// wake marks the arrival of an event.
func (m *Machine) wake() {
	m.hibernated = false
	if m.cfg.HibernateAfter > 0 {
		m.lastActive = m.clock.Now()
	}
}

// process hands one event to the callbacks and applies the result.
func (m *Machine) process(ev *Event) {
	// Any event cancels the event timeout, even one that gets postponed.
	if m.eventTO.active {
		m.cancelSlot(&m.eventTO)
	}
	res := m.cb.HandleEvent(m.state, *ev)
	if m.stopped { // the callback closed the machine
		return
	}
	m.apply(ev, res, false)
}

// apply applies the result of handling ev (nil at start; initial forces the
// initial enter call).
func (m *Machine) apply(ev *Event, res Result, initial bool) {
	if res.kind == resStop {
		m.stopWith(res)
		return
	}
	postpone := false
	m.next = m.next[:0]
	// First pass: everything but the timeouts, which come after the queue is
	// rebuilt so that zero timeouts land behind the inserted events.
	for _, a := range res.actions {
		switch a := a.(type) {
		case postponeAction:
			postpone = true
		case hibernateAction:
			m.hibReq = true
		case nextEventAction:
			m.next = append(m.next, a.ev)
		case replyAction:
			a.from.Reply(a.v)
		}
	}
	if m.stopped {
		return
	}
	if postpone && ev != nil {
		m.postponed = append(m.postponed, *ev)
	}
	prev := m.state
	changed := res.kind == resNext && res.next != prev
	if changed {
		m.state = res.next
		// A state change cancels the state timeout; one set by this
		// transition is armed below and belongs to the new state.
		if m.stateTO.active {
			m.cancelSlot(&m.stateTO)
		}
	}
	var retry []Event
	if changed {
		retry = m.postponed
	}
	if len(m.next) > 0 || len(retry) > 0 {
		m.insert(m.next, retry)
		if changed {
			clear(m.postponed)
			m.postponed = m.postponed[:0]
		}
		clear(m.next)
		m.next = m.next[:0]
	}
	m.applyTimeouts(res.actions)
	if m.cfg.StateEnter && (changed || initial || res.kind == resRepeat) {
		m.enter(prev)
	}
}

// enter performs the state enter call (repeatedly, while it returns Repeat).
func (m *Machine) enter(prev State) {
	for {
		res := m.cb.HandleEvent(m.state, Event{Type: Enter, Content: prev})
		if m.stopped {
			return
		}
		switch res.kind {
		case resStop:
			m.stopWith(res)
			return
		case resNext:
			if res.next != m.state {
				m.terminate(ErrBadEnterResult)
				return
			}
		}
		for _, a := range res.actions {
			switch a.(type) {
			case postponeAction, nextEventAction:
				m.terminate(ErrBadEnterResult)
				return
			}
		}
		for _, a := range res.actions {
			switch a := a.(type) {
			case hibernateAction:
				m.hibReq = true
			case replyAction:
				a.from.Reply(a.v)
			}
		}
		if m.stopped {
			return
		}
		m.applyTimeouts(res.actions)
		if res.kind != resRepeat {
			return
		}
	}
}

// insert puts first, then second, in front of the queued events.
func (m *Machine) insert(first, second []Event) {
	nq := m.qAlt[:0]
	for _, e := range first {
		nq = append(nq, item{ev: e})
	}
	for _, e := range second {
		nq = append(nq, item{ev: e})
	}
	nq = append(nq, m.q[m.qh:]...)
	old := m.q
	clear(old)
	m.q, m.qAlt, m.qh = nq, old[:0], 0
}

// drain processes queued events until the queue is empty or the machine stops.
func (m *Machine) drain() {
	for !m.stopped && m.qh < len(m.q) {
		it := m.q[m.qh]
		m.q[m.qh] = item{}
		m.qh++
		if it.kind != kindNone && !m.consume(it.kind, it.ev.Name, it.gen) {
			continue // a zero timeout cancelled or replaced while queued
		}
		m.process(&it.ev)
	}
	if m.qh == len(m.q) {
		m.q, m.qh = m.q[:0], 0
	}
}

// quiesce ends a run: hibernate if asked, else keep the idle timer armed.
func (m *Machine) quiesce() {
	if m.stopped {
		return
	}
	if m.hibReq {
		m.hibReq = false
		m.hibernate()
		return
	}
	if m.cfg.HibernateAfter > 0 && !m.idle.active && !m.hibernated {
		m.armSlot(&m.idle, kindIdle, "", m.cfg.HibernateAfter, nil)
	}
}

func (m *Machine) hibernate() {
	if m.idle.active {
		m.cancelSlot(&m.idle)
	}
	m.hibernated = true
	if m.cfg.OnHibernate != nil {
		m.cfg.OnHibernate()
	}
}

// fireIdle handles the idle timer: hibernate if HibernateAfter has passed
// since the last event, else re-arm for the rest of it.
func (m *Machine) fireIdle(f *Fired) {
	if !m.consume(kindIdle, "", f.gen) || m.hibernated {
		return
	}
	rest := m.cfg.HibernateAfter - m.clock.Now().Sub(m.lastActive)
	if rest > 0 {
		m.armSlot(&m.idle, kindIdle, "", rest, nil)
		return
	}
	m.hibernate()
}

// stopWith delivers the Reply actions of a Stop result, then terminates.
func (m *Machine) stopWith(res Result) {
	for _, a := range res.actions {
		if r, ok := a.(replyAction); ok {
			r.from.Reply(r.v)
		}
	}
	if !m.stopped {
		m.terminate(res.reason)
	}
}

// terminate stops the machine and calls Terminate; it runs at most once
// because every caller checks m.stopped first.
func (m *Machine) terminate(reason error) {
	m.stopped = true
	m.reason = reason
	m.hibReq = false
	m.stopTimers()
	m.pending = append(m.pending, m.postponed...)
	for _, it := range m.q[m.qh:] {
		if it.kind == kindNone {
			m.pending = append(m.pending, it.ev)
		}
	}
	clear(m.postponed)
	clear(m.q)
	m.postponed, m.q, m.qh = nil, nil, 0
	m.cb.Terminate(reason, m.state)
}

// applyTimeouts arms and cancels timers for the timeout actions, in order.
func (m *Machine) applyTimeouts(actions []Action) {
	for _, a := range actions {
		t, ok := a.(timeoutAction)
		if !ok {
			continue
		}
		switch t.kind {
		case kindState:
			m.setSlot(&m.stateTO, t)
		case kindEvent:
			m.setSlot(&m.eventTO, t)
		case kindGeneric:
			s := m.generic[t.name]
			if t.cancel {
				if s != nil {
					m.cancelSlot(s)
					delete(m.generic, t.name)
				}
				continue
			}
			if s == nil {
				if m.generic == nil {
					m.generic = make(map[string]*slot)
				}
				s = &slot{}
				m.generic[t.name] = s
			}
			m.setSlot(s, t)
		}
	}
}

func (m *Machine) setSlot(s *slot, t timeoutAction) {
	if t.cancel {
		if s.active {
			m.cancelSlot(s)
		}
		return
	}
	m.armSlot(s, t.kind, t.name, t.d, t.msg)
}

// armSlot (re)arms s with a fresh generation. A zero duration queues the
// timeout event behind the queued events instead of starting a timer.
func (m *Machine) armSlot(s *slot, kind timerKind, name string, d time.Duration, msg any) {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	m.gen++
	s.gen, s.active = m.gen, true
	if d == 0 && kind != kindIdle {
		m.q = append(m.q, item{ev: Event{Type: eventTypeOf(kind), Name: name, Content: msg}, kind: kind, gen: s.gen})
		return
	}
	f := &Fired{m: m, kind: kind, name: name, gen: s.gen, msg: msg}
	post := m.cfg.Post
	s.timer = m.clock.AfterFunc(d, func() { post(f) })
}

func (m *Machine) cancelSlot(s *slot) {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	s.active = false
}

// consume reports whether generation gen is the armed timer of kind/name
// and, if so, disarms it: a timer is delivered at most once.
func (m *Machine) consume(kind timerKind, name string, gen uint64) bool {
	var s *slot
	switch kind {
	case kindState:
		s = &m.stateTO
	case kindEvent:
		s = &m.eventTO
	case kindIdle:
		s = &m.idle
	case kindGeneric:
		s = m.generic[name]
	}
	if s == nil || !s.active || s.gen != gen {
		return false
	}
	s.active, s.timer = false, nil
	if kind == kindGeneric {
		delete(m.generic, name)
	}
	return true
}

func (m *Machine) stopTimers() {
	m.cancelSlot(&m.stateTO)
	m.cancelSlot(&m.eventTO)
	m.cancelSlot(&m.idle)
	for name, s := range m.generic {
		m.cancelSlot(s)
		delete(m.generic, name)
	}
}

func eventTypeOf(k timerKind) EventType {
	switch k {
	case kindState:
		return StateTimeout
	case kindEvent:
		return EventTimeout
	default:
		return GenericTimeout
	}
}
