// types.go holds the statem vocabulary: states, events, results, actions and the clock.

package statem

import (
	"errors"
	"strconv"
	"time"
)

// State names a state of the machine.
type State string

// EventType says where an Event came from, as gen_statem's event_type() does.
type EventType int

// The event types. Call, Cast and Info are external events posted by the
// owner; Internal events come from NextEvent actions; the three timeout types
// come from timers; Enter marks a state enter call.
const (
	Call EventType = iota
	Cast
	Info
	Internal
	StateTimeout
	EventTimeout
	GenericTimeout
	Enter
)

// String returns the Erlang name of the event type.
func (t EventType) String() string {
	switch t {
	case Call:
		return "call"
	case Cast:
		return "cast"
	case Info:
		return "info"
	case Internal:
		return "internal"
	case StateTimeout:
		return "state_timeout"
	case EventTimeout:
		return "timeout"
	case GenericTimeout:
		return "generic_timeout"
	case Enter:
		return "enter"
	}
	return "EventType(" + strconv.Itoa(int(t)) + ")"
}

// From is an opaque reply target for Call events; the actor layer implements
// it. Reply is called on the machine's goroutine and must not block.
type From interface{ Reply(v any) }

// Event is one event handed to Callbacks.HandleEvent.
type Event struct {
	// Type says what kind of event this is.
	Type EventType
	// Name is the timer name of a GenericTimeout event.
	Name string
	// From is the reply target of a Call event.
	From From
	// Content is the event's payload: the message of a timeout, the content
	// of a NextEvent, the previous State (type State) of an Enter call.
	Content any
}

// Callbacks is the user's state machine, in gen_statem's
// handle_event_function style: HandleEvent switches on the state inside.
type Callbacks interface {
	// HandleEvent handles one event (or an enter call, Type Enter) in state
	// and says what to do next. A panic here propagates to the owner.
	HandleEvent(state State, ev Event) Result
	// Terminate is called exactly once when the machine stops; reason is nil
	// for a normal stop.
	Terminate(reason error, state State)
}

// ErrKilled is the Terminate reason when the owner closes a running machine.
var ErrKilled = errors.New("statem: killed")

// ErrBadEnterResult is the stop reason when a state enter call returns Next
// to another state, or a Postpone or NextEvent action (gen_statem's
// bad_state_enter_return_from_state_function).
var ErrBadEnterResult = errors.New("statem: state enter call returned a state change, postpone or next_event")

type resultKind uint8

const (
	resKeep resultKind = iota
	resNext
	resRepeat
	resStop
)

// Result is what HandleEvent returns. The zero Result is Keep().
type Result struct {
	kind    resultKind
	next    State
	reason  error
	actions []Action
}

// Keep keeps the current state (gen_statem's keep_state) and runs actions.
func Keep(actions ...Action) Result { return Result{kind: resKeep, actions: actions} }

// Next moves to state s (next_state) and runs actions. Moving to the current
// state is the same as Keep: no state change, no enter call, postponed events
// stay postponed.
func Next(s State, actions ...Action) Result {
	return Result{kind: resNext, next: s, actions: actions}
}

// Repeat keeps the current state but re-runs its enter call when state enter
// calls are on (repeat_state); otherwise it is Keep.
func Repeat(actions ...Action) Result { return Result{kind: resRepeat, actions: actions} }

// Stop stops the machine with reason (nil means normal). Its Reply actions
// are delivered before Terminate is called (stop_and_reply); its other
// actions are ignored.
func Stop(reason error, actions ...Action) Result {
	return Result{kind: resStop, reason: reason, actions: actions}
}

// Action is a transition action: one of the values made by this package's
// constructors (Postpone, NextEvent, the timeout setters, Hibernate, Reply).
type Action interface{ isAction() }

type postponeAction struct{}
type hibernateAction struct{}

type nextEventAction struct{ ev Event }

type replyAction struct {
	from From
	v    any
}

// timerKind tells the machine's timers apart; kindNone marks a queued event
// that is no timer.
type timerKind uint8

const (
	kindNone timerKind = iota
	kindState
	kindEvent
	kindGeneric
	kindIdle
)

type timeoutAction struct {
	kind   timerKind
	cancel bool
	name   string
	d      time.Duration
	msg    any
}

