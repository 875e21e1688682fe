// machine_test.go holds the unit tests of the statem engine, driven by the fake clock.

package statem

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEventTypeString(t *testing.T) {
	want := map[EventType]string{
		Call: "call", Cast: "cast", Info: "info", Internal: "internal",
		StateTimeout: "state_timeout", EventTimeout: "timeout",
		GenericTimeout: "generic_timeout", Enter: "enter", EventType(42): "EventType(42)",
	}
	for et, s := range want {
		if got := et.String(); got != s {
			t.Errorf("%d.String() = %q, want %q", int(et), got, s)
		}
	}
}

func TestNewRequiresPost(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("New without Post did not panic")
		}
	}()
	New(&harness{}, "s", Config{})
}

func TestKeepNextNoEnter(t *testing.T) {
	h := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		switch ev.Content {
		case "go-b":
			return Next("b")
		case "stay":
			return Next(s)
		case "repeat":
			return Repeat()
		}
		return Keep()
	})
	h.m.Start()
	h.expectLog() // no enter call without StateEnter
	h.cast("x")
	h.cast("go-b")
	if h.m.State() != "b" {
		t.Fatalf("state = %s, want b", h.m.State())
	}
	h.cast("stay")
	h.cast("repeat") // Repeat without StateEnter is Keep
	h.expectLog("a/cast/x", "a/cast/go-b", "b/cast/stay", "b/cast/repeat")
	if h.m.Stopped() || h.m.Reason() != nil {
		t.Fatal("machine stopped unexpectedly")
	}
}

func TestEnterCalls(t *testing.T) {
	h := newHarness(t, "a", Config{StateEnter: true}, func(s State, ev Event) Result {
		if ev.Type == Enter {
			return Keep()
		}
		switch ev.Content {
		case "go-b":
			return Next("b")
		case "stay":
			return Next(s)
		case "repeat":
			return Repeat()
		}
		return Keep()
	})
	h.m.Start()
	h.expectLog("a/enter/a") // the initial enter call gets the initial state
	h.m.Start()              // a second Start does nothing
	h.expectLog()
	h.cast("go-b")
	h.expectLog("a/cast/go-b", "b/enter/a")
	h.cast("stay")
	h.expectLog("b/cast/stay") // same state: no enter call
	h.cast("repeat")
	h.expectLog("b/cast/repeat", "b/enter/b")
}

func TestEnterRepeatAndActions(t *testing.T) {
	from := &fakeFrom{}
	n := 0
	h := newHarness(t, "a", Config{StateEnter: true}, func(s State, ev Event) Result {
		if ev.Type == Enter {
			n++
			if n == 1 {
				return Repeat(Reply(from, "first"))
			}
			return Next(s, Reply(from, "second"), SetStateTimeout(time.Second, "st"))
		}
		return Keep()
	})
	h.m.Start()
	h.expectLog("a/enter/a", "a/enter/a")
	if strings.Join(toStrings(from.got), ",") != "first,second" {
		t.Fatalf("replies = %v", from.got)
	}
	h.advance(time.Second)
	h.expectLog("a/state_timeout/st")
}

func toStrings(v []any) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i], _ = x.(string)
	}
	return out
}

func TestBadEnterResult(t *testing.T) {
	cases := map[string]Result{
		"next-other": Next("elsewhere"),
		"postpone":   Keep(Postpone()),
		"next-event": Keep(NextEvent(Internal, 1)),
	}
	for name, bad := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, "a", Config{StateEnter: true}, func(s State, ev Event) Result {
				if ev.Type == Enter && s == "b" {
					return bad
				}
				if ev.Content == "go" {
					return Next("b", SetGenericTimeout("g", time.Second, nil))
				}
				return Keep()
			})
			h.m.Start()
			h.cast("go")
			if !h.m.Stopped() || !errors.Is(h.m.Reason(), ErrBadEnterResult) {
				t.Fatalf("stopped=%v reason=%v, want ErrBadEnterResult", h.m.Stopped(), h.m.Reason())
			}
			if len(h.terms) != 1 || h.terms[0].reason != ErrBadEnterResult || h.terms[0].state != "b" {
				t.Fatalf("terminate calls = %+v", h.terms)
			}
			if h.clk.active() != 0 {
				t.Fatalf("%d timers still active after stop", h.clk.active())
			}
			h.m.Close()
			if len(h.terms) != 1 {
				t.Fatal("Close after stop called Terminate again")
			}
		})
	}
}

