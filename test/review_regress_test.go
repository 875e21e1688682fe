// Regression tests for bugs found in the code review of connection/:
// Setopts without the active option, stale Recv timers, records after
// close_notify, and a second client Certificate.
package test

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	ssl "github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/record"
)

// A Setopts that does not name active must leave an {active, N} count as
// it is (it used to be added to itself).
func TestReviewSetoptsKeepsActiveN(t *testing.T) {
	app := sockApp(t)
	owner := sockNewOwner(t, app)
	sock, _ := sockPair(t, app, "ours", ssl.Options{Owner: owner.PID, Active: ssl.ActiveN(3)})
	if err := sock.Setopts(ssl.SetMode(ssl.Binary)); err != nil {
		t.Fatalf("Setopts(mode): %v", err)
	}
	o, err := sock.Getopts()
	if err != nil {
		t.Fatalf("Getopts: %v", err)
	}
	if o.Active != ssl.ActiveN(3) {
		t.Fatalf("active after Setopts(mode) = %v, want 3", o.Active)
	}
	// Naming active still adds (gen_tcp semantics).
	if err := sock.Setopts(ssl.Active(ssl.ActiveN(2))); err != nil {
		t.Fatalf("Setopts(active 2): %v", err)
	}
	if o, _ := sock.Getopts(); o.Active != ssl.ActiveN(5) {
		t.Fatalf("active after adding 2 = %v, want 5", o.Active)
	}
}

// The timer of an answered Recv must not time out a later Recv.
func TestReviewStaleRecvTimer(t *testing.T) {
	app := sockApp(t)
	sock, peer := sockPair(t, app, "ours", ssl.Options{Active: ssl.ActiveFalse})
	if err := peer.Write([]byte("a")); err != nil {
		t.Fatal(err)
	}
	b, err := sock.Recv(0, 300*time.Millisecond)
	if err != nil || string(b) != "a" {
		t.Fatalf("first Recv = %q, %v", b, err)
	}
	go func() {
		time.Sleep(700 * time.Millisecond) // well after the first Recv's timer
		_ = peer.Write([]byte("b"))
	}()
	b, err = sock.Recv(0, 0) // infinity
	if err != nil || string(b) != "b" {
		t.Fatalf("second Recv (no timeout) = %q, %v; want \"b\"", b, err)
	}
}

// Records after the peer's close_notify are ignored (RFC 5246 §7.2.1): a
// connection kept alive for buffered data must not fail on them.
func TestReviewIgnoresRecordsAfterCloseNotify(t *testing.T) {
	app := sockApp(t)
	owner := sockNewOwner(t, app)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", sockTLSConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srvDone := make(chan struct{})
	defer close(srvDone)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		tc := c.(*tls.Conn)
		if tc.Handshake() != nil {
			return
		}
		// One record: packet "a" and the start of a packet that never ends.
		_, _ = tc.Write([]byte{0, 1, 'a', 0, 5, 'b'})
		_ = tc.CloseWrite() // close_notify
		<-srvDone
	}()
	// A proxy that injects a garbage application_data record after the
	// server's first alert (its close_notify).
	pl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pl.Close()
	go func() {
		down, err := pl.Accept()
		if err != nil {
			return
		}
		defer down.Close()
		up, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return
		}
		defer up.Close()
		go func() { _, _ = io.Copy(up, down) }()
		for {
			var hdr [record.HeaderLen]byte
			if _, err := io.ReadFull(up, hdr[:]); err != nil {
				return
			}
			body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
			if _, err := io.ReadFull(up, body); err != nil {
				return
			}
			if _, err := down.Write(append(hdr[:], body...)); err != nil {
				return
			}
			if record.ContentType(hdr[0]) == record.TypeAlert {
				junk := make([]byte, 32)
				_, _ = rand.Read(junk)
				_, _ = down.Write(append([]byte{byte(record.TypeApplicationData), 3, 3, 0, 32}, junk...))
				<-srvDone
				return
			}
		}
	}()
	opts := sockClientOpts(t)
	opts.Owner, opts.Active, opts.Packet = owner.PID, ssl.ActiveOnce, ssl.Packet2
	sock, err := app.Connect("127.0.0.1", pl.Addr().(*net.TCPAddr).Port, opts, sockWait)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if d := owner.data(t); string(d.Bytes) != "a" {
		t.Fatalf("first packet = %q", d.Bytes)
	}
	time.Sleep(sockQuiet) // let the close_notify and the junk arrive
	_, err = sock.Recv(0, sockWait)
	if !errors.Is(err, ssl.ErrClosed) {
		t.Fatalf("Recv after close_notify and junk = %v, want ErrClosed", err)
	}
	owner.quiet(t, "passive socket after the peer's close")
}

// A second client Certificate is unexpected_message, even after an empty
// first one (RFC 5246 §7.4.6).
func TestReviewSecondClientCertificate(t *testing.T) {
	app := sockApp(t)
	opts := sockServerOpts(t)
	opts.Verify, opts.CACerts = ssl.VerifyPeer, sockChain(t).DER
	ls, err := app.Listen("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	res := hostileAcceptOne(app, ls)
	c, err := net.Dial("tcp", ls.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	emptyCert := hostileHandshakeMsg(11, []byte{0, 0, 0})
	msg := append(hostileClientHello(t), hostileRecord(record.TypeHandshake, tls12, append(emptyCert, emptyCert...))...)
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	_, desc, err := hostileReadAlert(c)
	if err != nil {
		t.Fatalf("no alert: %v", err)
	}
	if desc != record.AlertUnexpectedMessage {
		t.Fatalf("alert = %v, want unexpected_message", desc)
	}
	if herr := <-res; hostileAlertDesc(t, herr) != record.AlertUnexpectedMessage {
		t.Fatalf("Handshake error = %v", herr)
	}
}

// A {packet, 4} message larger than the read-ahead buffer limit must still
// arrive (reading used to stop at the limit, before the packet was whole).
func TestReviewLargePacket4(t *testing.T) {
	app := sockApp(t)
	sock, peer := sockPair(t, app, "gotls", ssl.Options{Active: ssl.ActiveFalse, Packet: ssl.Packet4})
	const n = 600 << 10
	msg := make([]byte, 4+n)
	binary.BigEndian.PutUint32(msg, n)
	_, _ = rand.Read(msg[4:])
	go func() { _ = peer.Write(msg) }()
	b, err := sock.Recv(0, sockWait)
	if err != nil {
		t.Fatalf("Recv of a %d-byte packet: %v", n, err)
	}
	if string(b) != string(msg[4:]) {
		t.Fatalf("packet of %d bytes differs from the %d sent", len(b), n)
	}
}
