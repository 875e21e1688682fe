// The demo command: server, client and owner actors in one process.
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"net"
	"sync"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
)

// ownerLog collects what an owner actor receives, printing as it goes.
type ownerLog struct {
	name string
	mu   sync.Mutex
	msgs []string
	got  chan any
}

func (o *ownerLog) add(s string) {
	o.mu.Lock()
	o.msgs = append(o.msgs, s)
	o.mu.Unlock()
	fmt.Printf("[%s owner] %s\n", o.name, s)
}

func runDemo(args []string) error {
	app, err := ssl.Start()
	if err != nil {
		return err
	}
	defer app.Stop()
	chain, err := handshake.SelfSigned([]string{"localhost", "127.0.0.1"}, "ecdsa-p256", rand.Reader, time.Now())
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(chain.Key)
	if err != nil {
		return err
	}

	// The server's owner actor echoes every message back in upper case.
	server := &ownerLog{name: "server", got: make(chan any, 16)}
	serverOwner := app.Root().Spawn(pa.PropsFromFunc(func(ctx pa.Context) {
		switch m := ctx.Message().(type) {
		case *ssl.Data:
			server.add(fmt.Sprintf("{ssl, Socket, %q}", m.Bytes))
			_ = m.Socket.Send(bytes.ToUpper(m.Bytes))
		case *ssl.Closed:
			server.add("{ssl_closed, Socket}")
			server.got <- m
		case *ssl.Error:
			server.add("{ssl_error, Socket, " + ssl.FormatError(m.Reason) + "}")
			server.got <- m
		}
	}))
	client := &ownerLog{name: "client", got: make(chan any, 16)}
	clientOwner := app.Root().Spawn(pa.PropsFromFunc(func(ctx pa.Context) {
		switch m := ctx.Message().(type) {
		case *ssl.Data:
			client.add(fmt.Sprintf("{ssl, Socket, %q}", m.Bytes))
			client.got <- m
		case *ssl.Closed:
			client.add("{ssl_closed, Socket}")
			client.got <- m
		case *ssl.Error:
			client.add("{ssl_error, Socket, " + ssl.FormatError(m.Reason) + "}")
			client.got <- m
		}
	}))

	ls, err := app.Listen("127.0.0.1:0", ssl.Options{
		Cert:  chain.DER,
		Key:   &ssl.Key{Type: "PrivateKeyInfo", DER: keyDER},
		Owner: serverOwner,
	})
	if err != nil {
		return err
	}
	defer ls.Close()
	fmt.Printf("server listening on %s\n", ls.Addr())
	accepted := make(chan *ssl.Socket, 1)
	acceptErr := make(chan error, 1)
	go func() {
		p, err := ls.TransportAccept(10 * time.Second)
		if err != nil {
			acceptErr <- err
			return
		}
		s, err := app.Handshake(p, nil, 10*time.Second)
		if err != nil {
			acceptErr <- err
			return
		}
		accepted <- s
	}()

	portNum := ls.Addr().(*net.TCPAddr).Port
	sock, err := app.Connect("localhost", portNum, ssl.Options{
		Owner:   clientOwner,
		Verify:  ssl.VerifyPeer,
		CACerts: [][]byte{chain.DER[0]},
	}, 10*time.Second)
	if err != nil {
		return fmt.Errorf("connect: %s", ssl.FormatError(err))
	}
	var srv *ssl.Socket
	select {
	case srv = <-accepted:
	case err := <-acceptErr:
		return fmt.Errorf("accept: %s", ssl.FormatError(err))
	}
	info, _ := sock.ConnectionInformation()
	fmt.Printf("client handshake: protocol=%s cipher=%s (%s) sni=%s\n", info.Protocol, info.CipherSuite.OpenSSLName, erlangTuple(info.CipherSuite), info.SNIHostname)
	sinfo, _ := srv.ConnectionInformation()
	fmt.Printf("server handshake: protocol=%s cipher=%s sni=%s\n", sinfo.Protocol, sinfo.CipherSuite.OpenSSLName, sinfo.SNIHostname)
	peer, err := sock.Peercert()
	if err == nil {
		sum := sha256.Sum256(peer)
		fmt.Printf("client sees server certificate sha256=%x\n", sum[:8])
	}

	for _, msg := range []string{"hello", "from the client actor"} {
		if err := sock.Send([]byte(msg)); err != nil {
			return err
		}
		select {
		case <-client.got:
		case <-time.After(5 * time.Second):
			return fmt.Errorf("no echo for %q", msg)
		}
	}
	// The client closes; the server owner hears {ssl_closed, Socket}.
	if err := sock.Close(); err != nil {
		return err
	}
	select {
	case <-server.got:
	case <-time.After(5 * time.Second):
		return fmt.Errorf("server owner never saw the close")
	}
	fmt.Println("demo ok")
	return nil
}

func erlangTuple(s *handshake.Suite) string {
	k, c, m, p := s.ErlangTuple()
	return fmt.Sprintf("{%s,%s,%s,%s}", k, c, m, p)
}