func TestEnterStop(t *testing.T) {
	from := &fakeFrom{}
	boom := errors.New("boom")
	h := newHarness(t, "a", Config{StateEnter: true}, func(s State, ev Event) Result {
		if ev.Type == Enter {
			return Stop(boom, Reply(from, "bye"))
		}
		return Keep()
	})
	h.m.Start()
	if !h.m.Stopped() || h.m.Reason() != boom || len(from.got) != 1 || len(h.terms) != 1 {
		t.Fatalf("stopped=%v reason=%v replies=%v terms=%v", h.m.Stopped(), h.m.Reason(), from.got, h.terms)
	}
}

func TestPostponeOrder(t *testing.T) {
	h := newHarness(t, "wait", Config{StateEnter: true}, func(s State, ev Event) Result {
		if ev.Type == Enter {
			return Keep()
		}
		c, _ := ev.Content.(string)
		switch s {
		case "wait":
			switch {
			case strings.HasPrefix(c, "p"):
				return Keep(Postpone())
			case c == "same":
				return Next("wait")
			case c == "repeat":
				return Repeat()
			case c == "go":
				return Next("ready")
			}
		case "ready":
			if c == "p2" { // postponed again in the new state: waits for the next change
				return Keep(Postpone())
			}
			if c == "back" {
				return Next("wait")
			}
			if c == "again" {
				return Next("other")
			}
		}
		return Keep()
	})
	h.m.Start()
	h.takeLog()
	h.cast("p1")
	h.cast("p2")
	h.cast("x")
	h.cast("p3")
	h.cast("same")   // same state: not a change
	h.cast("repeat") // repeat: not a change (enter call runs, postponed stay)
	h.expectLog("wait/cast/p1", "wait/cast/p2", "wait/cast/x", "wait/cast/p3",
		"wait/cast/same", "wait/cast/repeat", "wait/enter/wait")
	h.cast("go")
	// Enter call first, then postponed events in original order.
	h.expectLog("wait/cast/go", "ready/enter/wait", "ready/cast/p1", "ready/cast/p2", "ready/cast/p3")
	h.cast("y")
	h.expectLog("ready/cast/y") // p2 stays postponed until the next change
	h.cast("again")
	h.expectLog("ready/cast/again", "other/enter/ready", "other/cast/p2")
}

func TestNextEventOrder(t *testing.T) {
	h := newHarness(t, "a", Config{StateEnter: true}, func(s State, ev Event) Result {
		if ev.Type == Enter {
			return Keep()
		}
		switch ev.Content {
		case "p":
			return Keep(Postpone())
		case "go":
			return Next("b", NextEvent(Internal, 1), NextEvent(Internal, 2), NextEventOf(Event{Type: Info, Content: 3}))
		case 1:
			return Keep(NextEvent(Internal, "1a"), NextEvent(Internal, "1b"))
		}
		return Keep()
	})
	h.m.Start()
	h.cast("p")
	h.takeLog()
	h.cast("go")
	// next_events first (in order, nested ones before the rest), then
	// the retried postponed event.
	h.expectLog("a/cast/go", "b/enter/a", "b/internal/1", "b/internal/1a", "b/internal/1b",
		"b/internal/2", "b/info/3", "b/cast/p")
}

func TestReplyActions(t *testing.T) {
	from := &fakeFrom{}
	h := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		if ev.Type == Call {
			return Keep(Reply(ev.From, "r1"), Reply(ev.From, "r2"))
		}
		return Keep()
	})
	h.m.Dispatch(Event{Type: Call, From: from, Content: "q"})
	if strings.Join(toStrings(from.got), ",") != "r1,r2" {
		t.Fatalf("replies = %v", from.got)
	}
}

func TestDispatchAutoStarts(t *testing.T) {
	h := newHarness(t, "a", Config{StateEnter: true}, nil)
	h.cast("x")
	h.expectLog("a/enter/a", "a/cast/x")
}

func TestStartWith(t *testing.T) {
	h := newHarness(t, "a", Config{StateEnter: true}, nil)
	h.m.StartWith(NextEvent(Internal, "init"), SetStateTimeout(time.Second, "st"), Postpone())
	h.expectLog("a/enter/a", "a/internal/init")
	h.advance(time.Second)
	h.expectLog("a/state_timeout/st")
}

