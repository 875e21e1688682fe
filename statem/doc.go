// doc.go holds the package documentation of statem, the gen_statem-style engine.

// Package statem is a generic state-machine engine modelled on Erlang/OTP's
// gen_statem, with no TLS and no actor runtime inside. It implements the
// handle_event_function callback mode: one Callbacks.HandleEvent receives the
// current State and an Event and switches on both.
//
// # Ownership and goroutines
//
// A Machine is not safe for concurrent use. It belongs to one owner (in this
// project, the actor of the `actor` package), which calls Start once and then
// Dispatch for every external event and Fire for every timer message, all from
// the owner's goroutine. Timers are the only other goroutines involved: when a
// timer expires, the Clock runs a function on its own goroutine that hands a
// *Fired to Config.Post; the owner puts that in its mailbox and later passes it
// to Fire. Time itself is injected through Clock, so tests drive a fake clock.
//
// # Runs
//
// Dispatch (and Fire) perform one "run": the event is handed to HandleEvent,
// the returned Result is applied, and then every event that the run created
// is processed in gen_statem order until the machine is quiescent:
//
//  1. If the result postpones the event, it is kept aside.
//  2. If the state changed (Next to a different state), the postponed events
//     go back to the front of the queue in their original order. Keep, Next to
//     the same state and Repeat are not state changes: postponed events stay
//     postponed.
//  3. Events from NextEvent actions are inserted before everything else in the
//     queue, in the order given.
//  4. If Config.StateEnter is set and the state changed (or the result was
//     Repeat), HandleEvent is called with an Enter event whose Content is the
//     previous State. An enter call may only keep the state (Keep, Next to the
//     same state, Repeat) or Stop, and may not use Postpone or NextEvent;
//     otherwise the machine stops with ErrBadEnterResult.
//  5. Timeout actions, those of the result and then those of the enter call,
//     are applied in order (a later one of the same kind and name replaces an
//     earlier one). A zero timeout is queued after everything already queued,
//     so it fires "as soon as the queued events are done".
//  6. The next queued event is processed; when none is left, the run ends,
//     hibernating first if any transition of the run asked for Hibernate.
//
// # Timeouts
//
// There are three kinds, as in gen_statem: an event timeout (SetEventTimeout)
// is cancelled by any event, including one that is postponed or another
// timeout; a state timeout (SetStateTimeout) is cancelled by a state change
// unless the transition sets a new one; generic timeouts
// (SetGenericTimeout) are named, survive state changes and are only replaced
// or cancelled explicitly. Each armed timer carries a generation number that
// is unique within the machine; Fire delivers a *Fired only if it still
// belongs to the armed timer of its kind and name, so a timer that fired just
// before it was cancelled, restarted or made obsolete by a state change never
// delivers a stale timeout.
//
// # Hibernation
//
// A Hibernate action, or Config.HibernateAfter elapsing without any event,
// makes the machine call Config.OnHibernate (so the owner can drop buffers)
// and report Hibernated until the next event. The idle timer is not re-armed
// per event: the machine records the time of the last event and, when the
// single idle timer fires early, re-arms it for the remainder. This keeps
// Dispatch free of allocation.
//
// # Stopping
//
// A Stop result ends the machine: its Reply actions are delivered first
// (gen_statem's stop_and_reply), every timer is stopped, and
// Callbacks.Terminate is called exactly once. Close (or CloseWith) stops a
// machine from outside, calling Terminate with ErrKilled if it was still
// running. After that Dispatch and Fire do nothing; events still postponed or
// queued at that moment can be collected with TakePending so the owner can
// answer the Calls among them.
//
// # Panics
//
// statem does not recover panics: a panic in HandleEvent, Terminate, a From's
// Reply or OnHibernate propagates out of Dispatch, Fire, Start or Close to the
// owner, which decides what it means (the connection turns it into an
// internal_error alert). A machine that panicked mid-run is left unusable:
// its timers are stopped, Dispatch and Fire become no-ops, and the owner must
// call CloseWith (or Close) to have Terminate called.
//
// Callbacks must not call Dispatch, Fire or Start on their own machine; doing
// so panics, because it would break the event order.
package statem
