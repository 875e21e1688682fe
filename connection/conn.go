// The connection actor: the statem callbacks shared by client and server,
// record dispatch, alerts, termination and the Start entry point.
package connection

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"

	"github.com/erlang-ssl-go/ssl/actor"
	"github.com/erlang-ssl-go/ssl/handshake"
	"github.com/erlang-ssl-go/ssl/record"
	"github.com/erlang-ssl-go/ssl/statem"
)

// States of the TLS 1.2 machine (Erlang's names).
const (
	StateHello      statem.State = "hello"
	StateCertify    statem.State = "certify"
	StateCipher     statem.State = "cipher"
	StateConnection statem.State = "connection"
)

// Internal events.
type (
	// recordIn is one whole record read by the reader goroutine.
	recordIn struct{ rec []byte }
	// readFailed: the transport read failed (EOF included).
	readFailed struct{ err error }
	// writeFailed: the writer's sticky error.
	writeFailed struct{ err error }
	// changeCipherSpec is the CCS record as a handshake-level event.
	changeCipherSpec struct{}
)

func (*recordIn) IgnoreDeadLetterLogging()    {}
func (*readFailed) IgnoreDeadLetterLogging()  {}
func (*writeFailed) IgnoreDeadLetterLogging() {}

// ErrHandshakeTimeout is returned when the handshake does not finish in
// time; it is ErrTimeout, as Erlang's {error, timeout}.
var ErrHandshakeTimeout = ErrTimeout

// closeGrace bounds how long a closing connection may spend flushing.
const closeGrace = 5 * time.Second

// errNormal marks a stop the owner asked for (Close): nothing to report.
var errNormal = errors.New("normal")

// errPeerClosed marks a clean close by the peer (close_notify or EOF).
var errPeerClosed = errors.New("closed")

// conn is the state machine's callbacks and data. It lives inside the
// connection actor; only jobs given to the writer touch out.
type conn struct {
	cfg    *Config
	env    *actor.Env
	sock   *Socket
	raw    net.Conn
	reader *actor.Reader
	writer *actor.Writer
	out    *sender
	in     record.HalfConn
	reasm  handshake.Reassembler
	rand   io.Reader

	hs *hsState // handshake-lifetime data, dropped when connected

	// session data
	version      record.Version
	suite        *handshake.Suite
	peerCerts    [][]byte
	sniHostname  string
	masterSecret []byte

	// socket data
	opts        SockOpts
	buf         []byte // decrypted, undelivered application data
	pendingRecv *recvReq
	pendingFrom statem.From
	credit      int // reads granted to the reader and not yet used
	peerClosed  bool
	readShut    bool
	endErr      error // why the connection is ending, reported once

	useless  int        // consecutive warning alerts / empty records
	hsDone   chan error // Connect/Handshake waits on it
	reported bool
	stopping bool
	// deliveryFailed: failDelivery told the owner; HandleEvent stops.
	deliveryFailed bool
}

// Start runs the handshake for raw as cfg.Role on a new connection actor
// and waits for it to finish (or timeout). On success the returned socket
// is connected and delivering to cfg.Sock.Owner.
func Start(sys *actor.System, raw net.Conn, cfg *Config, timeout time.Duration) (*Socket, error) {
	c := &conn{
		cfg:    cfg,
		raw:    raw,
		opts:   cfg.Sock,
		hsDone: make(chan error, 1),
		rand:   cfg.Rand,
	}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	c.out = &sender{}
	c.out.packet.Store(int32(cfg.Sock.Packet))
	// Record version of the first flight: 0x0301 as most stacks send, or
	// 0x0300 when only SSL 3.0 is enabled.
	c.out.hc.Version = record.VersionTLS10
	if cfg.Versions[0] == record.VersionSSL30 {
		c.out.hc.Version = record.VersionSSL30
	}
	c.out.hc.Rand = c.rand
	c.in.Rand = c.rand
	c.in.SetPaddingCheck(!cfg.NoPaddingCheck) // padding_check (TLS 1.0 only)
	c.sock = &Socket{out: c.out, local: raw.LocalAddr(), remote: raw.RemoteAddr()}
	c.writer = actor.NewWriter(raw, func(err error) {
		if c.env != nil {
			c.env.Post(&writeFailed{err})
		}
	})
	c.sock.writer = c.writer

	ref, err := sys.SpawnMachine(func(env *actor.Env) (statem.Callbacks, statem.State, statem.Config) {
		c.env = env
		return c, StateHello, statem.Config{
			StateEnter:     true,
			HibernateAfter: cfg.HibernateAfter,
			OnHibernate:    c.hibernate,
		}
	})
	if err != nil {
		raw.Close()
		return nil, err
	}
	c.sock.ref = ref

	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	select {
	case err := <-c.hsDone:
		if err != nil {
			return nil, err
		}
		return c.sock, nil
	case <-timer:
		ref.Cast(&hsTimeout{})
		select {
		case err := <-c.hsDone:
			if err != nil {
				return nil, err
			}
			return c.sock, nil
		case <-ref.Done():
			return nil, ErrHandshakeTimeout
		}
	case <-ref.Done():
		// Both may be ready (the peer closed right after the handshake):
		// a completed handshake still succeeds, as in Erlang, and the
		// socket's calls then report the close.
		select {
		case err := <-c.hsDone:
			if err != nil {
				return nil, err
			}
			return c.sock, nil
		default:
		}
		return nil, ErrClosed
	}
}