func TestStateTimeout(t *testing.T) {
	h := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		switch ev.Content {
		case "arm":
			return Keep(SetStateTimeout(10*time.Second, "st"))
		case "rearm":
			return Keep(SetStateTimeout(20*time.Second, "st2"))
		case "cancel":
			return Keep(SetStateTimeout(-1, nil))
		case "cancel2":
			return Keep(CancelStateTimeout())
		case "go-b":
			return Next("b")
		case "go-c-armed":
			return Next("c", SetStateTimeout(5*time.Second, "in-c"))
		case "same":
			return Next(s)
		}
		return Keep()
	})
	h.m.Start()

	// Fires after d; other events and a same-state Next do not cancel it.
	h.cast("arm")
	h.advance(4 * time.Second)
	h.cast("x")
	h.cast("same")
	h.advance(6 * time.Second)
	h.expectLog("a/cast/arm", "a/cast/x", "a/cast/same", "a/state_timeout/st")

	// Replaced by a new one: only the new one fires, at its own time.
	h.cast("arm")
	h.advance(5 * time.Second)
	h.cast("rearm")
	h.advance(15 * time.Second)
	h.expectLog("a/cast/arm", "a/cast/rearm")
	h.advance(5 * time.Second)
	h.expectLog("a/state_timeout/st2")

	// Cancelled by d<0 and by CancelStateTimeout.
	h.cast("arm")
	h.cast("cancel")
	h.cast("rearm")
	h.cast("cancel2")
	h.advance(time.Minute)
	h.expectLog("a/cast/arm", "a/cast/cancel", "a/cast/rearm", "a/cast/cancel2")

	// Cancelled by a state change.
	h.cast("arm")
	h.cast("go-b")
	h.advance(time.Minute)
	h.expectLog("a/cast/arm", "a/cast/go-b")

	// A timeout set in the transition belongs to the new state.
	h.cast("arm")
	h.cast("go-c-armed")
	h.advance(5 * time.Second)
	h.expectLog("b/cast/arm", "b/cast/go-c-armed", "c/state_timeout/in-c")
	if n := h.clk.active(); n != 0 {
		t.Fatalf("%d timers left active", n)
	}
}

func TestStateTimeoutSetByEnter(t *testing.T) {
	h := newHarness(t, "a", Config{StateEnter: true}, func(s State, ev Event) Result {
		if ev.Type == Enter {
			if s == "b" {
				// The enter call's timeout overrides the transition's.
				return Keep(SetStateTimeout(3*time.Second, "from-enter"))
			}
			return Keep()
		}
		if ev.Content == "go" {
			return Next("b", SetStateTimeout(time.Second, "from-event"))
		}
		return Keep()
	})
	h.m.Start()
	h.cast("go")
	h.takeLog()
	h.advance(2 * time.Second)
	h.expectLog()
	h.advance(time.Second)
	h.expectLog("b/state_timeout/from-enter")
}

func TestEventTimeout(t *testing.T) {
	h := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		switch ev.Content {
		case "arm":
			return Keep(SetEventTimeout(10*time.Second, "et"))
		case "arm-postpone":
			return Keep(SetEventTimeout(10*time.Second, "et2"))
		case "p":
			return Keep(Postpone())
		case "cancel":
			return Keep(CancelEventTimeout())
		case "neg":
			return Keep(SetEventTimeout(-time.Second, nil))
		case "zero":
			return Keep(SetEventTimeout(0, "z"))
		case "zero-busy":
			return Keep(NextEvent(Internal, "queued"), SetEventTimeout(0, "never"))
		case "st":
			return Keep(SetStateTimeout(5*time.Second, "st-fired"))
		}
		return Keep()
	})
	h.m.Start()

	h.cast("arm")
	h.advance(10 * time.Second)
	h.expectLog("a/cast/arm", "a/timeout/et")

	// Any event cancels it ...
	h.cast("arm")
	h.advance(9 * time.Second)
	h.cast("x")
	h.advance(time.Minute)
	h.expectLog("a/cast/arm", "a/cast/x")

	// ... including a postponed one ...
	h.cast("arm-postpone")
	h.cast("p")
	h.advance(time.Minute)
	h.expectLog("a/cast/arm-postpone", "a/cast/p")

	// ... and another timeout.
	h.cast("st")
	h.m.Dispatch(Event{Type: Cast, Content: "arm"})
	h.advance(5 * time.Second) // state timeout fires first and cancels the event timeout
	h.advance(time.Minute)
	h.expectLog("a/cast/st", "a/cast/arm", "a/state_timeout/st-fired")

	// Explicit cancels.
	h.cast("arm")
	h.cast("cancel")
	h.cast("arm")
	h.cast("neg")
	h.advance(time.Minute)
	h.expectLog("a/cast/arm", "a/cast/cancel", "a/cast/arm", "a/cast/neg")

	// Zero with an empty queue fires at once, in the same run.
	h.cast("zero")
	h.expectLog("a/cast/zero", "a/timeout/z")

	// Zero with queued events is cancelled by them.
	h.cast("zero-busy")
	h.advance(time.Minute)
	h.expectLog("a/cast/zero-busy", "a/internal/queued")
	if n := h.clk.active(); n != 0 {
		t.Fatalf("%d timers left active", n)
	}
}

