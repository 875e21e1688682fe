// Hostile input: raw TCP peers that speak records at our server and our
// client (truncated, oversized, garbage, out-of-order, malformed alerts),
// and a man-in-the-middle that corrupts protected records. Each case checks
// the alert on the wire, the error the caller or owner gets, and leaks.
package test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	ssl "github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/record"
)

// hostileNoAlert means: the connection must end without an alert from us.
const hostileNoAlert = record.AlertDescription(255)

type hostileCase struct {
	name string
	// send builds what the hostile peer writes (after the ClientHello it
	// read, for the server-side peer).
	send func(t *testing.T) []byte
	want record.AlertDescription
	// closeAfter half-closes the hostile side after sending.
	closeAfter bool
}

var tls12 = record.VersionTLS12

// hostileCommon are inputs that are wrong for both roles.
func hostileCommon() []hostileCase {
	return []hostileCase{
		{name: "garbage", send: func(*testing.T) []byte { return []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n") }, want: record.AlertUnexpectedMessage},
		{name: "oversized record", send: func(*testing.T) []byte {
			n := record.MaxCiphertext + 1
			return append([]byte{22, 3, 3, byte(n >> 8), byte(n)}, make([]byte, 64)...)
		}, want: record.AlertRecordOverflow},
		{name: "bad major version", send: func(*testing.T) []byte { return []byte{22, 2, 0, 0, 4, 1, 0, 0, 0} }, want: record.AlertProtocolVersion},
		{name: "finished first", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeHandshake, tls12, hostileHandshakeMsg(20, make([]byte, 12)))
		}, want: record.AlertUnexpectedMessage},
		{name: "ccs first", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeChangeCipherSpec, tls12, []byte{1})
		}, want: record.AlertUnexpectedMessage},
		{name: "malformed ccs", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeChangeCipherSpec, tls12, []byte{1, 1})
		}, want: record.AlertDecodeError},
		{name: "alert of 3 bytes", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeAlert, tls12, []byte{2, 40, 0})
		}, want: record.AlertDecodeError},
		{name: "alert of 1 byte", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeAlert, tls12, []byte{2})
		}, want: record.AlertDecodeError},
		{name: "alert with bad level", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeAlert, tls12, []byte{7, 40})
		}, want: record.AlertDecodeError},
		{name: "application data before handshake", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeApplicationData, tls12, []byte("hello"))
		}, want: record.AlertUnexpectedMessage},
		{name: "empty handshake record", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeHandshake, tls12, nil)
		}, want: record.AlertUnexpectedMessage},
		{name: "unknown handshake type", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeHandshake, tls12, hostileHandshakeMsg(99, []byte{1, 2, 3}))
		}, want: record.AlertUnexpectedMessage},
		{name: "truncated record then close", send: func(*testing.T) []byte {
			return append([]byte{22, 3, 3, 0, 100}, make([]byte, 10)...)
		}, want: hostileNoAlert, closeAfter: true},
		{name: "truncated header then close", send: func(*testing.T) []byte { return []byte{22, 3} }, want: hostileNoAlert, closeAfter: true},
		{name: "warning alert flood", send: func(*testing.T) []byte {
			var b []byte
			for i := 0; i < 40; i++ { // user_canceled warnings, forever
				b = append(b, hostileRecord(record.TypeAlert, tls12, []byte{1, 90})...)
			}
			return b
		}, want: record.AlertUnexpectedMessage},
	}
}

// hostileServerCases are wrong for a server only.
func hostileServerCases() []hostileCase {
	return append(hostileCommon(),
		hostileCase{name: "client key exchange first", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeHandshake, tls12, hostileHandshakeMsg(16, append([]byte{65, 4}, make([]byte, 64)...)))
		}, want: record.AlertUnexpectedMessage},
		hostileCase{name: "client hello garbage body", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeHandshake, tls12, hostileHandshakeMsg(1, []byte{0xde, 0xad, 0xbe, 0xef}))
		}, want: record.AlertDecodeError},
		hostileCase{name: "ccs after client hello", send: func(t *testing.T) []byte {
			return append(hostileClientHello(t), hostileRecord(record.TypeChangeCipherSpec, tls12, []byte{1})...)
		}, want: record.AlertUnexpectedMessage},
		hostileCase{name: "finished after client hello", send: func(t *testing.T) []byte {
			return append(hostileClientHello(t), hostileRecord(record.TypeHandshake, tls12, hostileHandshakeMsg(20, make([]byte, 12)))...)
		}, want: record.AlertUnexpectedMessage},
		hostileCase{name: "server hello to a server", send: func(t *testing.T) []byte {
			return hostileRecord(record.TypeHandshake, tls12, hostileHandshakeMsg(2, make([]byte, 38)))
		}, want: record.AlertUnexpectedMessage},
	)
}

