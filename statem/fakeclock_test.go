// fakeclock_test.go holds the deterministic fake Clock and the test harness shared by the statem tests.

package statem

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// fakeClock is a manual Clock: timers fire only inside Advance, in deadline
// order (ties in creation order), on the caller's goroutine.
type fakeClock struct {
	now    time.Time
	seq    int
	timers []*fakeTimer
}

type fakeTimer struct {
	at   time.Time
	seq  int
	f    func()
	done bool
}

func (t *fakeTimer) Stop() bool {
	if t.done {
		return false
	}
	t.done = true
	return true
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_000_000, 0)} }

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.seq++
	t := &fakeTimer{at: c.now.Add(d), seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	return t
}

// Advance moves time forward by d, firing due timers in order.
func (c *fakeClock) Advance(d time.Duration) {
	end := c.now.Add(d)
	for {
		var next *fakeTimer
		for _, t := range c.timers {
			if t.done || t.at.After(end) {
				continue
			}
			if next == nil || t.at.Before(next.at) || (t.at.Equal(next.at) && t.seq < next.seq) {
				next = t
			}
		}
		if next == nil {
			break
		}
		c.now = next.at
		next.done = true
		next.f()
	}
	c.now = end
}

// active counts timers neither fired nor stopped.
func (c *fakeClock) active() int {
	n := 0
	for _, t := range c.timers {
		if !t.done {
			n++
		}
	}
	return n
}

// fakeFrom records replies; log, if set, gets "reply:<v>" lines.
type fakeFrom struct {
	got []any
	log *[]string
}

func (f *fakeFrom) Reply(v any) {
	f.got = append(f.got, v)
	if f.log != nil {
		*f.log = append(*f.log, fmt.Sprintf("reply:%v", v))
	}
}

type termRec struct {
	reason error
	state  State
}

// harness is a scriptable Callbacks plus the owner side: a mailbox of
// posted timer messages and a fake clock.
type harness struct {
	t      *testing.T
	clk    *fakeClock
	box    []*Fired
	m      *Machine
	log    []string
	handle func(s State, ev Event) Result
	terms  []termRec
	hibs   int
}

func (h *harness) HandleEvent(s State, ev Event) Result {
	h.log = append(h.log, fmtEv(s, ev))
	if h.handle == nil {
		return Keep()
	}
	return h.handle(s, ev)
}

func (h *harness) Terminate(reason error, s State) {
	h.terms = append(h.terms, termRec{reason, s})
	h.log = append(h.log, fmt.Sprintf("terminate:%v:%s", reason, s))
}

func fmtEv(s State, ev Event) string {
	if ev.Type == GenericTimeout {
		return fmt.Sprintf("%s/%s:%s/%v", s, ev.Type, ev.Name, ev.Content)
	}
	return fmt.Sprintf("%s/%s/%v", s, ev.Type, ev.Content)
}

// newHarness builds a machine in state initial; cfg.Clock and cfg.Post are
// filled in. It does not Start the machine.
func newHarness(t *testing.T, initial State, cfg Config, handle func(s State, ev Event) Result) *harness {
	t.Helper()
	h := &harness{t: t, clk: newFakeClock(), handle: handle}
	cfg.Clock = h.clk
	cfg.Post = func(f *Fired) { h.box = append(h.box, f) }
	if cfg.OnHibernate == nil {
		cfg.OnHibernate = func() {
			h.hibs++
			h.log = append(h.log, "hibernate")
		}
	}
	h.m = New(h, initial, cfg)
	return h
}

// deliver hands every posted timer message to the machine, oldest first.
func (h *harness) deliver() {
	for len(h.box) > 0 {
		f := h.box[0]
		h.box = h.box[1:]
		h.m.Fire(f)
	}
}

// advance moves the clock and delivers what fired.
func (h *harness) advance(d time.Duration) {
	h.clk.Advance(d)
	h.deliver()
}

func (h *harness) cast(v any) { h.m.Dispatch(Event{Type: Cast, Content: v}) }

// takeLog returns the log since the last call and clears it.
func (h *harness) takeLog() []string {
	l := h.log
	h.log = nil
	return l
}

// expectLog checks the log since the last call and clears it.
func (h *harness) expectLog(want ...string) {
	h.t.Helper()
	got := h.takeLog()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		h.t.Fatalf("log mismatch\n got: %q\nwant: %q", got, want)
	}
}