func TestGenericTimeout(t *testing.T) {
	h := newHarness(t, "a", Config{StateEnter: true}, func(s State, ev Event) Result {
		if ev.Type == Enter {
			return Keep()
		}
		switch ev.Content {
		case "arm":
			return Keep(SetGenericTimeout("g", 10*time.Second, "g1"), SetGenericTimeout("h", 15*time.Second, "h1"))
		case "restart":
			return Keep(SetGenericTimeout("g", 10*time.Second, "g2"))
		case "cancel-h":
			return Keep(CancelGenericTimeout("h"))
		case "neg-g":
			return Keep(SetGenericTimeout("g", -1, nil))
		case "go":
			return Next("b")
		}
		return Keep()
	})
	h.m.Start()
	h.takeLog()

	// Survives a state change; each name fires on its own.
	h.cast("arm")
	h.cast("go")
	h.advance(10 * time.Second)
	h.advance(5 * time.Second)
	h.expectLog("a/cast/arm", "a/cast/go", "b/enter/a", "b/generic_timeout:g/g1", "b/generic_timeout:h/h1")

	// Restart by the same name replaces it; cancel by name.
	h.cast("arm")
	h.advance(5 * time.Second)
	h.cast("restart")
	h.cast("cancel-h")
	h.advance(9 * time.Second)
	h.expectLog("b/cast/arm", "b/cast/restart", "b/cast/cancel-h")
	h.advance(time.Second)
	h.expectLog("b/generic_timeout:g/g2")
	h.advance(time.Minute)
	h.expectLog()

	h.cast("arm")
	h.cast("neg-g")
	h.cast("cancel-h")
	h.advance(time.Minute)
	h.expectLog("b/cast/arm", "b/cast/neg-g", "b/cast/cancel-h")
	h.cast("cancel-h") // cancelling an unknown name is harmless
	if n := h.clk.active(); n != 0 {
		t.Fatalf("%d timers left active", n)
	}
	if len(h.m.generic) != 0 {
		t.Fatalf("generic map not cleaned: %d", len(h.m.generic))
	}
}

func TestZeroTimeouts(t *testing.T) {
	h := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		switch ev.Content {
		case "zero":
			// The zero timeouts come after the inserted events.
			return Keep(SetStateTimeout(0, "st0"), SetGenericTimeout("g", 0, "g0"),
				NextEvent(Internal, 1), NextEvent(Internal, 2))
		case "zero-then-change":
			return Keep(SetStateTimeout(0, "never"), NextEvent(Internal, "change"))
		case "change":
			return Next("b")
		case "zero-then-rearm":
			return Keep(SetGenericTimeout("g", 0, "old"), NextEvent(Internal, "rearm"))
		case "rearm":
			return Keep(SetGenericTimeout("g", 0, "new"))
		case "p":
			return Keep(Postpone())
		case "zero-change-retry":
			return Next("c", SetStateTimeout(0, "after-postponed"))
		}
		return Keep()
	})
	h.m.Start()
	h.cast("zero")
	h.expectLog("a/cast/zero", "a/internal/1", "a/internal/2", "a/state_timeout/st0", "a/generic_timeout:g/g0")

	// A queued zero state timeout is cancelled by a state change before it.
	h.cast("zero-then-change")
	h.expectLog("a/cast/zero-then-change", "a/internal/change")
	if h.m.State() != "b" {
		t.Fatalf("state = %s", h.m.State())
	}

	// A queued zero generic timeout replaced before it runs: only the new one.
	h.cast("zero-then-rearm")
	h.expectLog("b/cast/zero-then-rearm", "b/internal/rearm", "b/generic_timeout:g/new")

	// A zero timeout runs after the retried postponed events.
	h.cast("p")
	h.cast("zero-change-retry")
	h.expectLog("b/cast/p", "b/cast/zero-change-retry", "c/cast/p", "c/state_timeout/after-postponed")
	if h.clk.active() != 0 || len(h.box) != 0 {
		t.Fatal("zero timeouts must not start timers")
	}
}