type hsTimeout struct{}

func (*hsTimeout) IgnoreDeadLetterLogging() {}

// frame reads one record for the reader goroutine (one read per record
// while the peer streams application data: see record.Reader).
func frameRecord(rd *record.Reader) func(net.Conn) (any, error) {
	return func(r net.Conn) (any, error) {
		rec, err := rd.ReadRecord(r)
		if err != nil {
			return nil, err
		}
		return &recordIn{rec: rec}, nil
	}
}

func (c *conn) startReader() {
	c.reader = actor.StartReader(c.raw, frameRecord(new(record.Reader)),
		func(m any) { c.env.Post(m) },
		func(err error) { c.env.Post(&readFailed{err}) })
	c.credit = 1
	c.reader.Grant(1)
}

// HandleEvent is the single entry point of the state machine.
func (c *conn) HandleEvent(state statem.State, ev statem.Event) statem.Result {
	res := c.handleEvent(state, ev)
	if c.deliveryFailed {
		// The owner already has its Error (an invalid packet): stop, as
		// Erlang does, without reporting the end a second time.
		c.deliveryFailed = false
		c.sendAlert(record.LevelWarning, record.AlertCloseNotify)
		return c.stop(errNormal)
	}
	return res
}

func (c *conn) handleEvent(state statem.State, ev statem.Event) statem.Result {
	switch ev.Type {
	case statem.Enter:
		return c.enter(state)
	case statem.Info:
		switch m := ev.Content.(type) {
		case *recordIn:
			c.credit--
			return c.onRecord(state, m.rec)
		case *validated:
			return c.onValidated(state, m)
		case *readFailed:
			return c.onReadFailed(state, m.err)
		case *writeFailed:
			return c.fail(state, fmt.Errorf("transport write: %w", m.err))
		case *pa.Terminated:
			if c.opts.Owner != nil && m.Who != nil && m.Who.Equal(c.opts.Owner) {
				c.sendAlert(record.LevelWarning, record.AlertCloseNotify)
				return c.stop(errNormal)
			}
			return statem.Keep()
		}
		return statem.Keep()
	case statem.Cast:
		if _, ok := ev.Content.(*hsTimeout); ok && state != StateConnection {
			return c.fail(state, ErrHandshakeTimeout)
		}
		return statem.Keep()
	case statem.Internal:
		if state == StateValidate {
			return statem.Keep(statem.Postpone())
		}
		return c.onHandshake(state, ev.Content)
	case statem.Call:
		if state != StateConnection {
			return statem.Keep(statem.Postpone())
		}
		return c.onCall(ev.From, ev.Content)
	case statem.GenericTimeout:
		if ev.Name == "recv" {
			return c.recvTimedOut(ev.Content)
		}
	}
	return statem.Keep()
}

func (c *conn) enter(state statem.State) statem.Result {
	if state == StateHello && c.hs == nil {
		c.hs = newHSState()
		if c.cfg.Owner() != nil {
			c.env.Watch(c.cfg.Owner())
		}
		c.startReader()
		if c.cfg.Role == Client {
			if err := c.sendClientHello(); err != nil {
				return c.fail(state, err)
			}
		}
	}
	if state == StateConnection {
		c.refill()
	}
	return statem.Keep()
}

