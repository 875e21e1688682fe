// interop_gotls_test.go runs the suite matrix, bulk echo and client
// certificate checks against Go's crypto/tls, in process, both directions.
package test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
)

// goSuites is the set of suite IDs crypto/tls implements (secure or not).
func goSuites() map[uint16]bool {
	m := map[uint16]bool{}
	for _, s := range tls.CipherSuites() {
		m[s.ID] = true
	}
	for _, s := range tls.InsecureCipherSuites() {
		m[s.ID] = true
	}
	return m
}

// goServerResult is what a crypto/tls server saw of one connection.
type goServerResult struct {
	state tls.ConnectionState
	n     int64
	err   error
}

// goServer runs a crypto/tls echo server on 127.0.0.1:0.
func goServer(t testing.TB, cfg *tls.Config) (int, <-chan goServerResult) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	out := make(chan goServerResult, 64)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				var r goServerResult
				defer func() { out <- r }()
				defer c.Close()
				tc := tls.Server(c, cfg)
				_ = tc.SetDeadline(time.Now().Add(2 * ioTimeout))
				if r.err = tc.Handshake(); r.err != nil {
					return
				}
				r.state = tc.ConnectionState()
				r.n, r.err = io.Copy(tc, tc)
				_ = tc.CloseWrite()
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port, out
}

func goServerConfig(p *pki, s *handshake.Suite) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{p.serverLeaf(s).TLS()},
		CipherSuites: []uint16{s.ID},
		MinVersion:   tls.VersionTLS12,
		MaxVersion:   tls.VersionTLS12,
	}
}

func goClientConfig(p *pki, s *handshake.Suite) *tls.Config {
	return &tls.Config{
		RootCAs:      p.CAPool,
		ServerName:   "localhost",
		CipherSuites: []uint16{s.ID},
		MinVersion:   tls.VersionTLS12,
		MaxVersion:   tls.VersionTLS12,
	}
}