func TestStaleFiredIgnored(t *testing.T) {
	h := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		switch ev.Content {
		case "g":
			return Keep(SetGenericTimeout("g", time.Second, "old"))
		case "g-restart":
			return Keep(SetGenericTimeout("g", time.Hour, "new"))
		case "g-cancel":
			return Keep(CancelGenericTimeout("g"))
		case "st":
			return Keep(SetStateTimeout(time.Second, "st"))
		case "st-cancel":
			return Keep(SetStateTimeout(-1, nil))
		case "st-restart":
			return Keep(SetStateTimeout(time.Hour, "st-new"))
		case "go":
			if s == "a" {
				return Next("b")
			}
			return Next("a")
		case "et":
			return Keep(SetEventTimeout(time.Second, "et"))
		}
		return Keep()
	})
	h.m.Start()

	// Each case: the timer fires (its Fired sits in the mailbox), then an
	// event that cancels/restarts it is handled first, then the stale Fired
	// is delivered and must be ignored.
	cases := []struct{ arm, spoil string }{
		{"g", "g-restart"},
		{"g", "g-cancel"},
		{"st", "st-cancel"},
		{"st", "st-restart"},
		{"st", "go"},
		{"et", "x"},
	}
	for _, c := range cases {
		h.cast(c.arm)
		h.clk.Advance(time.Second)
		if len(h.box) != 1 {
			t.Fatalf("%s: %d fired messages, want 1", c.arm, len(h.box))
		}
		stale := h.box[0]
		h.box = nil
		h.cast(c.spoil)
		h.m.Fire(stale)
		h.m.Fire(stale)
		for _, l := range h.takeLog() {
			if strings.Contains(l, "timeout") {
				t.Fatalf("%s/%s: stale timeout delivered: %s", c.arm, c.spoil, l)
			}
		}
		// Clear whatever the spoiler armed.
		h.cast("g-cancel")
		h.cast("st-cancel")
		h.takeLog()
	}

	// A Fired is delivered at most once.
	h.cast("g")
	h.clk.Advance(time.Second)
	f := h.box[0]
	h.box = nil
	h.m.Fire(f)
	h.m.Fire(f)
	if h.m.State() != "b" {
		t.Fatalf("state = %s, want b after one \"go\"", h.m.State())
	}
	h.expectLog("b/cast/g", "b/generic_timeout:g/old")

	// A Fired of another machine, and nil, are ignored.
	other := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		return Keep(SetGenericTimeout("g", time.Second, "other"))
	})
	other.cast("arm")
	other.clk.Advance(time.Second)
	h.cast("g") // h has an armed "g" too, with some generation
	h.takeLog()
	h.m.Fire(other.box[0])
	h.m.Fire(nil)
	h.expectLog()

	// After Close every Fired is ignored.
	h.clk.Advance(time.Second)
	pending := h.box
	h.box = nil
	h.m.Close()
	for _, f := range pending {
		h.m.Fire(f)
	}
	h.expectLog("terminate:statem: killed:b")
}

func TestHibernateAction(t *testing.T) {
	h := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		switch ev.Content {
		case "hib":
			return Keep(Hibernate(), NextEvent(Internal, "more"))
		case "stop-hib":
			return Stop(nil, Hibernate())
		}
		return Keep()
	})
	h.m.Start()
	h.cast("hib")
	// Hibernation only after the queue drained.
	h.expectLog("a/cast/hib", "a/internal/more", "hibernate")
	if !h.m.Hibernated() || h.hibs != 1 {
		t.Fatalf("hibernated=%v hibs=%d", h.m.Hibernated(), h.hibs)
	}
	h.cast("x")
	if h.m.Hibernated() {
		t.Fatal("still hibernated after an event")
	}
	if h.hibs != 1 {
		t.Fatal("OnHibernate called again without Hibernate")
	}
	h.cast("stop-hib") // a stopping machine does not hibernate
	if h.hibs != 1 || h.m.Hibernated() {
		t.Fatal("hibernated while stopping")
	}
}