// hostileClientCases are wrong for a client only (sent after its hello).
func hostileClientCases() []hostileCase {
	return append(hostileCommon(),
		hostileCase{name: "server hello done first", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeHandshake, tls12, hostileHandshakeMsg(14, nil))
		}, want: record.AlertUnexpectedMessage},
		hostileCase{name: "client hello to a client", send: func(t *testing.T) []byte {
			return hostileClientHello(t)
		}, want: record.AlertUnexpectedMessage},
		hostileCase{name: "server hello garbage body", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeHandshake, tls12, hostileHandshakeMsg(2, []byte{3, 3, 1}))
		}, want: record.AlertDecodeError},
		hostileCase{name: "fatal alert from server", send: func(*testing.T) []byte {
			return hostileRecord(record.TypeAlert, tls12, []byte{2, byte(record.AlertHandshakeFailure)})
		}, want: hostileNoAlert},
	)
}

// hostileCheck asserts what our side answered on the wire (c) and what the
// caller got (err).
func hostileCheck(t *testing.T, tc hostileCase, c net.Conn, err error) {
	t.Helper()
	_, desc, rerr := hostileReadAlert(c)
	if tc.want == hostileNoAlert {
		if rerr == nil {
			t.Fatalf("we sent alert %v, want none", desc)
		}
	} else {
		if rerr != nil {
			t.Fatalf("no alert on the wire: %v (want %v)", rerr, tc.want)
		}
		if desc != tc.want {
			t.Fatalf("alert on the wire %v, want %v", desc, tc.want)
		}
	}
	if err == nil {
		t.Fatalf("the handshake succeeded")
	}
	if tc.want != hostileNoAlert {
		var ae *ssl.AlertError
		if !errors.As(err, &ae) || ae.Desc != tc.want || ae.Remote {
			t.Fatalf("caller got %v, want our %v alert", err, tc.want)
		}
	}
	if ssl.FormatError(err) == "" {
		t.Fatalf("empty FormatError")
	}
}

// Raw TCP clients against our server.
func TestHostileToServer(t *testing.T) {
	app := sockApp(t)
	ls, err := app.Listen("127.0.0.1:0", sockServerOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	for _, tc := range hostileServerCases() {
		t.Run(tc.name, func(t *testing.T) {
			leaks := sockLeakCheck(t, app)
			res := hostileAcceptOne(app, ls)
			c, err := net.Dial("tcp", ls.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write(tc.send(t)); err != nil {
				t.Fatal(err)
			}
			if tc.closeAfter {
				_ = c.(*net.TCPConn).CloseWrite()
			}
			var herr error
			select {
			case herr = <-res:
			case <-time.After(sockWait):
				t.Fatalf("Handshake did not return")
			}
			hostileCheck(t, tc, c, herr)
			c.Close()
			leaks()
		})
	}
}

// Our client against raw TCP servers that answer its hello wrongly.
func TestHostileToClient(t *testing.T) {
	app := sockApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	for _, tc := range hostileClientCases() {
		t.Run(tc.name, func(t *testing.T) {
			leaks := sockLeakCheck(t, app)
			payload := tc.send(t)
			srv := make(chan net.Conn, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					srv <- nil
					return
				}
				var hdr [record.HeaderLen]byte
				_ = c.SetReadDeadline(time.Now().Add(sockWait))
				rec, err := record.ReadRecord(c, &hdr)
				if err == nil && rec[0] == byte(record.TypeHandshake) && rec[record.HeaderLen] == 1 {
					record.PutBuffer(rec)
					_, _ = c.Write(payload)
					if tc.closeAfter {
						_ = c.(*net.TCPConn).CloseWrite()
					}
				}
				srv <- c
			}()
			_, cerr := app.Connect("127.0.0.1", port, sockClientOpts(t), sockWait)
			c := <-srv
			if c == nil {
				t.Fatalf("hostile server did not accept")
			}
			defer c.Close()
			hostileCheck(t, tc, c, cerr)
			if tc.name == "fatal alert from server" {
				var ae *ssl.AlertError
				if !errors.As(cerr, &ae) || !ae.Remote || ae.Desc != record.AlertHandshakeFailure {
					t.Fatalf("want the server's handshake_failure as a remote alert, got %v", cerr)
				}
			}
			c.Close()
			leaks()
		})
	}
}

// hostileProxy forwards records between a client and target, letting
// tamper rewrite the first application-data record in one direction.
type hostileProxy struct {
	ln      net.Listener
	target  string
	toSrv   bool // tamper client->server (else server->client)
	tamper  func(rec []byte) []byte
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   []net.Conn
	tampers int
}

func hostileNewProxy(t *testing.T, target string, toSrv bool, tamper func([]byte) []byte) *hostileProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &hostileProxy{ln: ln, target: target, toSrv: toSrv, tamper: tamper}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", target)
		if err != nil {
			c.Close()
			return
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pump(c, s, toSrv)
		go p.pump(s, c, !toSrv)
	}()
	return p
}

