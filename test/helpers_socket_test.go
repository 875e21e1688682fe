// Shared helpers for the socket, hostile-input and leak tests: certificates,
// connected pairs (our client with our server or with crypto/tls), owner
// message collection, wire alert reading and a reusable leak checker.
package test

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"

	ssl "github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
	"github.com/erlang-ssl-go/ssl/record"
)

// sockQuiet is how long we wait to be sure a message does NOT come.
const sockQuiet = 300 * time.Millisecond

// sockWait bounds waits for things that should happen.
const sockWait = 5 * time.Second

var (
	sockChainOnce sync.Once
	sockChainVal  *handshake.CertChain
	sockChainErr  error
)

// sockChain is one self-signed ECDSA chain for localhost/127.0.0.1, shared
// by all tests in this file set.
func sockChain(t testing.TB) *handshake.CertChain {
	t.Helper()
	sockChainOnce.Do(func() {
		sockChainVal, sockChainErr = handshake.SelfSigned([]string{"localhost", "127.0.0.1"}, "ecdsa-p256", rand.Reader, time.Now())
	})
	if sockChainErr != nil {
		t.Fatalf("SelfSigned: %v", sockChainErr)
	}
	return sockChainVal
}

// sockServerOpts are options for our server with the shared chain.
func sockServerOpts(t testing.TB) ssl.Options {
	t.Helper()
	ch := sockChain(t)
	der, err := x509.MarshalPKCS8PrivateKey(ch.Key)
	if err != nil {
		t.Fatal(err)
	}
	return ssl.Options{Cert: ch.DER, Key: &ssl.Key{Type: "PrivateKeyInfo", DER: der}, Active: ssl.ActiveFalse}
}

// sockClientOpts are options for our client trusting the shared chain.
func sockClientOpts(t testing.TB) ssl.Options {
	t.Helper()
	return ssl.Options{Verify: ssl.VerifyPeer, CACerts: sockChain(t).DER}
}

// sockTLSConfig is a crypto/tls config (TLS 1.2 only) with the shared chain,
// usable as server and as client.
func sockTLSConfig(t testing.TB) *tls.Config {
	t.Helper()
	ch := sockChain(t)
	pool := x509.NewCertPool()
	pool.AddCert(ch.Leaf)
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: ch.DER, PrivateKey: ch.Key}},
		RootCAs:      pool,
		ServerName:   "localhost",
		MinVersion:   tls.VersionTLS12,
		MaxVersion:   tls.VersionTLS12,
	}
}

// sockApp starts the application and stops it when the test ends.
func sockApp(t testing.TB) *ssl.App {
	t.Helper()
	app, err := ssl.Start()
	if err != nil {
		t.Fatalf("ssl.Start: %v", err)
	}
	t.Cleanup(app.Stop)
	return app
}

// sockOwner is a channel owner that stops at the end of the test.
type sockOwner struct {
	PID  *pa.PID
	C    <-chan any
	Stop func()
}

func sockNewOwner(t testing.TB, app *ssl.App) *sockOwner {
	t.Helper()
	pid, ch, stop := app.NewChannelOwner(64)
	t.Cleanup(stop)
	return &sockOwner{PID: pid, C: ch, Stop: stop}
}

// next waits for the next owner message.
func (o *sockOwner) next(t testing.TB) any {
	t.Helper()
	select {
	case m, ok := <-o.C:
		if !ok {
			t.Fatalf("owner channel closed")
		}
		return m
	case <-time.After(sockWait):
		t.Fatalf("no owner message within %v", sockWait)
	}
	return nil
}

// data waits for the next message and requires it to be *ssl.Data.
func (o *sockOwner) data(t testing.TB) *ssl.Data {
	t.Helper()
	m := o.next(t)
	d, ok := m.(*ssl.Data)
	if !ok {
		t.Fatalf("want *ssl.Data, got %T %+v", m, m)
	}
	return d
}

// collect reads Data messages until want bytes arrived in total.
func (o *sockOwner) collect(t testing.TB, n int) []byte {
	t.Helper()
	var out []byte
	for len(out) < n {
		out = append(out, o.data(t).Bytes...)
	}
	return out
}

// quiet asserts no message arrives within sockQuiet.
func (o *sockOwner) quiet(t testing.TB, why string) {
	t.Helper()
	select {
	case m, ok := <-o.C:
		if ok {
			t.Fatalf("%s: unexpected owner message %T %+v", why, m, m)
		}
	case <-time.After(sockQuiet):
	}
}