// Owner returns the initial owner.
func (cfg *Config) Owner() *pa.PID { return cfg.Sock.Owner }

func (c *conn) onHandshake(state statem.State, msg any) statem.Result {
	if state == StateConnection {
		return c.onRenegotiation(state, msg)
	}
	var next statem.State
	var err error
	if c.cfg.Role == Client {
		next, err = c.clientHandshake(state, msg)
	} else {
		next, err = c.serverHandshake(state, msg)
	}
	if err != nil {
		return c.fail(state, err)
	}
	if next == StateConnection && state != StateConnection {
		c.connected()
	}
	return statem.Next(next)
}

// maxUselessRecords bounds consecutive records that carry nothing (warning
// alerts, empty application data), as crypto/tls does.
const maxUselessRecords = 16

// uselessRecord counts one such record and reports when there were too many.
func (c *conn) uselessRecord() bool {
	c.useless++
	return c.useless > maxUselessRecords
}

// onRenegotiation answers a handshake message after the handshake.
// Renegotiation is not offered: a HelloRequest (to a client) or a
// ClientHello (to a server) gets the no_renegotiation warning and the
// connection goes on (RFC 5246 §7.4.1.1, RFC 5746 §4.2); anything else is
// unexpected_message.
func (c *conn) onRenegotiation(state statem.State, msg any) statem.Result {
	switch msg.(type) {
	case *handshake.HelloRequest:
		if c.cfg.Role == Client && !c.uselessRecord() {
			c.sendAlert(record.LevelWarning, record.AlertNoRenegotiation)
			return statem.Keep()
		}
	case *handshake.ClientHello:
		if c.cfg.Role == Server && !c.uselessRecord() {
			c.sendAlert(record.LevelWarning, record.AlertNoRenegotiation)
			return statem.Keep()
		}
	}
	return c.fail(state, unexpected("handshake message after the handshake"))
}

// connected drops handshake secrets and wakes Connect/Handshake.
func (c *conn) connected() {
	c.hs = nil
	c.reasm.Reset()
	c.hsDone <- nil
	c.reported = true
}

func (c *conn) onRecord(state statem.State, rec []byte) statem.Result {
	if c.peerClosed {
		// RFC 5246 §7.2.1: data received after a closure alert is ignored
		// (the reader may still hold credit while buffered data waits).
		record.PutBuffer(rec)
		return statem.Keep()
	}
	typ, pt, aerr := c.in.Open(rec)
	if aerr != nil {
		record.PutBuffer(rec)
		return c.fail(state, aerr)
	}
	var actions []statem.Action
	switch typ {
	case record.TypeHandshake:
		err := c.reasm.Feed(pt) // never empty: Open refuses empty handshake records
		record.PutBuffer(rec)
		if err != nil {
			return c.fail(state, err)
		}
		v := c.version
		if v == 0 {
			v = record.VersionTLS12
		}
		for {
			raw, ok, err := c.reasm.Next()
			if err != nil {
				return c.fail(state, err)
			}
			if !ok {
				break
			}
			msg, aerr := handshake.ParseMessage(append([]byte(nil), raw...), v)
			if aerr != nil {
				return c.fail(state, aerr)
			}
			actions = append(actions, statem.NextEvent(statem.Internal, msg))
		}
	case record.TypeChangeCipherSpec:
		ok := len(pt) == 1 && pt[0] == 1
		record.PutBuffer(rec)
		if !ok {
			return c.fail(state, record.Fatal(record.AlertDecodeError, "malformed change_cipher_spec"))
		}
		if c.reasm.Pending() || state == StateConnection {
			return c.fail(state, record.Fatal(record.AlertUnexpectedMessage, "change_cipher_spec out of order"))
		}
		actions = append(actions, statem.NextEvent(statem.Internal, changeCipherSpec{}))
	case record.TypeAlert:
		level, desc, aerr := record.ParseAlert(pt)
		record.PutBuffer(rec)
		if aerr != nil {
			return c.fail(state, aerr)
		}
		return c.onAlert(state, level, desc)
	case record.TypeApplicationData:
		if state != StateConnection {
			record.PutBuffer(rec)
			return c.fail(state, record.Fatal(record.AlertUnexpectedMessage, "application data before handshake completed"))
		}
		if c.readShut {
			record.PutBuffer(rec)
			c.refill()
			return statem.Keep()
		}
		if len(pt) == 0 {
			record.PutBuffer(rec)
			if c.uselessRecord() {
				return c.fail(state, record.Fatal(record.AlertUnexpectedMessage, "too many empty records"))
			}
			c.refill()
			return statem.Keep()
		}
		c.useless = 0
		if c.zeroCopy() {
			// The common bulk case: the record's own buffer becomes the
			// owner's Data, with no copy (Data.Release recycles it).
			c.sendRecord(pt, rec)
			c.refill()
			return statem.Keep()
		}
		c.buf = append(c.buf, pt...)
		record.PutBuffer(rec)
		c.deliver()
		c.refill()
		return statem.Keep()
	default:
		record.PutBuffer(rec)
		return c.fail(state, record.Fatal(record.AlertUnexpectedMessage, "unknown record type"))
	}
	c.refill()
	return statem.Keep(actions...)
}

