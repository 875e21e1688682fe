// interop_openssl_test.go runs the suite matrix, bulk transfers, client
// certificates and host name checks against OpenSSL's s_server and
// s_client, both directions.
package test

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
)

var acceptRe = regexp.MustCompile(`ACCEPT 127\.0\.0\.1:(\d+)`)

// sServer starts `openssl s_server` for one connection with the suite's
// certificate; stdin stays an open pipe, since EOF on it stops s_server.
func sServer(t testing.TB, bin string, p *pki, s *handshake.Suite, extra ...string) (*proc, int) {
	t.Helper()
	l := p.serverLeaf(s)
	args := append([]string{"s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-tls1_2",
		"-cipher", s.OpenSSLName, "-cert", l.CertFile, "-key", l.KeyFile}, extra...)
	pr := startProc(t, bin, args, procOpts{})
	m := pr.waitFor(t, acceptRe, peerReady)
	port, _ := strconv.Atoi(m[1])
	return pr, port
}

// sClient runs `openssl s_client` against our server with stdin from a
// file; -ign_eof keeps it reading after stdin ends, until we close.
func sClient(t testing.TB, bin string, p *pki, s *handshake.Suite, port int, in string, extra ...string) *proc {
	t.Helper()
	args := append([]string{"s_client", "-connect", "127.0.0.1:" + strconv.Itoa(port), "-tls1_2",
		"-cipher", s.OpenSSLName, "-CAfile", p.CAFile, "-verify_return_error",
		"-verify_hostname", "localhost", "-servername", "localhost", "-brief", "-ign_eof"}, extra...)
	f := openFile(t, in)
	return startProc(t, bin, args, procOpts{stdin: f})
}

// ourClientToSServer connects our client to s_server, sends data and
// closes; s_server must print it and report the suite.
func ourClientToSServer(t *testing.T, app *ssl.App, bin string, p *pki, s *handshake.Suite, data []byte) {
	srv, port := sServer(t, bin, p, s)
	sock, err := dial(app, port, clientOpts(p, s))
	if err != nil {
		t.Fatalf("Connect: %v\n%s", err, srv.tail())
	}
	checkInfo(t, sock, s)
	for off := 0; off < len(data); off += 1 << 20 {
		if err := sock.Send(data[off:min(off+1<<20, len(data))]); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	if err := sock.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := srv.wait(t, ioTimeout); err != nil {
		t.Fatalf("s_server: %v\n%s", err, srv.tail())
	}
	out := srv.Stdout()
	if !bytes.Contains(out, []byte("CIPHER is "+s.OpenSSLName+"\n")) {
		t.Errorf("s_server did not report CIPHER is %s\n%s", s.OpenSSLName, srv.tail())
	}
	if !bytes.Contains(out, data) {
		t.Errorf("s_server output does not contain the %d bytes sent (sha256 %s)", len(data), sum(data))
	}
}

// sClientToOurServer runs s_client against our echo server, which closes
// after echoing len(data) bytes; s_client's stdout must equal data.
func sClientToOurServer(t *testing.T, app *ssl.App, bin string, p *pki, s *handshake.Suite, data []byte) {
	port, res := ourServer(t, app, serverOpts(p.serverLeaf(s), s), int64(len(data)))
	cl := sClient(t, bin, p, s, port, writeFile(t, "in", data))
	if err := cl.wait(t, ioTimeout); err != nil {
		t.Fatalf("s_client: %v\n%s", err, cl.tail())
	}
	checkServed(t, nextServed(t, res), s, int64(len(data)))
	errOut := string(cl.Stderr())
	for _, want := range []string{"Protocol version: TLSv1.2", "Ciphersuite: " + s.OpenSSLName + "\n", "Verification: OK"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("s_client did not report %q\n%s", want, cl.tail())
		}
	}
	if got := cl.Stdout(); !bytes.Equal(got, data) {
		t.Errorf("s_client received %d bytes sha256 %s, want %d bytes sha256 %s", len(got), sum(got), len(data), sum(data))
	}
}

func TestInteropOpenSSL(t *testing.T) {
	t.Parallel()
	bin := needPeer(t, "openssl")
	p := testPKI(t)
	app := startApp(t)
	data := payload(matrixSize, false, 10)
	for _, s := range suites() {
		t.Run(s.OpenSSLName, func(t *testing.T) {
			t.Run("our_client", func(t *testing.T) { ourClientToSServer(t, app, bin, p, s, data) })
			t.Run("their_client", func(t *testing.T) { sClientToOurServer(t, app, bin, p, s, data) })
		})
	}
}

func TestInteropOpenSSLBulk(t *testing.T) {
	t.Parallel()
	bin := needPeer(t, "openssl")
	p := testPKI(t)
	app := startApp(t)
	data := payload(bigSize, false, 11)
	t.Run("our_client", func(t *testing.T) {
		ourClientToSServer(t, app, bin, p, handshake.SuiteByOpenSSLName("ECDHE-RSA-AES256-GCM-SHA384"), data)
	})
	t.Run("their_client", func(t *testing.T) {
		sClientToOurServer(t, app, bin, p, handshake.SuiteByOpenSSLName("ECDHE-ECDSA-CHACHA20-POLY1305"), data)
	})
}