// sockEnd waits for the message that ends a connection, checks its type
// (closed: *ssl.Closed, else *ssl.Error) and that nothing follows it.
func (o *sockOwner) end(t testing.TB, closed bool) any {
	t.Helper()
	m := o.next(t)
	switch m.(type) {
	case *ssl.Closed:
		if !closed {
			t.Fatalf("want *ssl.Error, got *ssl.Closed")
		}
	case *ssl.Error:
		if closed {
			t.Fatalf("want *ssl.Closed, got %+v", m)
		}
	default:
		t.Fatalf("want the end of the connection, got %T %+v", m, m)
	}
	o.quiet(t, "after the end message")
	return m
}

// sockPeer is the other end of a connection under test.
type sockPeer interface {
	Write(p []byte) error
	// ReadN reads exactly n bytes.
	ReadN(n int) ([]byte, error)
	// ReadToEnd reads until the peer's clean close and returns what came.
	ReadToEnd() ([]byte, error)
	Close() error
}

// gotlsPeer is a crypto/tls connection.
type gotlsPeer struct{ c *tls.Conn }

func (p *gotlsPeer) Write(b []byte) error { _, err := p.c.Write(b); return err }
func (p *gotlsPeer) ReadN(n int) ([]byte, error) {
	_ = p.c.SetReadDeadline(time.Now().Add(sockWait))
	b := make([]byte, n)
	_, err := io.ReadFull(p.c, b)
	return b, err
}
func (p *gotlsPeer) ReadToEnd() ([]byte, error) {
	_ = p.c.SetReadDeadline(time.Now().Add(sockWait))
	return io.ReadAll(p.c) // nil error only on close_notify (io.EOF)
}
func (p *gotlsPeer) Close() error { return p.c.Close() }

// oursPeer is our own stack in passive mode.
type oursPeer struct{ s *ssl.Socket }

func (p *oursPeer) Write(b []byte) error { return p.s.Send(b) }
func (p *oursPeer) ReadN(n int) ([]byte, error) {
	return p.s.Recv(n, sockWait)
}
func (p *oursPeer) ReadToEnd() ([]byte, error) {
	var out []byte
	for {
		b, err := p.s.Recv(0, sockWait)
		if errors.Is(err, ssl.ErrClosed) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, b...)
	}
}
func (p *oursPeer) Close() error { return p.s.Close() }

// sockPeerKinds are the two independent peers every semantic test runs with.
var sockPeerKinds = []string{"ours", "gotls"}