func TestHibernateAfter(t *testing.T) {
	h := newHarness(t, "a", Config{HibernateAfter: 10 * time.Second}, func(s State, ev Event) Result {
		if ev.Content == "st" {
			return Keep(SetStateTimeout(30*time.Second, "st"))
		}
		return Keep()
	})
	h.m.Start()
	h.advance(9 * time.Second)
	if h.hibs != 0 {
		t.Fatal("hibernated too early")
	}
	h.advance(time.Second)
	if h.hibs != 1 || !h.m.Hibernated() {
		t.Fatalf("not hibernated after idle time: hibs=%d", h.hibs)
	}
	if h.clk.active() != 0 {
		t.Fatal("idle timer still armed while hibernated")
	}
	h.advance(time.Minute)
	if h.hibs != 1 {
		t.Fatal("hibernated twice without an event")
	}

	// Events push hibernation back; only one idle timer exists at a time.
	h.cast("x")
	if h.m.Hibernated() {
		t.Fatal("event did not wake the machine")
	}
	for i := 0; i < 5; i++ {
		h.advance(6 * time.Second)
		h.cast(i)
		if h.clk.active() != 1 {
			t.Fatalf("%d idle timers active, want 1", h.clk.active())
		}
	}
	if h.hibs != 1 {
		t.Fatal("hibernated despite regular events")
	}
	h.advance(9 * time.Second)
	if h.hibs != 1 {
		t.Fatal("hibernated before HibernateAfter since the last event")
	}
	h.advance(time.Second)
	if h.hibs != 2 {
		t.Fatalf("hibs=%d, want 2", h.hibs)
	}

	// A timeout event is an event: it wakes the machine and re-arms the idle timer.
	h.cast("st")
	h.advance(10 * time.Second)
	if h.hibs != 3 {
		t.Fatalf("hibs=%d, want 3", h.hibs)
	}
	h.advance(20 * time.Second) // state timeout fires
	if h.m.Hibernated() {
		t.Fatal("timeout event did not wake the machine")
	}
	h.advance(10 * time.Second)
	if h.hibs != 4 {
		t.Fatalf("hibs=%d, want 4", h.hibs)
	}
}

func TestStopWithReply(t *testing.T) {
	boom := errors.New("boom")
	from := &fakeFrom{}
	h := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		switch ev.Content {
		case "p":
			return Keep(Postpone(), SetGenericTimeout("g", time.Second, nil), SetStateTimeout(time.Second, nil))
		case "stop":
			return Stop(boom, Reply(ev.From, "bye"), NextEvent(Internal, "ignored"), Postpone())
		}
		return Keep()
	})
	from.log = &h.log
	h.m.Start()
	h.cast("p")
	h.m.Dispatch(Event{Type: Call, From: from, Content: "stop"})
	// The reply goes out before Terminate; the stop's other actions are ignored.
	h.expectLog("a/cast/p", "a/call/stop", "reply:bye", "terminate:boom:a")
	if !h.m.Stopped() || h.m.Reason() != boom {
		t.Fatalf("stopped=%v reason=%v", h.m.Stopped(), h.m.Reason())
	}
	if h.clk.active() != 0 {
		t.Fatal("timers survive the stop")
	}
	pend := h.m.TakePending()
	if len(pend) != 1 || pend[0].Content != "p" {
		t.Fatalf("pending = %+v", pend)
	}
	if h.m.TakePending() != nil {
		t.Fatal("TakePending did not forget")
	}
	// Everything after the stop is a no-op; Terminate ran once.
	h.cast("x")
	h.m.Start()
	h.advance(time.Minute)
	h.m.Close()
	h.m.Close()
	h.expectLog()
	if len(h.terms) != 1 {
		t.Fatalf("Terminate called %d times", len(h.terms))
	}
}

func TestNormalStop(t *testing.T) {
	h := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		if ev.Content == "stop" {
			return Stop(nil)
		}
		return Keep(NextEvent(Internal, "stop"), NextEvent(Internal, "after"))
	})
	h.cast("x")
	// Queued events after the stop are not handled but handed back.
	h.expectLog("a/cast/x", "a/internal/stop", "terminate:<nil>:a")
	if !h.m.Stopped() || h.m.Reason() != nil {
		t.Fatal("not a normal stop")
	}
	if p := h.m.TakePending(); len(p) != 1 || p[0].Content != "after" {
		t.Fatalf("pending = %+v", p)
	}
}