func (c *conn) onAlert(state statem.State, level record.AlertLevel, desc record.AlertDescription) statem.Result {
	if desc == record.AlertCloseNotify {
		if state != StateConnection {
			return c.fail(state, &record.AlertError{Level: level, Desc: desc, Remote: true, Reason: "peer closed during handshake"})
		}
		return c.peerClosedNow()
	}
	if level == record.LevelWarning && desc == record.AlertNoCertificate &&
		c.cfg.Role == Server && c.hs != nil && c.hs.certReq != nil && !c.hs.clientCertMsg {
		// An SSL 3.0 client without a certificate (RFC 6101 §5.6.6).
		if err := c.onClientCertificate(&handshake.Certificate{}); err != nil {
			return c.fail(state, err)
		}
		c.refill()
		return statem.Keep()
	}
	if level == record.LevelWarning {
		// Warnings (no_renegotiation, user_canceled, ...) do not end the
		// connection; a TLS 1.2 peer may send them. Keep reading, but not
		// forever: a stream of them is a cheap way to keep us busy.
		if c.uselessRecord() {
			return c.fail(state, record.Fatal(record.AlertUnexpectedMessage, "too many warning alerts"))
		}
		c.refill()
		return statem.Keep()
	}
	return c.fail(state, &record.AlertError{Level: level, Desc: desc, Remote: true})
}

func (c *conn) onReadFailed(state statem.State, err error) statem.Result {
	if c.peerClosed {
		return statem.Keep() // the end after close_notify: already handled
	}
	var ae *record.AlertError
	if errors.As(err, &ae) && ae != nil {
		return c.fail(state, ae)
	}
	if state == StateConnection && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)) {
		// A TCP close without close_notify: Erlang reports it as closed too.
		return c.peerClosedNow()
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return c.fail(state, fmt.Errorf("%w: transport closed during handshake", ErrClosed))
	}
	return c.fail(state, err)
}

// peerClosedNow handles the peer's close: buffered data is still delivered
// (passive readers get it before {error, closed}); then the owner hears
// Closed once and the connection stops.
func (c *conn) peerClosedNow() statem.Result {
	c.peerClosed = true
	c.deliver()
	if c.pendingRecv != nil {
		// Recv(n) with fewer than n bytes left can never be satisfied: it
		// gets {error, closed} (the manual: the rest may be discarded).
		c.replyRecv(nil, ErrClosed)
		c.buf = nil
	}
	if c.opts.Active.Kind == ActiveFalseKind && len(c.buf) > 0 {
		// Stay alive until a Recv drains what is left.
		return statem.Keep()
	}
	c.sendAlert(record.LevelWarning, record.AlertCloseNotify)
	return c.stop(errPeerClosed)
}

// fail ends the connection with err: the alert it carries (or the one the
// error maps to) goes to the peer, the owner or the waiting caller hears
// of it once, and the machine stops.
func (c *conn) fail(state statem.State, err error) statem.Result {
	if c.stopping {
		return c.stop(err)
	}
	ae := alertFor(err)
	if ae != nil && !ae.Remote {
		c.sendAlert(record.LevelFatal, ae.Desc)
	}
	return c.stop(err)
}