func (p *hostileProxy) pump(from, to net.Conn, tamper bool) {
	defer p.wg.Done()
	defer func() {
		// One side ended: pass the end on.
		if tc, ok := to.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}()
	var hdr [record.HeaderLen]byte
	done := false
	for {
		rec, err := record.ReadRecord(from, &hdr)
		if err != nil {
			return
		}
		out := bytes.Clone(rec)
		record.PutBuffer(rec)
		if tamper && !done && out[0] == byte(record.TypeApplicationData) {
			done = true
			out = p.tamper(out)
			p.mu.Lock()
			p.tampers++
			p.mu.Unlock()
		}
		if _, err := to.Write(out); err != nil {
			return
		}
	}
}

func (p *hostileProxy) Addr() string { return p.ln.Addr().String() }

func (p *hostileProxy) Close() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// flipLast flips a bit in the last byte: for AEAD the tag; for CBC the last
// block, so the MAC and padding come out wrong.
func hostileFlipLast(rec []byte) []byte { rec[len(rec)-1] ^= 0x01; return rec }

// hostileFlipPadding flips the last byte of the next-to-last CBC block,
// which flips the last plaintext byte: the padding length.
func hostileFlipPadding(rec []byte) []byte { rec[len(rec)-16-1] ^= 0x80; return rec }

type hostileMITMCase struct {
	name   string
	suite  string // our OpenSSL name
	goID   uint16
	tamper func([]byte) []byte
}

var hostileMITMCases = []hostileMITMCase{
	{"aead bad tag", "ECDHE-ECDSA-AES128-GCM-SHA256", tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, hostileFlipLast},
	{"aead bad body", "ECDHE-ECDSA-AES128-GCM-SHA256", tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, func(r []byte) []byte { r[record.HeaderLen+8] ^= 0x10; return r }},
	{"chacha bad tag", "ECDHE-ECDSA-CHACHA20-POLY1305", tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, hostileFlipLast},
	{"cbc bad mac", "ECDHE-ECDSA-AES128-SHA", tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, func(r []byte) []byte { r[record.HeaderLen+16] ^= 0x01; return r }},
	{"cbc bad padding", "ECDHE-ECDSA-AES128-SHA", tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, hostileFlipPadding},
	{"cbc bad length", "ECDHE-ECDSA-AES128-SHA", tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, func(r []byte) []byte {
		// Drop one byte: no longer a whole number of blocks.
		n := len(r) - record.HeaderLen - 1
		r[3], r[4] = byte(n>>8), byte(n)
		return r[:len(r)-1]
	}},
}

