// io_test.go tests Reader (credit-based reading) and Writer (ordered writes without an idle goroutine).

package actor

import (
	"bytes"
	"errors"
	"io"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// oneByteFrame reads a 1-byte frame.
func oneByteFrame(c net.Conn) (any, error) {
	var b [1]byte
	if _, err := io.ReadFull(c, b[:]); err != nil {
		return nil, err
	}
	return b[0], nil
}

func TestReaderCredit(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	var frames atomic.Int32
	got := make(chan any, 16)
	r := StartReader(server, func(c net.Conn) (any, error) {
		frames.Add(1)
		return oneByteFrame(c)
	}, func(m any) { got <- m }, func(err error) { t.Errorf("onErr(%v)", err) })

	// Without credit the reader never touches the socket.
	time.Sleep(30 * time.Millisecond)
	if n := frames.Load(); n != 0 {
		t.Fatalf("framed %d times with no credit", n)
	}
	writeDone := make(chan error, 1)
	go func() { _, err := client.Write([]byte{1, 2, 3, 4}); writeDone <- err }()

	r.Grant(1)
	if v := recvWithin(t, got, 5*time.Second, "frame 1"); v != byte(1) {
		t.Fatalf("frame = %v", v)
	}
	time.Sleep(30 * time.Millisecond)
	if n := frames.Load(); n != 1 {
		t.Fatalf("Grant(1) framed %d times, want exactly 1", n)
	}
	select {
	case v := <-got:
		t.Fatalf("extra delivery %v", v)
	default:
	}
	r.Grant(2)
	for want := byte(2); want <= 3; want++ {
		if v := recvWithin(t, got, 5*time.Second, "frame"); v != want {
			t.Fatalf("frame = %v, want %d", v, want)
		}
	}
	r.SetCredit(1)
	if v := recvWithin(t, got, 5*time.Second, "frame 4"); v != byte(4) {
		t.Fatalf("frame = %v", v)
	}
	if err := recvWithin(t, writeDone, 5*time.Second, "write"); err != nil {
		t.Fatal(err)
	}
	if r.Credit() != 0 {
		t.Fatalf("credit = %d, want 0", r.Credit())
	}
	r.Stop()
	recvWithin(t, r.Done(), 5*time.Second, "reader exit")
}

func TestReaderError(t *testing.T) {
	client, server := net.Pipe()
	errc := make(chan error, 1)
	r := StartReader(server, oneByteFrame, func(any) {}, func(err error) { errc <- err })
	r.Grant(10)
	client.Close()
	if err := recvWithin(t, errc, 5*time.Second, "onErr"); !errors.Is(err, io.EOF) {
		t.Fatalf("onErr(%v), want EOF", err)
	}
	recvWithin(t, r.Done(), 5*time.Second, "reader exit")
	server.Close()
}

func TestReaderStopSuppressesError(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	r := StartReader(server, oneByteFrame, func(any) {}, func(err error) { t.Errorf("onErr after Stop: %v", err) })
	r.Grant(1) // now blocked in Read
	time.Sleep(10 * time.Millisecond)
	r.Stop()
	server.Close() // the owner closes the socket to release the Read
	recvWithin(t, r.Done(), 5*time.Second, "reader exit")

	// A reader parked without credit exits on Stop alone.
	r2 := StartReader(server, oneByteFrame, func(any) {}, nil)
	r2.Stop()
	recvWithin(t, r2.Done(), 5*time.Second, "parked reader exit")
}

// sink is an io.Writer-backed net.Conn stand-in for the Writer: only Write is used.
type sink struct {
	net.Conn
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func TestWriterOrdering(t *testing.T) {
	w := NewWriter(&sink{}, func(err error) { t.Errorf("onErr(%v)", err) })
	const G, N = 8, 200
	var log []int // appended only by jobs: the race detector checks they never overlap
	var wg sync.WaitGroup
	for g := 0; g < G; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < N; i++ {
				v := g*N + i
				job := func(io.Writer) error { log = append(log, v); return nil }
				if i%3 == 0 {
					if err := w.DoSync(job); err != nil {
						t.Error(err)
						return
					}
				} else {
					w.Do(job)
				}
			}
		}()
	}
	wg.Wait()
	if err := w.Flush(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if len(log) != G*N {
		t.Fatalf("%d jobs ran, want %d", len(log), G*N)
	}
	last := make([]int, G)
	for g := range last {
		last[g] = -1
	}
	for _, v := range log {
		g, i := v/N, v%N
		if i <= last[g] {
			t.Fatalf("goroutine %d: job %d ran after job %d", g, i, last[g])
		}
		last[g] = i
	}
}

func TestWriterDoSyncWaitsForEarlierDo(t *testing.T) {
	w := NewWriter(&sink{}, nil)
	release := make(chan struct{})
	var ran []string
	w.Do(func(io.Writer) error { <-release; ran = append(ran, "a"); return nil })
	w.Do(func(io.Writer) error { ran = append(ran, "b"); return nil })
	done := make(chan error, 1)
	go func() { done <- w.DoSync(func(io.Writer) error { ran = append(ran, "c"); return nil }) }()
	time.Sleep(20 * time.Millisecond)
	select {
	case <-done:
		t.Fatal("DoSync ran before earlier jobs")
	default:
	}
	close(release)
	if err := recvWithin(t, done, 5*time.Second, "DoSync"); err != nil {
		t.Fatal(err)
	}
	if got := len(ran); got != 3 || ran[0] != "a" || ran[1] != "b" || ran[2] != "c" {
		t.Fatalf("order %v, want [a b c]", ran)
	}
}

func TestWriterStickyError(t *testing.T) {
	s := &sink{}
	errBoom := errors.New("boom")
	var onErrs atomic.Int32
	w := NewWriter(s, func(err error) {
		if !errors.Is(err, errBoom) {
			t.Errorf("onErr(%v)", err)
		}
		onErrs.Add(1)
	})
	if err := w.DoSync(func(w io.Writer) error { _, err := w.Write([]byte("ok")); return err }); err != nil {
		t.Fatal(err)
	}
	if err := w.DoSync(func(io.Writer) error { return errBoom }); !errors.Is(err, errBoom) {
		t.Fatalf("DoSync = %v", err)
	}
	var ranAfter atomic.Bool
	w.Do(func(io.Writer) error { ranAfter.Store(true); return nil })
	if err := w.DoSync(func(io.Writer) error { ranAfter.Store(true); return nil }); !errors.Is(err, errBoom) {
		t.Fatalf("DoSync after error = %v, want sticky boom", err)
	}
	if err := w.Flush(time.Second); !errors.Is(err, errBoom) {
		t.Fatalf("Flush = %v", err)
	}
	time.Sleep(10 * time.Millisecond)
	if ranAfter.Load() {
		t.Fatal("a job ran after the sticky error")
	}
	if !errors.Is(w.Err(), errBoom) || onErrs.Load() != 1 {
		t.Fatalf("Err = %v, onErr calls = %d", w.Err(), onErrs.Load())
	}
	if s.buf.String() != "ok" {
		t.Fatalf("wrote %q", s.buf.String())
	}

	// An async job's error is sticky too, and a panic becomes an error.
	w2 := NewWriter(&sink{}, nil)
	w2.Do(func(io.Writer) error { panic("job") })
	if err := w2.Flush(time.Second); !errors.Is(err, ErrJobPanicked) {
		t.Fatalf("after panicking job Flush = %v", err)
	}
}

func TestWriterClose(t *testing.T) {
	w := NewWriter(&sink{}, func(err error) { t.Errorf("onErr(%v) on Close", err) })
	release := make(chan struct{})
	w.Do(func(io.Writer) error { <-release; return nil })
	var ranQueued atomic.Bool
	w.Do(func(io.Writer) error { ranQueued.Store(true); return nil })
	pending := make(chan error, 1)
	go func() { pending <- w.DoSync(func(io.Writer) error { ranQueued.Store(true); return nil }) }()
	time.Sleep(20 * time.Millisecond)
	errClosed := errors.New("closed")
	w.Close(errClosed)
	if err := recvWithin(t, pending, 5*time.Second, "dropped DoSync"); !errors.Is(err, errClosed) {
		t.Fatalf("pending DoSync = %v", err)
	}
	close(release)
	if err := w.DoSync(func(io.Writer) error { return nil }); !errors.Is(err, errClosed) {
		t.Fatalf("DoSync after Close = %v", err)
	}
	time.Sleep(10 * time.Millisecond)
	if ranQueued.Load() {
		t.Fatal("a queued job ran after Close")
	}
	w2 := NewWriter(&sink{}, nil)
	w2.Close(nil)
	if !errors.Is(w2.Err(), ErrWriterClosed) {
		t.Fatalf("Err after Close(nil) = %v", w2.Err())
	}
}

// goid returns the current goroutine's id, parsed from its stack header.
func goid() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	f := bytes.Fields(buf)
	return string(f[1]) // "goroutine <id> [running]:"
}

