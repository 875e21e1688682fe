// Socket semantics against the reference manual: active modes, passive
// Recv, packet/header/mode shaping, controlling process, owner death,
// close/shutdown and option validation. Our client runs against our server
// and against crypto/tls as an independent peer.
package test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	ssl "github.com/erlang-ssl-go/ssl"
)

// sockEachPeer runs f once per peer kind, each with its own app.
func sockEachPeer(t *testing.T, f func(t *testing.T, app *ssl.App, kind string)) {
	for _, kind := range sockPeerKinds {
		t.Run(kind, func(t *testing.T) {
			app := sockApp(t)
			f(t, app, kind)
		})
	}
}

// {active, true}: Data as it comes, then Closed exactly once when the peer closes.
func TestSocketActiveTrue(t *testing.T) {
	sockEachPeer(t, func(t *testing.T, app *ssl.App, kind string) {
		owner := sockNewOwner(t, app)
		leaks := sockLeakCheck(t, app)
		sock, peer := sockPair(t, app, kind, ssl.Options{Owner: owner.PID, Active: ssl.ActiveTrue})
		for _, s := range []string{"hello", " ", "world"} {
			if err := peer.Write([]byte(s)); err != nil {
				t.Fatal(err)
			}
		}
		if got := string(owner.collect(t, len("hello world"))); got != "hello world" {
			t.Fatalf("got %q", got)
		}
		if err := peer.Close(); err != nil {
			t.Fatal(err)
		}
		m := owner.end(t, true)
		if m.(*ssl.Closed).Socket != sock {
			t.Fatalf("Closed names another socket")
		}
		if err := sock.Send([]byte("x")); !errors.Is(err, ssl.ErrClosed) {
			// Send after the connection ended is {error, closed}.
			t.Fatalf("Send after close: %v, want ErrClosed", err)
		}
		leaks()
	})
}

// Data names its socket.
func TestSocketDataNamesSocket(t *testing.T) {
	app := sockApp(t)
	owner := sockNewOwner(t, app)
	sock, peer := sockPair(t, app, "gotls", ssl.Options{Owner: owner.PID})
	if err := peer.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if d := owner.data(t); d.Socket != sock || string(d.Bytes) != "x" {
		t.Fatalf("got %+v", d)
	}
	// Default without Active but with Owner: active true.
	o, err := sock.Getopts()
	if err != nil || o.Active != ssl.ActiveTrue {
		t.Fatalf("Getopts: %+v %v, want active true by default with an owner", o.Active, err)
	}
}