// sockPair connects our client (with opts on top of sockClientOpts' trust
// settings) to a server of the given kind and returns both ends.
func sockPair(t testing.TB, app *ssl.App, kind string, opts ssl.Options) (*ssl.Socket, sockPeer) {
	t.Helper()
	base := sockClientOpts(t)
	opts.Verify, opts.CACerts = base.Verify, base.CACerts
	var port int
	peerCh := make(chan sockPeer, 1)
	errCh := make(chan error, 1)
	switch kind {
	case "ours":
		ls, err := app.Listen("127.0.0.1:0", sockServerOpts(t))
		if err != nil {
			t.Fatalf("Listen: %v", err)
		}
		t.Cleanup(func() { ls.Close() })
		port = ls.Addr().(*net.TCPAddr).Port
		go func() {
			p, err := ls.TransportAccept(sockWait)
			if err != nil {
				errCh <- err
				return
			}
			s, err := app.Handshake(p, nil, sockWait)
			if err != nil {
				errCh <- err
				return
			}
			peerCh <- &oursPeer{s}
		}()
	case "gotls":
		ln, err := tls.Listen("tcp", "127.0.0.1:0", sockTLSConfig(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		port = ln.Addr().(*net.TCPAddr).Port
		go func() {
			c, err := ln.Accept()
			if err != nil {
				errCh <- err
				return
			}
			tc := c.(*tls.Conn)
			_ = tc.SetDeadline(time.Now().Add(sockWait))
			if err := tc.Handshake(); err != nil {
				c.Close()
				errCh <- err
				return
			}
			_ = tc.SetDeadline(time.Time{})
			peerCh <- &gotlsPeer{tc}
		}()
	default:
		t.Fatalf("unknown peer kind %q", kind)
	}
	sock, err := app.Connect("127.0.0.1", port, opts, sockWait)
	if err != nil {
		t.Fatalf("Connect to %s server: %v", kind, err)
	}
	select {
	case p := <-peerCh:
		t.Cleanup(func() { p.Close() })
		return sock, p
	case err := <-errCh:
		t.Fatalf("%s server: %v", kind, err)
	case <-time.After(sockWait):
		t.Fatalf("%s server did not finish the handshake", kind)
	}
	return nil, nil
}

// sockLeakCheck records the goroutine count now; the returned function
// waits (bounded) until no connection actor is alive and the goroutine
// count is back to that baseline, and fails the test with a stack dump
// otherwise. Take the baseline after the app and owners exist.
func sockLeakCheck(t testing.TB, app *ssl.App) func() {
	t.Helper()
	base := runtime.NumGoroutine()
	return func() {
		t.Helper()
		deadline := time.Now().Add(sockWait)
		for {
			live, n := app.Live(), runtime.NumGoroutine()
			if live == 0 && n <= base {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Fatalf("leak: %d live connection actors, %d goroutines (baseline %d)\n%s", live, n, base, buf)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// hostileReadAlert reads records from c until an alert record arrives and
// returns it parsed; records of other types are skipped. It reports EOF as
// an error, so a caller can tell "no alert" apart.
func hostileReadAlert(c net.Conn) (record.AlertLevel, record.AlertDescription, error) {
	_ = c.SetReadDeadline(time.Now().Add(sockWait))
	var hdr [record.HeaderLen]byte
	for {
		rec, err := record.ReadRecord(c, &hdr)
		if err != nil {
			return 0, 0, err
		}
		typ, _, _, aerr := record.ParseHeader(rec)
		if aerr != nil {
			return 0, 0, aerr
		}
		body := append([]byte(nil), rec[record.HeaderLen:]...)
		record.PutBuffer(rec)
		if typ != record.TypeAlert {
			continue
		}
		l, d, aerr := record.ParseAlert(body)
		if aerr != nil {
			return 0, 0, fmt.Errorf("alert record we could not parse (%x): %w", body, aerr)
		}
		return l, d, nil
	}
}

// hostileRecord frames payload as one plaintext record.
func hostileRecord(typ record.ContentType, v record.Version, payload []byte) []byte {
	b := []byte{byte(typ), byte(v >> 8), byte(v), byte(len(payload) >> 8), byte(len(payload))}
	return append(b, payload...)
}

// hostileHandshakeMsg frames a handshake message (type, 24-bit length).
func hostileHandshakeMsg(typ byte, body []byte) []byte {
	n := len(body)
	return append([]byte{typ, byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}

// hostileClientHello returns a real ClientHello record as crypto/tls sends
// it (TLS 1.2 only), captured over a pipe.
func hostileClientHello(t testing.TB) []byte {
	t.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	cfg := sockTLSConfig(t)
	go func() { _ = tls.Client(a, cfg).Handshake() }()
	var hdr [record.HeaderLen]byte
	_ = b.SetReadDeadline(time.Now().Add(sockWait))
	rec, err := record.ReadRecord(b, &hdr)
	if err != nil {
		t.Fatalf("capturing a ClientHello: %v", err)
	}
	out := bytes.Clone(rec)
	record.PutBuffer(rec)
	return out
}

// hostileAlertDesc extracts the alert from an owner or caller error.
func hostileAlertDesc(t testing.TB, err error) record.AlertDescription {
	t.Helper()
	var ae *ssl.AlertError
	if !errors.As(err, &ae) {
		t.Fatalf("want an *ssl.AlertError, got %T %v", err, err)
	}
	return ae.Desc
}

// sockContains reports whether err's text mentions want (case-insensitive).
func sockContains(err error, want string) bool {
	return err != nil && strings.Contains(strings.ToLower(err.Error()), strings.ToLower(want))
}

// hostileAcceptOne accepts one connection on ls and runs our server
// handshake on it; the handshake's error (nil on success, the socket then
// closed) arrives on the channel.
func hostileAcceptOne(app *ssl.App, ls *ssl.ListenSocket) <-chan error {
	res := make(chan error, 1)
	go func() {
		p, err := ls.TransportAccept(sockWait)
		if err != nil {
			res <- err
			return
		}
		s, err := app.Handshake(p, nil, sockWait)
		if s != nil {
			s.Close()
		}
		res <- err
	}()
	return res
}