// goEcho dials our server with crypto/tls, echoes data through it and
// checks the digest and crypto/tls's view of the suite.
func goEcho(t testing.TB, port int, cfg *tls.Config, s *handshake.Suite, data []byte) *tls.Conn {
	t.Helper()
	d := &net.Dialer{Timeout: hsTimeout}
	c, err := tls.DialWithDialer(d, "tcp", net.JoinHostPort("127.0.0.1", itoa(port)), cfg)
	if err != nil {
		t.Fatalf("crypto/tls client handshake: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(2 * ioTimeout))
	st := c.ConnectionState()
	if st.Version != tls.VersionTLS12 || st.CipherSuite != s.ID {
		t.Errorf("crypto/tls client negotiated %x %s, want TLS 1.2 %s", st.Version, tls.CipherSuiteName(st.CipherSuite), s.Name)
	}
	sendErr := make(chan error, 1)
	go func() { _, err := c.Write(data); sendErr <- err }()
	got := make([]byte, len(data))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("crypto/tls client read: %v", err)
	}
	if err := <-sendErr; err != nil {
		t.Fatalf("crypto/tls client write: %v", err)
	}
	if sum(got) != sum(data) {
		t.Fatalf("echo through our server: digest mismatch")
	}
	return c
}

func TestInteropGoTLS(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	app := startApp(t)
	have := goSuites()
	data := payload(matrixSize, false, 1)
	for _, s := range suites() {
		t.Run(s.OpenSSLName, func(t *testing.T) {
			if !have[s.ID] {
				t.Skipf("crypto/tls does not implement %s", s.Name)
			}
			t.Run("our_client", func(t *testing.T) {
				port, res := goServer(t, goServerConfig(p, s))
				sock, err := dial(app, port, clientOpts(p, s))
				if err != nil {
					t.Fatalf("Connect: %v", err)
				}
				checkInfo(t, sock, s)
				echoThrough(t, sock, data)
				if err := sock.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
				r := <-res
				if r.err != nil {
					t.Fatalf("crypto/tls server: %v", r.err)
				}
				if r.state.Version != tls.VersionTLS12 || r.state.CipherSuite != s.ID {
					t.Errorf("crypto/tls server negotiated %x %s", r.state.Version, tls.CipherSuiteName(r.state.CipherSuite))
				}
				if r.n != int64(len(data)) {
					t.Errorf("crypto/tls server echoed %d bytes, want %d", r.n, len(data))
				}
			})
			t.Run("their_client", func(t *testing.T) {
				port, res := ourServer(t, app, serverOpts(p.serverLeaf(s), s), 0)
				c := goEcho(t, port, goClientConfig(p, s), s, data)
				c.Close()
				checkServed(t, nextServed(t, res), s, int64(len(data)))
			})
		})
	}
}

func TestInteropGoTLSBulk(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	app := startApp(t)
	s := handshake.SuiteByOpenSSLName("ECDHE-ECDSA-AES128-GCM-SHA256")
	data := payload(bigSize, false, 2)
	t.Run("our_client", func(t *testing.T) {
		port, res := goServer(t, goServerConfig(p, s))
		sock, err := dial(app, port, clientOpts(p, s))
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		checkInfo(t, sock, s)
		echoThrough(t, sock, data)
		sock.Close()
		if r := <-res; r.err != nil || r.n != int64(len(data)) {
			t.Fatalf("crypto/tls server: %d bytes, %v", r.n, r.err)
		}
	})
	t.Run("their_client", func(t *testing.T) {
		s := handshake.SuiteByOpenSSLName("ECDHE-RSA-CHACHA20-POLY1305")
		port, res := ourServer(t, app, serverOpts(p.RSA, s), 0)
		c := goEcho(t, port, goClientConfig(p, s), s, data)
		c.Close()
		checkServed(t, nextServed(t, res), s, int64(len(data)))
	})
}

// TestInteropGoTLSVerify checks path validation and host names against
// crypto/tls peers, and client certificates both ways.
func TestInteropGoTLSVerify(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	app := startApp(t)
	s := handshake.SuiteByOpenSSLName("ECDHE-ECDSA-AES256-GCM-SHA384")
	data := payload(4096, false, 3)

	t.Run("hostname_mismatch", func(t *testing.T) {
		port, res := goServer(t, goServerConfig(p, s))
		o := clientOpts(p, s)
		o.ServerNameIndication = "wrong.example"
		sock, err := dial(app, port, o)
		if err == nil {
			sock.Close()
			t.Fatal("handshake succeeded with a certificate for another host")
		}
		var bc *ssl.BadCertError
		if !errors.As(err, &bc) && !strings.Contains(ssl.FormatError(err), "hostname") {
			t.Errorf("error %v (%s) is not a hostname check failure", err, ssl.FormatError(err))
		}
		if r := <-res; r.err == nil {
			t.Error("crypto/tls server saw a successful handshake")
		}
	})
	t.Run("ip_address_identity", func(t *testing.T) {
		// No SNI for an IP literal; the IP SAN must match instead.
		port, res := goServer(t, goServerConfig(p, s))
		o := clientOpts(p, s)
		o.ServerNameIndication = ""
		sock, err := dial(app, port, o)
		if err != nil {
			t.Fatalf("Connect by IP: %v", err)
		}
		echoThrough(t, sock, data)
		sock.Close()
		<-res
	})
	t.Run("untrusted_ca", func(t *testing.T) {
		cfg := goServerConfig(p, s)
		cfg.Certificates = []tls.Certificate{p.Untrusted.TLS()}
		port, res := goServer(t, cfg)
		sock, err := dial(app, port, clientOpts(p, s))
		if err == nil {
			sock.Close()
			t.Fatal("handshake succeeded with a certificate from an untrusted CA")
		}
		var bc *ssl.BadCertError
		if !errors.As(err, &bc) {
			t.Errorf("error %v (%s) is not a bad_cert error", err, ssl.FormatError(err))
		}
		<-res
	})
	t.Run("their_client_rejects_our_untrusted", func(t *testing.T) {
		port, res := ourServer(t, app, serverOpts(p.Untrusted, s), 0)
		_, err := tls.Dial("tcp", net.JoinHostPort("127.0.0.1", itoa(port)), goClientConfig(p, s))
		var ue x509.UnknownAuthorityError
		if !errors.As(err, &ue) {
			t.Fatalf("crypto/tls client: %v, want unknown authority", err)
		}
		if r := nextServed(t, res); r.err == nil {
			t.Error("our server saw a successful handshake")
		}
	})
	t.Run("our_client_cert", func(t *testing.T) {
		cfg := goServerConfig(p, s)
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = p.CAPool
		port, res := goServer(t, cfg)
		o := clientOpts(p, s)
		p.Client.Options(&o)
		sock, err := dial(app, port, o)
		if err != nil {
			t.Fatalf("Connect with client cert: %v", err)
		}
		echoThrough(t, sock, data)
		sock.Close()
		r := <-res
		if r.err != nil {
			t.Fatalf("crypto/tls server: %v", r.err)
		}
		if len(r.state.PeerCertificates) == 0 || !r.state.PeerCertificates[0].Equal(p.Client.Cert) {
			t.Errorf("crypto/tls server did not see our client certificate")
		}
	})
	t.Run("our_client_without_cert_refused", func(t *testing.T) {
		cfg := goServerConfig(p, s)
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = p.CAPool
		port, res := goServer(t, cfg)
		sock, err := dial(app, port, clientOpts(p, s))
		if err == nil {
			// TLS 1.2: the server's rejection may come after our Finished.
			_, err = sock.Recv(0, ioTimeout)
			sock.Close()
		}
		if err == nil {
			t.Fatal("connection without a client certificate was accepted")
		}
		if r := <-res; r.err == nil {
			t.Error("crypto/tls server accepted a client without a certificate")
		}
	})
	t.Run("their_client_cert", func(t *testing.T) {
		o := serverOpts(p.ECDSA, s)
		o.Verify, o.FailIfNoPeerCert, o.CACertFile = ssl.VerifyPeer, true, p.CAFile
		port, res := ourServer(t, app, o, 0)
		cfg := goClientConfig(p, s)
		cfg.Certificates = []tls.Certificate{p.Client.TLS()}
		c := goEcho(t, port, cfg, s, data)
		c.Close()
		r := nextServed(t, res)
		checkServed(t, r, s, int64(len(data)))
		if string(r.peerCert) != string(p.Client.DER) {
			t.Error("Peercert on our server is not the client's certificate")
		}
	})
	t.Run("their_client_without_cert_refused", func(t *testing.T) {
		o := serverOpts(p.ECDSA, s)
		o.Verify, o.FailIfNoPeerCert, o.CACertFile = ssl.VerifyPeer, true, p.CAFile
		port, res := ourServer(t, app, o, 0)
		c, err := tls.Dial("tcp", net.JoinHostPort("127.0.0.1", itoa(port)), goClientConfig(p, s))
		if err == nil {
			_ = c.SetDeadline(time.Now().Add(ioTimeout))
			_, err = c.Read(make([]byte, 1))
			c.Close()
		}
		if err == nil || err == io.EOF {
			t.Fatalf("crypto/tls client without certificate: %v, want a handshake alert", err)
		}
		if r := nextServed(t, res); r.err == nil {
			t.Error("our server accepted a client without a certificate")
		}
	})
}