// {active, once}: one message, then passive until re-armed.
func TestSocketActiveOnce(t *testing.T) {
	sockEachPeer(t, func(t *testing.T, app *ssl.App, kind string) {
		owner := sockNewOwner(t, app)
		sock, peer := sockPair(t, app, kind, ssl.Options{Owner: owner.PID, Active: ssl.ActiveOnce})
		if err := peer.Write([]byte("one")); err != nil {
			t.Fatal(err)
		}
		if d := owner.data(t); string(d.Bytes) != "one" {
			t.Fatalf("got %q", d.Bytes)
		}
		if o, _ := sock.Getopts(); o.Active != ssl.ActiveFalse {
			t.Fatalf("after one delivery active = %+v, want false", o.Active)
		}
		if err := peer.Write([]byte("two")); err != nil {
			t.Fatal(err)
		}
		owner.quiet(t, "passive after {active, once}")
		if err := sock.Setopts(ssl.Active(ssl.ActiveOnce)); err != nil {
			t.Fatal(err)
		}
		if d := owner.data(t); string(d.Bytes) != "two" {
			t.Fatalf("got %q", d.Bytes)
		}
		if err := peer.Write([]byte("three")); err != nil {
			t.Fatal(err)
		}
		owner.quiet(t, "passive again")
		// A passive socket can be read with Recv.
		if b, err := sock.Recv(0, sockWait); err != nil || string(b) != "three" {
			t.Fatalf("Recv = %q, %v", b, err)
		}
		// Peer closes while passive. If the close was already read (the
		// reader reads a little ahead), the connection ended silently, as
		// Erlang's does with no Recv pending, and Setopts says closed;
		// otherwise re-arming delivers Closed, once.
		if err := peer.Close(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
		if err := sock.Setopts(ssl.Active(ssl.ActiveOnce)); err == nil {
			owner.end(t, true)
		} else if !errors.Is(err, ssl.ErrClosed) {
			t.Fatalf("Setopts after the peer closed: %v", err)
		} else {
			owner.quiet(t, "closed while passive")
		}
	})
}

// {active, N}: N messages, then Passive; Setopts(ActiveN(k)) adds.
func TestSocketActiveN(t *testing.T) {
	sockEachPeer(t, func(t *testing.T, app *ssl.App, kind string) {
		owner := sockNewOwner(t, app)
		sock, peer := sockPair(t, app, kind, ssl.Options{Owner: owner.PID, Active: ssl.ActiveN(2)})
		send1 := func(s string) {
			t.Helper()
			if err := peer.Write([]byte(s)); err != nil {
				t.Fatal(err)
			}
			if d := owner.data(t); string(d.Bytes) != s {
				t.Fatalf("got %q, want %q", d.Bytes, s)
			}
		}
		send1("a")
		send1("b")
		if m := owner.next(t); func() bool { _, ok := m.(*ssl.Passive); return !ok }() {
			t.Fatalf("want *ssl.Passive after N messages, got %T", m)
		}
		if err := peer.Write([]byte("c")); err != nil {
			t.Fatal(err)
		}
		owner.quiet(t, "passive after {active, N} ran out")
		// From passive, N sets; a second ActiveN adds to the count.
		if err := sock.Setopts(ssl.Active(ssl.ActiveN(1))); err != nil {
			t.Fatal(err)
		}
		if d := owner.data(t); string(d.Bytes) != "c" {
			t.Fatalf("got %q", d.Bytes)
		}
		if _, ok := owner.next(t).(*ssl.Passive); !ok {
			t.Fatalf("want Passive")
		}
		if err := sock.Setopts(ssl.Active(ssl.ActiveN(3))); err != nil {
			t.Fatal(err)
		}
		if err := sock.Setopts(ssl.Active(ssl.ActiveN(2))); err != nil {
			t.Fatal(err)
		}
		o, err := sock.Getopts()
		if err != nil || o.Active != ssl.ActiveN(5) {
			t.Fatalf("Getopts after N=3 then +2: %+v %v, want N=5", o.Active, err)
		}
		for _, s := range []string{"1", "2", "3", "4", "5"} {
			send1(s)
		}
		if _, ok := owner.next(t).(*ssl.Passive); !ok {
			t.Fatalf("want Passive after 5")
		}
		// A negative N that brings the count to 0 sends Passive at once.
		if err := sock.Setopts(ssl.Active(ssl.ActiveN(2))); err != nil {
			t.Fatal(err)
		}
		if err := sock.Setopts(ssl.Active(ssl.ActiveN(-2))); err != nil {
			t.Fatal(err)
		}
		if _, ok := owner.next(t).(*ssl.Passive); !ok {
			t.Fatalf("want Passive when N is brought to 0")
		}
		owner.quiet(t, "after Passive")
	})
}

// {active, false}: Recv(0), Recv(n), timeouts, then data before ErrClosed.
func TestSocketPassiveRecv(t *testing.T) {
	sockEachPeer(t, func(t *testing.T, app *ssl.App, kind string) {
		leaks := sockLeakCheck(t, app)
		sock, peer := sockPair(t, app, kind, ssl.Options{Active: ssl.ActiveFalse})
		if err := peer.Write([]byte("abcdef")); err != nil {
			t.Fatal(err)
		}
		if b, err := sock.Recv(0, sockWait); err != nil || string(b) != "abcdef" {
			t.Fatalf("Recv(0) = %q, %v", b, err)
		}
		// Recv(n) waits for exactly n bytes across records.
		if err := peer.Write([]byte("xy")); err != nil {
			t.Fatal(err)
		}
		go func() {
			time.Sleep(50 * time.Millisecond)
			_ = peer.Write([]byte("z12"))
		}()
		if b, err := sock.Recv(3, sockWait); err != nil || string(b) != "xyz" {
			t.Fatalf("Recv(3) = %q, %v", b, err)
		}
		if b, err := sock.Recv(2, sockWait); err != nil || string(b) != "12" {
			t.Fatalf("Recv(2) = %q, %v", b, err)
		}
		start := time.Now()
		if _, err := sock.Recv(1, 100*time.Millisecond); !errors.Is(err, ssl.ErrTimeout) {
			t.Fatalf("Recv with nothing to read: %v, want ErrTimeout", err)
		}
		if d := time.Since(start); d < 90*time.Millisecond || d > 2*time.Second {
			t.Fatalf("timeout took %v", d)
		}
		// The socket still works after a timeout.
		if err := peer.Write([]byte("ok")); err != nil {
			t.Fatal(err)
		}
		if b, err := sock.Recv(0, sockWait); err != nil || string(b) != "ok" {
			t.Fatalf("Recv after timeout = %q, %v", b, err)
		}
		// Peer sends then closes: buffered data first, then ErrClosed.
		if err := peer.Write([]byte("tail")); err != nil {
			t.Fatal(err)
		}
		if err := peer.Write([]byte("-end")); err != nil {
			t.Fatal(err)
		}
		if err := peer.Close(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		if b, err := sock.Recv(2, sockWait); err != nil || string(b) != "ta" {
			t.Fatalf("Recv(2) after peer close = %q, %v", b, err)
		}
		var rest []byte
		for {
			b, err := sock.Recv(0, sockWait)
			if errors.Is(err, ssl.ErrClosed) {
				break
			}
			if err != nil {
				t.Fatalf("Recv after peer close: %v", err)
			}
			rest = append(rest, b...)
		}
		if string(rest) != "il-end" {
			t.Fatalf("data before closed = %q, want %q", rest, "il-end")
		}
		if _, err := sock.Recv(0, sockWait); !errors.Is(err, ssl.ErrClosed) {
			t.Fatalf("Recv after closed: %v", err)
		}
		leaks()
	})
}

// Recv in active mode is refused; a Recv pending when the peer closes gets ErrClosed.
func TestSocketRecvActiveRefusedAndPendingClosed(t *testing.T) {
	app := sockApp(t)
	owner := sockNewOwner(t, app)
	sock, _ := sockPair(t, app, "gotls", ssl.Options{Owner: owner.PID})
	if _, err := sock.Recv(0, 100*time.Millisecond); err == nil {
		t.Fatalf("Recv in active mode succeeded")
	}
	sock2, peer2 := sockPair(t, app, "gotls", ssl.Options{Active: ssl.ActiveFalse})
	res := make(chan error, 1)
	go func() { _, err := sock2.Recv(10, 0); res <- err }()
	time.Sleep(50 * time.Millisecond)
	_ = peer2.Write([]byte("abc")) // fewer than 10: discarded at close
	_ = peer2.Close()
	select {
	case err := <-res:
		if !errors.Is(err, ssl.ErrClosed) {
			t.Fatalf("pending Recv got %v, want ErrClosed", err)
		}
	case <-time.After(sockWait):
		t.Fatalf("pending Recv not answered after the peer closed")
	}
}

// sockFrame adds a packet-N length prefix.
func sockFrame(n int, p []byte) []byte {
	var h []byte
	switch n {
	case 1:
		h = []byte{byte(len(p))}
	case 2:
		h = binary.BigEndian.AppendUint16(nil, uint16(len(p)))
	case 4:
		h = binary.BigEndian.AppendUint32(nil, uint32(len(p)))
	}
	return append(h, p...)
}

// {packet, 1 | 2 | 4}: one owner message per packet, in both directions.
func TestSocketPacketN(t *testing.T) {
	for _, pk := range []struct {
		p ssl.Packet
		n int
	}{{ssl.Packet1, 1}, {ssl.Packet2, 2}, {ssl.Packet4, 4}} {
		for _, kind := range sockPeerKinds {
			t.Run(kind+"/"+string(rune('0'+pk.n)), func(t *testing.T) {
				app := sockApp(t)
				owner := sockNewOwner(t, app)
				sock, peer := sockPair(t, app, kind, ssl.Options{Owner: owner.PID, Packet: pk.p})
				if kind == "ours" {
					// Our server frames too: give it the same packet option.
					if err := peer.(*oursPeer).s.Setopts(ssl.SetPacket(pk.p)); err != nil {
						t.Fatal(err)
					}
				}
				big := bytes.Repeat([]byte("B"), 200)
				var wire []byte
				if kind == "ours" {
					for _, p := range [][]byte{[]byte("first"), {}, []byte("second"), big} {
						if err := peer.Write(p); err != nil {
							t.Fatal(err)
						}
					}
				} else {
					// Two packets in one write, an empty one, one split across writes.
					wire = append(sockFrame(pk.n, []byte("first")), sockFrame(pk.n, nil)...)
					wire = append(wire, sockFrame(pk.n, []byte("second"))...)
					fb := sockFrame(pk.n, big)
					wire = append(wire, fb[:pk.n+10]...)
					if err := peer.Write(wire); err != nil {
						t.Fatal(err)
					}
					time.Sleep(30 * time.Millisecond)
					if err := peer.Write(fb[pk.n+10:]); err != nil {
						t.Fatal(err)
					}
				}
				for _, want := range [][]byte{[]byte("first"), {}, []byte("second"), big} {
					if d := owner.data(t); !bytes.Equal(d.Bytes, want) {
						t.Fatalf("packet %d: got %q, want %q", pk.n, d.Bytes, want)
					}
				}
				// We frame what we send: the peer reads a length prefix.
				if err := sock.Send([]byte("reply")); err != nil {
					t.Fatal(err)
				}
				if kind == "gotls" {
					got, err := peer.ReadN(pk.n + 5)
					if err != nil {
						t.Fatal(err)
					}
					if want := sockFrame(pk.n, []byte("reply")); !bytes.Equal(got, want) {
						t.Fatalf("on the wire %x, want %x ({packet,%d} prefixes sends)", got, want, pk.n)
					}
				} else {
					got, err := peer.ReadN(0)
					if err != nil || string(got) != "reply" {
						t.Fatalf("our server got %q, %v", got, err)
					}
				}
			})
		}
	}
}

// {packet, 1}: a payload over 255 bytes cannot be sent.
func TestSocketPacketSendTooLarge(t *testing.T) {
	app := sockApp(t)
	sock, _ := sockPair(t, app, "gotls", ssl.Options{Packet: ssl.Packet1})
	if err := sock.Send(make([]byte, 256)); err == nil {
		t.Fatalf("Send of 256 bytes with {packet,1} succeeded")
	}
	if err := sock.Send(make([]byte, 255)); err != nil {
		t.Fatalf("Send of 255 bytes with {packet,1}: %v", err)
	}
}

// {packet, line}: one message per line, the newline kept.
func TestSocketPacketLine(t *testing.T) {
	sockEachPeer(t, func(t *testing.T, app *ssl.App, kind string) {
		owner := sockNewOwner(t, app)
		_, peer := sockPair(t, app, kind, ssl.Options{Owner: owner.PID, Packet: ssl.PacketLine})
		_ = peer.Write([]byte("one\ntw"))
		time.Sleep(30 * time.Millisecond)
		_ = peer.Write([]byte("o\n\nthree"))
		for _, want := range []string{"one\n", "two\n", "\n"} {
			if d := owner.data(t); string(d.Bytes) != want {
				t.Fatalf("got %q, want %q", d.Bytes, want)
			}
		}
		owner.quiet(t, "incomplete line")
		_ = peer.Write([]byte("\n"))
		if d := owner.data(t); string(d.Bytes) != "three\n" {
			t.Fatalf("got %q", d.Bytes)
		}
	})
}

// {header, N} in binary mode and {mode, list}.
func TestSocketHeaderAndListMode(t *testing.T) {
	sockEachPeer(t, func(t *testing.T, app *ssl.App, kind string) {
		owner := sockNewOwner(t, app)
		sock, peer := sockPair(t, app, kind, ssl.Options{Owner: owner.PID, Header: 2})
		_ = peer.Write([]byte("HDbody"))
		d := owner.data(t)
		if string(d.Header) != "HD" || string(d.Bytes) != "body" {
			t.Fatalf("header 2: Header %q Bytes %q", d.Header, d.Bytes)
		}
		// Shorter than the header: all of it in Header.
		_ = peer.Write([]byte("H"))
		d = owner.data(t)
		if string(d.Header) != "H" || len(d.Bytes) != 0 {
			t.Fatalf("short packet: Header %q Bytes %q", d.Header, d.Bytes)
		}
		if err := sock.Setopts(ssl.SetMode(ssl.List), ssl.SetHeader(0)); err != nil {
			t.Fatal(err)
		}
		_ = peer.Write([]byte("text ✓"))
		d = owner.data(t)
		if d.Text != "text ✓" {
			t.Fatalf("list mode: Text %q", d.Text)
		}
		// Passive Recv in list mode still returns bytes.
		if err := sock.Setopts(ssl.Active(ssl.ActiveFalse), ssl.SetMode(ssl.Binary)); err != nil {
			t.Fatal(err)
		}
		_ = peer.Write([]byte("raw"))
		if b, err := sock.Recv(0, sockWait); err != nil || string(b) != "raw" {
			t.Fatalf("Recv = %q, %v", b, err)
		}
	})
}

// Getopts reflects Setopts; a bad Setopts changes nothing.
func TestSocketGetoptsReflectsSetopts(t *testing.T) {
	app := sockApp(t)
	owner := sockNewOwner(t, app)
	sock, _ := sockPair(t, app, "ours", ssl.Options{Owner: owner.PID})
	o, err := sock.Getopts()
	if err != nil {
		t.Fatal(err)
	}
	if o.Active != ssl.ActiveTrue || o.Mode != ssl.Binary || o.Packet != ssl.PacketRaw || o.Header != 0 || !o.Owner.Equal(owner.PID) {
		t.Fatalf("initial options %+v", o)
	}
	if err := sock.Setopts(ssl.Active(ssl.ActiveOnce), ssl.SetMode(ssl.List), ssl.SetPacket(ssl.Packet2), ssl.SetHeader(3)); err != nil {
		t.Fatal(err)
	}
	o, _ = sock.Getopts()
	if o.Active != ssl.ActiveOnce || o.Mode != ssl.List || o.Packet != ssl.Packet2 || o.Header != 3 {
		t.Fatalf("after Setopts %+v", o)
	}
	err = sock.Setopts(ssl.SetMode(ssl.Binary), ssl.SetPacket(ssl.Packet(3)))
	var oe *ssl.OptionError
	if !errors.As(err, &oe) || oe.Option != "packet" {
		t.Fatalf("Setopts packet 3: %v, want OptionError(packet)", err)
	}
	if o2, _ := sock.Getopts(); o2 != o {
		t.Fatalf("a failed Setopts changed options: %+v -> %+v", o, o2)
	}
	if err := sock.Setopts(ssl.SetHeader(-1)); !errors.As(err, &oe) || oe.Option != "header" {
		t.Fatalf("Setopts header -1: %v", err)
	}
}

// Only the owner may hand the socket over; the new owner gets the data.
func TestSocketControllingProcess(t *testing.T) {
	sockEachPeer(t, func(t *testing.T, app *ssl.App, kind string) {
		a, b, c := sockNewOwner(t, app), sockNewOwner(t, app), sockNewOwner(t, app)
		sock, peer := sockPair(t, app, kind, ssl.Options{Owner: a.PID})
		if err := sock.ControllingProcess(c.PID, c.PID); !errors.Is(err, ssl.ErrNotOwner) {
			t.Fatalf("non-owner handover: %v, want ErrNotOwner", err)
		}
		if err := sock.ControllingProcess(nil, c.PID); !errors.Is(err, ssl.ErrNotOwner) {
			t.Fatalf("nil caller handover: %v, want ErrNotOwner", err)
		}
		if err := sock.ControllingProcess(a.PID, b.PID); err != nil {
			t.Fatalf("owner handover: %v", err)
		}
		if err := sock.ControllingProcess(a.PID, c.PID); !errors.Is(err, ssl.ErrNotOwner) {
			t.Fatalf("old owner handover: %v, want ErrNotOwner", err)
		}
		_ = peer.Write([]byte("to-b"))
		if d := b.data(t); string(d.Bytes) != "to-b" {
			t.Fatalf("new owner got %q", d.Bytes)
		}
		a.quiet(t, "old owner after handover")
		// The old owner's death no longer matters.
		a.Stop()
		_ = peer.Write([]byte("still"))
		if d := b.data(t); string(d.Bytes) != "still" {
			t.Fatalf("new owner got %q", d.Bytes)
		}
		_ = peer.Close()
		b.end(t, true)
		c.quiet(t, "never an owner")
	})
}

// The owner's death closes the connection: the peer sees a clean close and
// nothing leaks.
func TestSocketOwnerDeath(t *testing.T) {
	sockEachPeer(t, func(t *testing.T, app *ssl.App, kind string) {
		owner := sockNewOwner(t, app)
		leaks := sockLeakCheck(t, app)
		sock, peer := sockPair(t, app, kind, ssl.Options{Owner: owner.PID})
		_ = peer.Write([]byte("x"))
		owner.data(t)
		owner.Stop()
		got, err := peer.ReadToEnd()
		if err != nil {
			t.Fatalf("peer after owner death: %v (want a clean close_notify)", err)
		}
		if len(got) != 0 {
			t.Fatalf("peer got %q", got)
		}
		select {
		case <-sock.Done():
		case <-time.After(sockWait):
			t.Fatalf("connection actor still alive after its owner died")
		}
		if err := sock.Send([]byte("x")); !errors.Is(err, ssl.ErrClosed) {
			t.Fatalf("Send after owner death: %v", err)
		}
		_ = peer.Close()
		leaks()
	})
}

// Close sends close_notify: crypto/tls reads io.EOF; the owner hears nothing.
func TestSocketCloseSendsCloseNotify(t *testing.T) {
	sockEachPeer(t, func(t *testing.T, app *ssl.App, kind string) {
		owner := sockNewOwner(t, app)
		leaks := sockLeakCheck(t, app)
		sock, peer := sockPair(t, app, kind, ssl.Options{Owner: owner.PID})
		if err := sock.Send([]byte("bye")); err != nil {
			t.Fatal(err)
		}
		if err := sock.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		got, err := peer.ReadToEnd()
		if err != nil || string(got) != "bye" {
			t.Fatalf("peer read %q, %v; want \"bye\" then a clean EOF", got, err)
		}
		if gp, ok := peer.(*gotlsPeer); ok {
			_ = gp.c.SetReadDeadline(time.Now().Add(sockWait))
			if _, err := gp.c.Read(make([]byte, 1)); err != io.EOF {
				t.Fatalf("crypto/tls Read after close_notify: %v, want io.EOF", err)
			}
		}
		owner.quiet(t, "Close is not reported to the owner")
		if err := sock.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if _, err := sock.Getopts(); !errors.Is(err, ssl.ErrClosed) {
			t.Fatalf("Getopts after Close: %v", err)
		}
		_ = peer.Close()
		leaks()
	})
}

// Shutdown(write): the peer reads EOF while we can still receive.
func TestSocketShutdownWrite(t *testing.T) {
	app := sockApp(t)
	owner := sockNewOwner(t, app)
	leaks := sockLeakCheck(t, app)
	sock, peer := sockPair(t, app, "gotls", ssl.Options{Owner: owner.PID})
	if err := sock.Shutdown(ssl.ShutdownWrite); err != nil {
		t.Fatalf("Shutdown(write): %v", err)
	}
	got, err := peer.ReadToEnd()
	if err != nil || len(got) != 0 {
		t.Fatalf("peer read %q, %v; want a clean EOF", got, err)
	}
	if err := sock.Send([]byte("x")); !errors.Is(err, ssl.ErrClosed) {
		t.Fatalf("Send after Shutdown(write): %v, want ErrClosed", err)
	}
	if err := peer.Write([]byte("still reading")); err != nil {
		t.Fatalf("peer write after our half-close: %v", err)
	}
	if got := string(owner.collect(t, len("still reading"))); got != "still reading" {
		t.Fatalf("got %q", got)
	}
	_ = peer.Close()
	owner.end(t, true)
	leaks()
}

// Shutdown(read_write) ends the connection; an invalid how is refused.
func TestSocketShutdownReadWrite(t *testing.T) {
	app := sockApp(t)
	owner := sockNewOwner(t, app)
	sock, peer := sockPair(t, app, "gotls", ssl.Options{Owner: owner.PID})
	if err := sock.Shutdown(ssl.ShutdownHow(7)); err == nil {
		t.Fatalf("Shutdown(7) accepted")
	}
	if err := sock.Shutdown(ssl.ShutdownReadWrite); err != nil {
		t.Fatal(err)
	}
	if _, err := peer.ReadToEnd(); err != nil {
		t.Fatalf("peer: %v", err)
	}
	select {
	case <-sock.Done():
	case <-time.After(sockWait):
		t.Fatalf("still alive after Shutdown(read_write)")
	}
	owner.quiet(t, "Shutdown is not reported to the owner")
}

// A TCP close without close_notify is reported as Closed, once.
func TestSocketPeerTCPCloseOnce(t *testing.T) {
	app := sockApp(t)
	owner := sockNewOwner(t, app)
	_, peer := sockPair(t, app, "gotls", ssl.Options{Owner: owner.PID})
	_ = peer.Write([]byte("d"))
	owner.data(t)
	_ = peer.(*gotlsPeer).c.NetConn().Close()
	owner.end(t, true)
}

// A packet the {packet,4} limit rejects ends the connection with Error, once.
func TestSocketPacketErrorOnce(t *testing.T) {
	app := sockApp(t)
	owner := sockNewOwner(t, app)
	sock, peer := sockPair(t, app, "gotls", ssl.Options{Owner: owner.PID})
	if err := sock.Setopts(ssl.SetPacket(ssl.Packet4)); err != nil {
		t.Fatal(err)
	}
	_ = peer.Write([]byte{0x7f, 0xff, 0xff, 0xff})
	m := owner.end(t, false)
	if m.(*ssl.Error).Reason == nil {
		t.Fatalf("Error without reason")
	}
	select {
	case <-sock.Done():
	case <-time.After(sockWait):
		t.Fatalf("connection still alive after a packet error")
	}
}

// Invalid options are *ssl.OptionError naming the option, before any I/O.
func TestSocketInvalidOptions(t *testing.T) {
	app := sockApp(t)
	owner := sockNewOwner(t, app)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	srv := sockServerOpts(t)
	cases := []struct {
		name   string
		opts   ssl.Options
		server bool
		option string
	}{
		{"active without owner", ssl.Options{Active: ssl.ActiveTrue}, false, "active"},
		{"active once without owner", ssl.Options{Active: ssl.ActiveOnce}, false, "active"},
		{"active N zero", ssl.Options{Owner: owner.PID, Active: ssl.ActiveN(0)}, false, "active"},
		{"bad packet", ssl.Options{Packet: ssl.Packet(3)}, false, "packet"},
		{"bad mode", ssl.Options{Mode: ssl.Mode(9)}, false, "mode"},
		{"negative header", ssl.Options{Header: -1}, false, "header"},
		{"fail_if_no_peer_cert on client", ssl.Options{FailIfNoPeerCert: true, Verify: ssl.VerifyPeer, CACerts: sockChain(t).DER}, false, "fail_if_no_peer_cert"},
		{"unknown cipher", ssl.Options{CipherString: "NO-SUCH-CIPHER"}, false, "ciphers"},
		{"sslv2", ssl.Options{Versions: []ssl.Version{0x0200}}, false, "versions"},
		{"version twice", ssl.Options{Versions: []ssl.Version{ssl.TLSv1, ssl.TLSv1}}, false, "versions"},
		{"unknown tuple", ssl.Options{CipherString: "{rsa,aes_128_cbc,md5}"}, false, "ciphers"},
		{"nil suite", ssl.Options{Ciphers: []ssl.CipherSuite{ssl.Suite("ecdhe_rsa", "no_such", "aead")}}, false, "ciphers"},
		{"no suite for the versions", ssl.Options{Versions: []ssl.Version{ssl.TLSv1}, CipherString: "AES128-GCM-SHA256"}, false, "ciphers"},
		{"fallback on a server", func() ssl.Options { o := srv; o.Fallback = true; return o }(), true, "fallback"},
		{"bad cert", ssl.Options{Cert: [][]byte{[]byte("junk")}}, false, "cert"},
		{"server without cert", ssl.Options{}, true, "certfile"},
		{"server sni", func() ssl.Options { o := srv; o.ServerNameIndication = "x"; return o }(), true, "server_name_indication"},
		{"fail_if_no_peer_cert without verify_peer", func() ssl.Options { o := srv; o.FailIfNoPeerCert = true; return o }(), true, "fail_if_no_peer_cert"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.server {
				var ls *ssl.ListenSocket
				ls, err = app.Listen("127.0.0.1:0", tc.opts)
				if ls != nil {
					ls.Close()
				}
			} else {
				_, err = app.Connect("127.0.0.1", port, tc.opts, sockWait)
			}
			var oe *ssl.OptionError
			if !errors.As(err, &oe) {
				t.Fatalf("got %T %v, want *ssl.OptionError", err, err)
			}
			if oe.Option != tc.option {
				t.Fatalf("option %q, want %q (%v)", oe.Option, tc.option, err)
			}
			if !strings.Contains(ssl.FormatError(err), tc.option) {
				t.Fatalf("FormatError %q does not name %q", ssl.FormatError(err), tc.option)
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(accepted); n != 0 {
		t.Fatalf("%d TCP connections were made for invalid options", n)
	}
	if app.Live() != 0 {
		t.Fatalf("%d connection actors after invalid options", app.Live())
	}
}
