// writer.go holds Writer: ordered socket writes without an idle goroutine (Erlang's tls_sender role).

package actor

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// ErrWriterClosed is what jobs get after Writer.Close(nil).
var ErrWriterClosed = errors.New("actor: writer closed")

// Writer serialises writes to one socket. Jobs run one at a time in the order
// they were submitted (Do and DoSync share one FIFO). While jobs are queued a
// drain goroutine runs them; when the queue is empty that goroutine exits, so an
// idle connection costs no goroutine. When the writer is idle, DoSync runs its
// job inline in the caller's goroutine: no hand-off on the common path.
//
// The first error is sticky: jobs submitted or still queued after it are not
// run, and DoSync returns that error.
type Writer struct {
	conn  net.Conn
	onErr func(error)

	mu    sync.Mutex
	queue []wjob
	head  int  // queue[head:] is pending
	busy  bool // a drain goroutine or an inline DoSync owns conn
	err   error
}

type wjob struct {
	fn   func(w io.Writer) error
	done chan error // nil for Do; 1-buffered for DoSync, so the drainer never blocks
}

// NewWriter returns a Writer for conn. onErr (may be nil) is called once, with
// the first error a job returns, from the goroutine that ran the job; it is not
// called for Close.
func NewWriter(conn net.Conn, onErr func(error)) *Writer {
	return &Writer{conn: conn, onErr: onErr}
}

// Do queues job to run after every job submitted before it. It never blocks on
// I/O. After an error or Close the job is dropped.
func (w *Writer) Do(job func(w io.Writer) error) {
	w.mu.Lock()
	if w.err != nil {
		w.mu.Unlock()
		return
	}
	w.queue = append(w.queue, wjob{fn: job})
	if !w.busy {
		w.busy = true
		go w.drain()
	}
	w.mu.Unlock()
}

// DoSync runs job after every job submitted before it and returns its error (or
// the sticky error, in which case job is not run). When nothing is queued or
// running, job runs inline in the caller's goroutine.
func (w *Writer) DoSync(job func(w io.Writer) error) error {
	w.mu.Lock()
	if w.err != nil {
		err := w.err
		w.mu.Unlock()
		return err
	}
	if !w.busy {
		w.busy = true
		w.mu.Unlock()
		err := w.run(job)
		w.finish(err)
		w.mu.Lock()
		if w.head < len(w.queue) {
			go w.drain() // jobs queued meanwhile: busy stays true for the drainer
		} else {
			w.busy = false
		}
		w.mu.Unlock()
		return err
	}
	done := make(chan error, 1)
	w.queue = append(w.queue, wjob{fn: job, done: done})
	w.mu.Unlock()
	return <-done
}

// ErrJobPanicked is the sticky error after a write job panicked.
var ErrJobPanicked = errors.New("actor: writer job panicked")

// run executes one job; a panic becomes ErrJobPanicked so the queue never wedges
// and a drain goroutine never takes the process down.
func (w *Writer) run(job func(w io.Writer) error) (err error) {
	defer func() {
		if recover() != nil {
			err = ErrJobPanicked
		}
	}()
	return job(w.conn)
}

// finish records a job's error as the sticky error (first one wins) and reports it.
func (w *Writer) finish(err error) {
	if err == nil {
		return
	}
	w.mu.Lock()
	first := w.err == nil
	if first {
		w.err = err
		w.failQueuedLocked(err)
	}
	w.mu.Unlock()
	if first && w.onErr != nil {
		w.onErr(err)
	}
}

// failQueuedLocked drops every queued job, giving waiters err.
func (w *Writer) failQueuedLocked(err error) {
	for i := w.head; i < len(w.queue); i++ {
		if d := w.queue[i].done; d != nil {
			d <- err
		}
		w.queue[i] = wjob{}
	}
	w.queue = w.queue[:0]
	w.head = 0
}

func (w *Writer) drain() {
	for {
		w.mu.Lock()
		if w.head >= len(w.queue) {
			w.queue = w.queue[:0]
			w.head = 0
			w.busy = false
			w.mu.Unlock()
			return
		}
		j := w.queue[w.head]
		w.queue[w.head] = wjob{} // let the closure be collected
		w.head++
		w.mu.Unlock()

		err := w.run(j.fn)
		w.finish(err)
		if j.done != nil {
			j.done <- err
		}
	}
}

// Err returns the sticky error, or nil.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close stops accepting jobs: later ones get err (ErrWriterClosed if err is nil)
// and queued ones are dropped (their DoSync callers get err). A job already
// running finishes. Close does not close the socket.
func (w *Writer) Close(err error) {
	if err == nil {
		err = ErrWriterClosed
	}
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.failQueuedLocked(w.err)
	w.mu.Unlock()
}

// Flush waits until every job submitted before it has run, or timeout passes
// (timeout <= 0 waits without limit). It returns the sticky error, or
// ErrTimeout. Use it before closing the socket after close_notify
// (RFC 5246 section 7.2.1) so the alert is on the wire first.
func (w *Writer) Flush(timeout time.Duration) error {
	w.mu.Lock()
	if w.err != nil {
		err := w.err
		w.mu.Unlock()
		return err
	}
	if !w.busy {
		w.mu.Unlock()
		return nil
	}
	done := make(chan error, 1)
	w.queue = append(w.queue, wjob{fn: func(io.Writer) error { return nil }, done: done})
	w.mu.Unlock()
	if timeout <= 0 {
		return <-done
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return ErrTimeout
	}
}