// goroutineAlive reports whether goroutine id still exists.
func goroutineAlive(id string) bool {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return bytes.Contains(buf, []byte("goroutine "+id+" ["))
}

func TestWriterNoIdleGoroutine(t *testing.T) {
	w := NewWriter(&sink{}, nil)
	release := make(chan struct{})
	var mu sync.Mutex
	ids := map[string]bool{}
	record := func() { mu.Lock(); ids[goid()] = true; mu.Unlock() }
	w.Do(func(io.Writer) error { <-release; record(); return nil })
	for i := 0; i < 100; i++ {
		w.Do(func(w io.Writer) error { record(); _, err := w.Write([]byte{1}); return err })
	}
	close(release)
	if err := w.Flush(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 {
		t.Fatalf("jobs ran on %d goroutines, want one drainer", len(ids))
	}
	var drainer string
	for id := range ids {
		drainer = id
	}
	deadline := time.Now().Add(5 * time.Second)
	for goroutineAlive(drainer) {
		if time.Now().After(deadline) {
			t.Fatal("drain goroutine still alive while idle")
		}
		time.Sleep(time.Millisecond)
	}
	// DoSync on an idle writer runs inline in the caller's goroutine.
	me := goid()
	var ran string
	if err := w.DoSync(func(io.Writer) error { ran = goid(); return nil }); err != nil {
		t.Fatal(err)
	}
	if ran != me {
		t.Fatalf("idle DoSync ran on goroutine %s, caller is %s", ran, me)
	}
	// Do on an idle writer starts a drainer, which exits again.
	done := make(chan string, 1)
	w.Do(func(io.Writer) error { done <- goid(); return nil })
	id := recvWithin(t, done, 5*time.Second, "Do")
	if id == me {
		t.Fatal("Do ran inline")
	}
	for goroutineAlive(id) {
		if time.Now().After(deadline) {
			t.Fatal("second drainer still alive while idle")
		}
		time.Sleep(time.Millisecond)
	}
}

func BenchmarkWriterDoSync(b *testing.B) {
	w := NewWriter(&sink{}, nil)
	job := func(io.Writer) error { return nil }
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = w.DoSync(job)
	}
}