// TestInteropOpenSSLVerify covers client certificates both ways and host
// name checks with OpenSSL.
func TestInteropOpenSSLVerify(t *testing.T) {
	t.Parallel()
	bin := needPeer(t, "openssl")
	p := testPKI(t)
	app := startApp(t)
	s := handshake.SuiteByOpenSSLName("ECDHE-RSA-AES128-GCM-SHA256")
	data := payload(4096, false, 12)
	requireCert := []string{"-Verify", "1", "-CAfile", p.CAFile, "-verify_return_error"}

	t.Run("our_client_cert", func(t *testing.T) {
		srv, port := sServer(t, bin, p, s, requireCert...)
		o := clientOpts(p, s)
		p.Client.Options(&o)
		sock, err := dial(app, port, o)
		if err != nil {
			t.Fatalf("Connect with client cert: %v\n%s", err, srv.tail())
		}
		if err := sock.Send(data); err != nil {
			t.Fatal(err)
		}
		sock.Close()
		if err := srv.wait(t, ioTimeout); err != nil {
			t.Fatalf("s_server: %v", err)
		}
		out := srv.Stdout()
		if !bytes.Contains(out, []byte("subject=CN = interop client")) || !bytes.Contains(out, data) {
			t.Errorf("s_server did not get our client certificate and data\n%s", srv.tail())
		}
	})
	t.Run("our_client_without_cert_refused", func(t *testing.T) {
		srv, port := sServer(t, bin, p, s, requireCert...)
		sock, err := dial(app, port, clientOpts(p, s))
		if err == nil {
			_, err = sock.Recv(0, ioTimeout)
			sock.Close()
		}
		if err == nil {
			t.Fatalf("s_server -Verify accepted a client without certificate\n%s", srv.tail())
		}
		t.Logf("refused as expected: %s", ssl.FormatError(err))
	})
	t.Run("their_client_cert", func(t *testing.T) {
		o := serverOpts(p.RSA, s)
		o.Verify, o.FailIfNoPeerCert, o.CACertFile = ssl.VerifyPeer, true, p.CAFile
		port, res := ourServer(t, app, o, int64(len(data)))
		cl := sClient(t, bin, p, s, port, writeFile(t, "in", data), "-cert", p.Client.CertFile, "-key", p.Client.KeyFile)
		if err := cl.wait(t, ioTimeout); err != nil {
			t.Fatalf("s_client: %v\n%s", err, cl.tail())
		}
		r := nextServed(t, res)
		checkServed(t, r, s, int64(len(data)))
		if !bytes.Equal(r.peerCert, p.Client.DER) {
			t.Error("Peercert on our server is not the client's certificate")
		}
		if !bytes.Equal(cl.Stdout(), data) {
			t.Error("echo through our server differs")
		}
	})
	t.Run("their_client_without_cert_refused", func(t *testing.T) {
		o := serverOpts(p.RSA, s)
		o.Verify, o.FailIfNoPeerCert, o.CACertFile = ssl.VerifyPeer, true, p.CAFile
		port, res := ourServer(t, app, o, int64(len(data)))
		cl := sClient(t, bin, p, s, port, writeFile(t, "in", data))
		_ = cl.wait(t, ioTimeout)
		if r := nextServed(t, res); r.err == nil {
			t.Fatal("our server accepted s_client without a certificate")
		} else {
			t.Logf("our server: %s", ssl.FormatError(r.err))
		}
		if len(cl.Stdout()) != 0 {
			t.Error("s_client received data from a refused connection")
		}
	})
	t.Run("hostname_mismatch", func(t *testing.T) {
		srv, port := sServer(t, bin, p, s)
		o := clientOpts(p, s)
		o.ServerNameIndication = "wrong.example"
		sock, err := dial(app, port, o)
		if err == nil {
			sock.Close()
			t.Fatal("our client accepted a certificate for another host")
		}
		if !strings.Contains(ssl.FormatError(err), "hostname_check_failed") {
			t.Errorf("error %q is not hostname_check_failed", ssl.FormatError(err))
		}
		_ = srv.wait(t, ioTimeout)
	})
	t.Run("their_hostname_mismatch", func(t *testing.T) {
		port, _ := ourServer(t, app, serverOpts(p.RSA, s), 0)
		cl := sClient(t, bin, p, s, port, writeFile(t, "in", data), "-verify_hostname", "wrong.example")
		if err := cl.wait(t, ioTimeout); err == nil {
			t.Fatalf("s_client accepted our certificate for another host\n%s", cl.tail())
		}
		if !strings.Contains(string(cl.Stderr()), "hostname mismatch") {
			t.Errorf("s_client failed for another reason\n%s", cl.tail())
		}
	})
}
