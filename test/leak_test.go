// Leak checks: every way a connection ends leaves no connection actor and
// no goroutine behind, and App.Stop takes live connections down with it.
package test

import (
	"errors"
	"net"
	"runtime"
	"testing"
	"time"

	ssl "github.com/erlang-ssl-go/ssl"
)

// Many connections, ended in every way we know, leak nothing.
func TestLeakConnectionEndings(t *testing.T) {
	app := sockApp(t)
	owners := []*sockOwner{}
	for i := 0; i < 8; i++ {
		owners = append(owners, sockNewOwner(t, app))
	}
	leaks := sockLeakCheck(t, app)
	endings := []struct {
		name string
		end  func(t *testing.T, o *sockOwner, s *ssl.Socket, p sockPeer)
	}{
		{"we close", func(t *testing.T, o *sockOwner, s *ssl.Socket, p sockPeer) {
			_ = s.Close()
			_ = p.Close()
		}},
		{"peer closes", func(t *testing.T, o *sockOwner, s *ssl.Socket, p sockPeer) {
			_ = p.Close()
			o.end(t, true)
		}},
		{"owner dies", func(t *testing.T, o *sockOwner, s *ssl.Socket, p sockPeer) {
			o.Stop()
			<-s.Done()
			_ = p.Close()
		}},
		{"shutdown read_write", func(t *testing.T, o *sockOwner, s *ssl.Socket, p sockPeer) {
			_ = s.Shutdown(ssl.ShutdownReadWrite)
			_ = p.Close()
		}},
		{"shutdown write then peer closes", func(t *testing.T, o *sockOwner, s *ssl.Socket, p sockPeer) {
			_ = s.Shutdown(ssl.ShutdownWrite)
			_ = p.Close()
			o.end(t, true)
		}},
		{"passive with unread data, peer closes, never read", func(t *testing.T, o *sockOwner, s *ssl.Socket, p sockPeer) {
			_ = s.Setopts(ssl.Active(ssl.ActiveFalse))
			_ = p.Write([]byte("unread"))
			_ = p.Close()
			time.Sleep(50 * time.Millisecond)
			_ = s.Close()
		}},
		{"pending recv, peer closes", func(t *testing.T, o *sockOwner, s *ssl.Socket, p sockPeer) {
			_ = s.Setopts(ssl.Active(ssl.ActiveFalse))
			done := make(chan error, 1)
			go func() { _, err := s.Recv(100, 0); done <- err }()
			time.Sleep(20 * time.Millisecond)
			_ = p.Close()
			if err := <-done; !errors.Is(err, ssl.ErrClosed) {
				t.Errorf("pending Recv: %v", err)
			}
		}},
	}
	for i, e := range endings {
		for _, kind := range sockPeerKinds {
			t.Run(e.name+"/"+kind, func(t *testing.T) {
				o := owners[i]
				if e.name == "owner dies" && kind == "gotls" {
					o = owners[len(endings)]
				}
				s, p := sockPair(t, app, kind, ssl.Options{Owner: o.PID})
				if err := p.Write([]byte("x")); err != nil {
					t.Fatal(err)
				}
				if d := o.data(t); string(d.Bytes) != "x" {
					t.Fatalf("got %q", d.Bytes)
				}
				e.end(t, o, s, p)
				select {
				case <-s.Done():
				case <-time.After(sockWait):
					t.Fatalf("connection actor still alive")
				}
			})
		}
	}
	leaks()
}

// Handshakes that never finish (silent peer, timeout) leak nothing.
func TestLeakHandshakeTimeout(t *testing.T) {
	app := sockApp(t)
	leaks := sockLeakCheck(t, app)
	// Server side: a client that connects and says nothing.
	ls, err := app.Listen("127.0.0.1:0", sockServerOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", ls.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	p, err := ls.TransportAccept(sockWait)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := app.Handshake(p, nil, 200*time.Millisecond); !errors.Is(err, ssl.ErrTimeout) {
		t.Fatalf("silent client: %v, want timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("timeout took %v", d)
	}
	c.Close()
	// Client side: a server that accepts and says nothing.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	if _, err := app.Connect("127.0.0.1", ln.Addr().(*net.TCPAddr).Port, sockClientOpts(t), 200*time.Millisecond); !errors.Is(err, ssl.ErrTimeout) {
		t.Fatalf("silent server: %v, want timeout", err)
	}
	if c := <-accepted; c != nil {
		c.Close()
	}
	ln.Close()
	ls.Close()
	leaks()
}

// App.Stop closes live connections (the peer sees the end) and returns the
// goroutine count to what it was before Start.
func TestLeakAppStop(t *testing.T) {
	base := runtime.NumGoroutine()
	app, err := ssl.Start()
	if err != nil {
		t.Fatal(err)
	}
	owner, _, stopOwner := app.NewChannelOwner(16)
	var peers []sockPeer
	for i := 0; i < 3; i++ {
		_, p := sockPair(t, app, "gotls", ssl.Options{Owner: owner})
		peers = append(peers, p)
	}
	if app.Live() != 3 {
		t.Fatalf("Live = %d, want 3", app.Live())
	}
	app.Stop()
	stopOwner()
	for _, p := range peers {
		if _, err := p.ReadToEnd(); err != nil && !sockContains(err, "reset") {
			t.Fatalf("peer after App.Stop: %v", err)
		}
		p.Close()
	}
	if app.Live() != 0 {
		t.Fatalf("Live = %d after Stop", app.Live())
	}
	deadline := time.Now().Add(sockWait)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after Stop, %d before Start\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