// A crypto/tls client through a tampering proxy to our server.
func TestHostileMITMToServer(t *testing.T) {
	for _, mc := range hostileMITMCases {
		t.Run(mc.name, func(t *testing.T) {
			app := sockApp(t)
			owner := sockNewOwner(t, app)
			leaks := sockLeakCheck(t, app)
			opts := sockServerOpts(t)
			opts.Owner, opts.Active = owner.PID, ssl.ActiveTrue
			opts.CipherString = mc.suite
			ls, err := app.Listen("127.0.0.1:0", opts)
			if err != nil {
				t.Fatal(err)
			}
			px := hostileNewProxy(t, ls.Addr().String(), true, mc.tamper)
			srv := make(chan *ssl.Socket, 1)
			go func() {
				p, err := ls.TransportAccept(sockWait)
				if err != nil {
					srv <- nil
					return
				}
				s, _ := app.Handshake(p, nil, sockWait)
				srv <- s
			}()
			cfg := sockTLSConfig(t)
			cfg.CipherSuites = []uint16{mc.goID}
			c, err := tls.Dial("tcp", px.Addr(), cfg)
			if err != nil {
				t.Fatalf("crypto/tls through the proxy: %v", err)
			}
			defer c.Close()
			s := <-srv
			if s == nil {
				t.Fatalf("our server's handshake failed")
			}
			if info, err := s.ConnectionInformation(); err != nil || info.CipherSuite.OpenSSLName != mc.suite {
				t.Fatalf("negotiated %v, %v; want %s", info.CipherSuite, err, mc.suite)
			}
			if _, err := c.Write([]byte("this record gets corrupted on the way")); err != nil {
				t.Fatal(err)
			}
			m := owner.end(t, false)
			if d := hostileAlertDesc(t, m.(*ssl.Error).Reason); d != record.AlertBadRecordMAC {
				t.Fatalf("owner got alert %v, want bad_record_mac", d)
			}
			_ = c.SetReadDeadline(time.Now().Add(sockWait))
			_, rerr := c.Read(make([]byte, 16))
			if !sockContains(rerr, "bad record MAC") {
				t.Fatalf("crypto/tls read %v, want our bad_record_mac alert", rerr)
			}
			c.Close()
			px.Close()
			ls.Close()
			leaks()
		})
	}
}

// Our client through a tampering proxy to a crypto/tls server.
func TestHostileMITMToClient(t *testing.T) {
	for _, mc := range hostileMITMCases[:5] {
		t.Run(mc.name, func(t *testing.T) {
			app := sockApp(t)
			owner := sockNewOwner(t, app)
			leaks := sockLeakCheck(t, app)
			cfg := sockTLSConfig(t)
			cfg.CipherSuites = []uint16{mc.goID}
			ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			px := hostileNewProxy(t, ln.Addr().String(), false, mc.tamper)
			peerErr := make(chan error, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					peerErr <- err
					return
				}
				defer c.Close()
				if _, err := c.Write([]byte("this record gets corrupted on the way")); err != nil {
					peerErr <- err
					return
				}
				_ = c.SetReadDeadline(time.Now().Add(sockWait))
				_, err = io.ReadAll(c)
				peerErr <- err
			}()
			opts := sockClientOpts(t)
			opts.Owner = owner.PID
			opts.CipherString = mc.suite
			port := px.ln.Addr().(*net.TCPAddr).Port
			s, err := app.Connect("127.0.0.1", port, opts, sockWait)
			if err != nil {
				t.Fatalf("Connect through the proxy: %v", err)
			}
			_ = s
			m := owner.end(t, false)
			if d := hostileAlertDesc(t, m.(*ssl.Error).Reason); d != record.AlertBadRecordMAC {
				t.Fatalf("owner got alert %v, want bad_record_mac", d)
			}
			select {
			case err := <-peerErr:
				if !sockContains(err, "bad record MAC") {
					t.Fatalf("crypto/tls server read %v, want our bad_record_mac alert", err)
				}
			case <-time.After(sockWait):
				t.Fatalf("crypto/tls server never saw the alert")
			}
			px.Close()
			ln.Close()
			leaks()
		})
	}
}

// A TCP reset after the handshake ends the connection, reported once.
func TestHostileResetAfterHandshake(t *testing.T) {
	app := sockApp(t)
	owner := sockNewOwner(t, app)
	leaks := sockLeakCheck(t, app)
	_, peer := sockPair(t, app, "gotls", ssl.Options{Owner: owner.PID})
	_ = peer.Write([]byte("alive"))
	if d := owner.data(t); string(d.Bytes) != "alive" {
		t.Fatalf("got %q", d.Bytes)
	}
	tc := peer.(*gotlsPeer).c.NetConn().(*net.TCPConn)
	_ = tc.SetLinger(0) // RST instead of FIN
	tc.Close()
	m := owner.next(t)
	switch m.(type) {
	case *ssl.Closed, *ssl.Error:
	default:
		t.Fatalf("after a reset: %T", m)
	}
	owner.quiet(t, "after the end")
	leaks()
}