// alertFor is the one place that maps an error to the alert we send.
func alertFor(err error) *record.AlertError {
	var ae *record.AlertError
	if errors.As(err, &ae) && ae != nil {
		return ae
	}
	var bc *handshake.BadCertError
	if errors.As(err, &bc) && bc != nil {
		return record.Fatal(handshake.AlertFor(bc.Reason), string(bc.Reason))
	}
	if errors.Is(err, ErrHandshakeTimeout) || errors.Is(err, ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) {
		return nil
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) {
		return nil
	}
	return record.Fatal(record.AlertInternalError, "internal error")
}

func (c *conn) stop(reason error) statem.Result {
	c.stopping = true
	c.endErr = reason
	return statem.Stop(reason)
}

// Crashed turns a panic in the machine into internal_error, never a crash
// that takes anything else down.
func (c *conn) Crashed(v any) {
	c.sendAlert(record.LevelFatal, record.AlertInternalError)
	c.endErr = record.Fatal(record.AlertInternalError, "panic in connection")
}

// Terminate runs exactly once: it reports how the connection ended and
// releases the transport.
func (c *conn) Terminate(reason error, state statem.State) {
	if c.endErr != nil && (reason == nil || errors.Is(reason, statem.ErrKilled) || errors.Is(reason, actor.ErrCrashed)) {
		reason = c.endErr
	}
	if reason == nil {
		reason = errNormal
	}
	if c.reader != nil {
		c.reader.Stop()
	}
	raw := c.raw
	// Close after whatever is queued (a last alert, close_notify) is out.
	// A bounded write deadline keeps a peer that stopped reading from
	// holding the socket open; the timer is a backstop for a stuck writer.
	_ = raw.SetWriteDeadline(time.Now().Add(closeGrace))
	c.writer.Do(func(io.Writer) error { return raw.Close() })
	time.AfterFunc(closeGrace+time.Second, func() { raw.Close() })

	final := reason
	if errors.Is(reason, errPeerClosed) || errors.Is(reason, errNormal) {
		final = ErrClosed
	}
	c.sock.setFinal(final)
	if !c.reported {
		c.reported = true
		c.hsDone <- final
		return
	}
	if c.pendingRecv != nil {
		c.replyRecv(nil, final)
	}
	if errors.Is(reason, errNormal) || c.opts.Owner == nil || c.opts.Active.Kind == ActiveFalseKind {
		return
	}
	if errors.Is(reason, errPeerClosed) {
		c.env.Send(c.opts.Owner, &Closed{Socket: c.sock})
		return
	}
	c.env.Send(c.opts.Owner, &Error{Socket: c.sock, Reason: reason})
}

// sendAlert queues an alert on the writer (it follows anything queued
// before it, and is sealed under the current write keys).
func (c *conn) sendAlert(level record.AlertLevel, desc record.AlertDescription) {
	out := c.out
	// A record version change still waiting in an unsent flight (the
	// client's, after ServerHello) applies to the alert too: the peer
	// expects the negotiated version from ServerHello on (RFC 5246 §6.2.1).
	var pre []flightItem
	if c.hs != nil {
		for _, it := range c.hs.flight {
			if it.version != 0 && it.data == nil && it.cipher == nil {
				pre = append(pre, flightItem{version: it.version})
			}
		}
	}
	c.writer.Do(func(w io.Writer) error {
		if out.shutdown {
			return nil // nothing follows close_notify or a fatal alert
		}
		if desc == record.AlertCloseNotify || level == record.LevelFatal {
			out.shutdown = true
		}
		return out.writeFlight(w, append(pre, flightItem{typ: record.TypeAlert, data: record.MarshalAlert(level, desc)}))
	})
}

// hibernate drops what an idle connection does not need.
// hibernate_after's job: an idle connection keeps no buffers. The write
// buffer belongs to the writer, so it is dropped by a writer job.
func (c *conn) hibernate() {
	if len(c.buf) == 0 {
		c.buf = nil
	}
	out := c.out
	c.writer.Do(func(io.Writer) error {
		out.buf = nil
		return nil
	})
}
