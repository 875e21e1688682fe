// reader.go holds Reader: the per-socket goroutine that frames input and reads only while it holds credit.

package actor

import (
	"net"
	"sync/atomic"
)

// Reader is a credit-based socket reader (the receive half of Erlang's tls_socket
// active-mode machinery). One goroutine per socket calls frame to read one unit
// (typically a TLS record) and hands it to deliver. Every delivered unit costs one
// credit; with no credit the goroutine parks without touching the socket, so the
// kernel's receive window fills and TCP pushes back on the peer.
type Reader struct {
	conn    net.Conn
	frame   func(net.Conn) (any, error)
	deliver func(msg any)
	onErr   func(err error)

	credit  atomic.Int64
	stopped atomic.Bool
	wake    chan struct{} // 1-buffered: a pending wake-up is never lost and never blocks a granter
	done    chan struct{}
}

// StartReader starts the reader goroutine for conn with zero credit. frame reads
// exactly one unit from conn; deliver receives each unit (it must not block for
// long: it usually posts to an actor); onErr receives the first error from frame
// unless Stop was called before it happened. Either callback may be nil.
func StartReader(conn net.Conn, frame func(net.Conn) (any, error), deliver func(msg any), onErr func(err error)) *Reader {
	r := &Reader{
		conn:    conn,
		frame:   frame,
		deliver: deliver,
		onErr:   onErr,
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	go r.run()
	return r
}

func (r *Reader) run() {
	defer close(r.done)
	for {
		for r.credit.Load() <= 0 {
			if r.stopped.Load() {
				return
			}
			<-r.wake
		}
		if r.stopped.Load() {
			return
		}
		msg, err := r.frame(r.conn)
		if err != nil {
			if !r.stopped.Load() && r.onErr != nil {
				r.onErr(err)
			}
			return
		}
		r.credit.Add(-1)
		if r.deliver != nil {
			r.deliver(msg)
		}
	}
}

func (r *Reader) signal() {
	select {
	case r.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Grant adds n units of credit (n <= 0 is ignored). Safe from any goroutine and
// cheap: one atomic add, plus a non-blocking channel send only when credit goes
// from none to some.
func (r *Reader) Grant(n int) {
	if n <= 0 {
		return
	}
	now := r.credit.Add(int64(n))
	if now-int64(n) <= 0 && now > 0 {
		r.signal()
	}
}

// SetCredit replaces the credit with n (n <= 0 pauses reading after the unit in
// progress, if any).
func (r *Reader) SetCredit(n int) {
	old := r.credit.Swap(int64(n))
	if old <= 0 && n > 0 {
		r.signal()
	}
}

// Credit reports the credit left (for tests and diagnostics).
func (r *Reader) Credit() int { return int(r.credit.Load()) }

// Stop makes the goroutine exit at its next wake-up and suppresses onErr. It does
// not close conn: a goroutine blocked in Read is released when the owner closes
// the socket (or sets a deadline).
func (r *Reader) Stop() {
	r.stopped.Store(true)
	r.signal()
}

// Done is closed when the reader goroutine has exited.
func (r *Reader) Done() <-chan struct{} { return r.done }