func (postponeAction) isAction()  {}
func (hibernateAction) isAction() {}
func (nextEventAction) isAction() {}
func (replyAction) isAction()     {}
func (timeoutAction) isAction()   {}

// Postpone defers the current event until the next state change, when it is
// retried before any other queued event (gen_statem's postpone).
func Postpone() Action { return postponeAction{} }

// NextEvent inserts an event of type t with content to be handled before any
// queued event; several are handled in the order given (next_event).
func NextEvent(t EventType, content any) Action {
	return nextEventAction{ev: Event{Type: t, Content: content}}
}

// NextEventOf is NextEvent for a complete Event (for example a Call with its
// From).
func NextEventOf(ev Event) Action { return nextEventAction{ev: ev} }

// SetStateTimeout arms the state timeout: after d a StateTimeout event with
// Content msg is handled, unless the state changes first. It replaces an
// earlier state timeout; d < 0 cancels it; d == 0 fires as soon as the queued
// events are done.
func SetStateTimeout(d time.Duration, msg any) Action {
	return timeoutAction{kind: kindState, d: d, msg: msg, cancel: d < 0}
}

// CancelStateTimeout cancels the state timeout.
func CancelStateTimeout() Action { return timeoutAction{kind: kindState, cancel: true} }

// SetEventTimeout arms the event timeout: after d an EventTimeout event with
// Content msg is handled, unless any event comes first. d < 0 cancels it;
// d == 0 fires only if no event is queued.
func SetEventTimeout(d time.Duration, msg any) Action {
	return timeoutAction{kind: kindEvent, d: d, msg: msg, cancel: d < 0}
}

// CancelEventTimeout cancels the event timeout.
func CancelEventTimeout() Action { return timeoutAction{kind: kindEvent, cancel: true} }

// SetGenericTimeout arms the generic timeout called name: after d a
// GenericTimeout event with Name name and Content msg is handled. It survives
// state changes; setting the same name again replaces it; d < 0 cancels it.
func SetGenericTimeout(name string, d time.Duration, msg any) Action {
	return timeoutAction{kind: kindGeneric, name: name, d: d, msg: msg, cancel: d < 0}
}

// CancelGenericTimeout cancels the generic timeout called name.
func CancelGenericTimeout(name string) Action {
	return timeoutAction{kind: kindGeneric, name: name, cancel: true}
}

// Hibernate asks the machine to hibernate once the run's queue is empty:
// Config.OnHibernate is called and Hibernated reports true until the next
// event.
func Hibernate() Action { return hibernateAction{} }

// Reply answers a Call: from.Reply(v) is called while the actions are applied.
func Reply(from From, v any) Action { return replyAction{from: from, v: v} }

// Timer is a running timer; Stop reports whether it stopped it before it fired.
type Timer interface{ Stop() bool }

// Clock gives the machine the time and timers, so tests can inject a fake.
type Clock interface {
	Now() time.Time
	// AfterFunc runs f on its own goroutine after d.
	AfterFunc(d time.Duration, f func()) Timer
}

type realClock struct{}

func (realClock) Now() time.Time                            { return time.Now() }
func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// RealClock returns the Clock backed by package time.
func RealClock() Clock { return realClock{} }

// Fired is what an expired timer posts, through Config.Post, to the
// machine's owner, which hands it back to Machine.Fire. It identifies the
// machine, the timer kind and name, and the timer's generation, so Fire can
// drop it if that timer was cancelled or restarted in the meantime.
type Fired struct {
	m    *Machine
	kind timerKind
	name string
	gen  uint64
	msg  any
}

// Config configures a Machine.
type Config struct {
	// Clock gives time and timers; nil means RealClock().
	Clock Clock
	// Post is required. It is called on the timer's goroutine with the
	// *Fired of an expired timer; the owner posts it to its mailbox and
	// later calls Machine.Fire with it. It must not block for long.
	Post func(*Fired)
	// StateEnter turns on state enter calls.
	StateEnter bool
	// HibernateAfter, if positive, hibernates the machine after this long
	// without events (gen_statem's hibernate_after).
	HibernateAfter time.Duration
	// OnHibernate, if set, is called on the machine's goroutine (inside
	// Dispatch or Fire) when the machine hibernates.
	OnHibernate func()
}