func TestCloseKills(t *testing.T) {
	h := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		return Keep(SetStateTimeout(time.Second, nil), Postpone())
	})
	h.cast("x")
	h.m.Close()
	h.m.Close()
	h.m.CloseWith(errors.New("late"))
	if len(h.terms) != 1 || h.terms[0].reason != ErrKilled {
		t.Fatalf("terms = %+v", h.terms)
	}
	if !h.m.Stopped() || h.m.Reason() != ErrKilled || h.clk.active() != 0 {
		t.Fatal("Close did not stop the machine and its timers")
	}
	if len(h.m.TakePending()) != 1 {
		t.Fatal("postponed event not handed back on Close")
	}
}

func TestPanicPropagates(t *testing.T) {
	h := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		if ev.Content == "panic" {
			panic("callback bug")
		}
		return Keep(SetGenericTimeout("g", time.Second, nil))
	})
	h.cast("arm")
	func() {
		defer func() {
			if r := recover(); r != "callback bug" {
				t.Fatalf("recovered %v, want the callback's panic", r)
			}
		}()
		h.cast("panic")
	}()
	if h.clk.active() != 0 {
		t.Fatal("timers survive a panic")
	}
	h.takeLog()
	h.cast("x") // no-op after a crash
	h.expectLog()
	crash := errors.New("crash")
	h.m.CloseWith(crash)
	h.expectLog("terminate:crash:a")
	if h.m.Reason() != crash {
		t.Fatalf("reason = %v", h.m.Reason())
	}
}

func TestReentrantDispatchPanics(t *testing.T) {
	var m *Machine
	h := newHarness(t, "a", Config{}, func(s State, ev Event) Result {
		if ev.Content == "outer" {
			m.Dispatch(Event{Type: Cast, Content: "inner"})
		}
		return Keep()
	})
	m = h.m
	defer func() {
		r, _ := recover().(string)
		if !strings.Contains(r, "inside a callback") {
			t.Fatalf("recovered %q", r)
		}
	}()
	h.cast("outer")
	t.Fatal("no panic")
}

func TestRealClock(t *testing.T) {
	posted := make(chan *Fired, 1)
	cb := &harness{handle: func(s State, ev Event) Result {
		if ev.Content == "arm" {
			return Keep(SetStateTimeout(time.Millisecond, "real"))
		}
		return Keep()
	}}
	m := New(cb, "a", Config{Post: func(f *Fired) { posted <- f }})
	m.Dispatch(Event{Type: Cast, Content: "arm"})
	select {
	case f := <-posted:
		m.Fire(f)
	case <-time.After(5 * time.Second):
		t.Fatal("real timer never fired")
	}
	if got := cb.log[len(cb.log)-1]; got != "a/state_timeout/real" {
		t.Fatalf("last event %q", got)
	}
	if RealClock().Now().IsZero() {
		t.Fatal("RealClock().Now() is zero")
	}
	m.Close()
}

// TestDispatchNoAlloc guards the hot path: an event handled with Keep() and
// no actions must not allocate, even with hibernate_after on.
func TestDispatchNoAlloc(t *testing.T) {
	m := New(nopCallbacks{}, "a", Config{Clock: newFakeClock(), Post: func(*Fired) {}, HibernateAfter: time.Minute})
	m.Start()
	ev := Event{Type: Info, Content: nil}
	if n := testing.AllocsPerRun(1000, func() { m.Dispatch(ev) }); n != 0 {
		t.Fatalf("Dispatch allocates %v times per event", n)
	}
}

type nopCallbacks struct{}

func (nopCallbacks) HandleEvent(State, Event) Result { return Keep() }
func (nopCallbacks) Terminate(error, State)          {}

func BenchmarkDispatch(b *testing.B) {
	m := New(nopCallbacks{}, "a", Config{Clock: newFakeClock(), Post: func(*Fired) {}, HibernateAfter: time.Minute})
	m.Start()
	ev := Event{Type: Info, Content: nil}
	b.ReportAllocs()
	for b.Loop() {
		m.Dispatch(ev)
	}
}
