// interop_versions_test.go covers protocol versions and legacy ciphers end
// to end: TLS 1.0 and 1.1 against crypto/tls, OpenSSL, GnuTLS and Erlang;
// RC4 and 3DES where a peer still has them; SSL 3.0 against our own other
// side (no installed peer speaks it); version negotiation, TLS_FALLBACK_SCSV
// and the downgrade sentinels; padding_check and honor_cipher_order.
package test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
	"github.com/erlang-ssl-go/ssl/record"
)

// versionCase is one suite at one version.
type versionCase struct {
	v     ssl.Version
	suite string // OpenSSL name
}

func (c versionCase) name() string { return c.v.String() + "/" + c.suite }

func (c versionCase) s(t testing.TB) *handshake.Suite {
	s := handshake.SuiteByOpenSSLName(c.suite)
	if s == nil {
		t.Fatalf("no suite %s", c.suite)
	}
	return s
}

// vClientOpts / vServerOpts are clientOpts / serverOpts at version v.
func vClientOpts(p *pki, s *handshake.Suite, v ssl.Version) ssl.Options {
	o := clientOpts(p, s)
	o.Versions = []ssl.Version{v}
	return o
}

func vServerOpts(p *pki, s *handshake.Suite, v ssl.Version) ssl.Options {
	o := serverOpts(p.serverLeaf(s), s)
	o.Versions = []ssl.Version{v}
	return o
}

// checkVInfo checks our side's ConnectionInformation.
func checkVInfo(t testing.TB, info ssl.ConnectionInfo, v ssl.Version, s *handshake.Suite) {
	t.Helper()
	if info.Protocol != v || info.CipherSuite == nil || info.CipherSuite.ID != s.ID {
		t.Errorf("negotiated %v %v, want %v %s", info.Protocol, info.CipherSuite, v, s.OpenSSLName)
	}
}

var goVersion = map[ssl.Version]uint16{ssl.TLSv1: tls.VersionTLS10, ssl.TLSv1_1: tls.VersionTLS11, ssl.TLSv1_2: tls.VersionTLS12}

// TestVersionsGoTLS: TLS 1.0 and 1.1 (and RC4/3DES at 1.0–1.2) against
// crypto/tls in both directions.
func TestVersionsGoTLS(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	app := startApp(t)
	data := payload(40<<10, false, 41)
	var cases []versionCase
	for _, v := range []ssl.Version{ssl.TLSv1, ssl.TLSv1_1} {
		for _, n := range []string{"ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "AES128-SHA", "AES256-SHA", "DES-CBC3-SHA", "ECDHE-RSA-DES-CBC3-SHA", "RC4-SHA", "ECDHE-RSA-RC4-SHA", "ECDHE-ECDSA-RC4-SHA"} {
			cases = append(cases, versionCase{v, n})
		}
	}
	cases = append(cases, versionCase{ssl.TLSv1_2, "DES-CBC3-SHA"}, versionCase{ssl.TLSv1_2, "RC4-SHA"}, versionCase{ssl.TLSv1_2, "ECDHE-RSA-RC4-SHA"})
	for _, c := range cases {
		t.Run(c.name(), func(t *testing.T) {
			s := c.s(t)
			gv := goVersion[c.v]
			t.Run("our_client", func(t *testing.T) {
				cfg := goServerConfig(p, s)
				cfg.MinVersion, cfg.MaxVersion = gv, gv
				port, res := goServer(t, cfg)
				sock, err := dial(app, port, vClientOpts(p, s, c.v))
				if err != nil {
					t.Fatalf("Connect: %v", err)
				}
				info, _ := sock.ConnectionInformation()
				checkVInfo(t, info, c.v, s)
				echoThrough(t, sock, data)
				sock.Close()
				r := <-res
				if r.state.Version != gv || r.state.CipherSuite != s.ID {
					t.Errorf("crypto/tls server saw %x %x (%v)", r.state.Version, r.state.CipherSuite, r.err)
				}
			})
			t.Run("their_client", func(t *testing.T) {
				port, res := ourServer(t, app, vServerOpts(p, s, c.v), 0)
				cfg := goClientConfig(p, s)
				cfg.MinVersion, cfg.MaxVersion = gv, gv
				conn := goDial(t, port, cfg)
				st := conn.ConnectionState()
				if st.Version != gv || st.CipherSuite != s.ID {
					t.Errorf("crypto/tls client negotiated %x %x", st.Version, st.CipherSuite)
				}
				goEchoConn(t, conn, data)
				conn.Close()
				r := nextServed(t, res)
				if r.err != nil {
					t.Fatalf("our server: %v", r.err)
				}
				checkVInfo(t, r.info, c.v, s)
			})
		})
	}
}

func goDial(t testing.TB, port int, cfg *tls.Config) *tls.Conn {
	t.Helper()
	d := &net.Dialer{Timeout: hsTimeout}
	c, err := tls.DialWithDialer(d, "tcp", net.JoinHostPort("127.0.0.1", itoa(port)), cfg)
	if err != nil {
		t.Fatalf("crypto/tls client handshake: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(ioTimeout))
	return c
}

func goEchoConn(t testing.TB, c *tls.Conn, data []byte) {
	t.Helper()
	sendErr := make(chan error, 1)
	go func() { _, err := c.Write(data); sendErr <- err }()
	got := make([]byte, len(data))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("crypto/tls read: %v", err)
	}
	if err := <-sendErr; err != nil {
		t.Fatalf("crypto/tls write: %v", err)
	}
	if sum(got) != sum(data) {
		t.Fatal("echo digest mismatch")
	}
}

// TestVersionNegotiation: the server picks the highest common version at or
// below the client's; the client accepts any version it offered.
func TestVersionNegotiation(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	app := startApp(t)
	s := handshake.SuiteByOpenSSLName("ECDHE-ECDSA-AES128-SHA")
	all := []ssl.Version{ssl.TLSv1_2, ssl.TLSv1_1, ssl.TLSv1}
	cases := []struct {
		client, server []ssl.Version
		want           ssl.Version // 0: must fail with protocol_version
	}{
		{all, []ssl.Version{ssl.TLSv1_1}, ssl.TLSv1_1},
		{all, []ssl.Version{ssl.TLSv1}, ssl.TLSv1},
		{[]ssl.Version{ssl.TLSv1}, all, ssl.TLSv1},
		{[]ssl.Version{ssl.TLSv1_1, ssl.TLSv1}, all, ssl.TLSv1_1},
		{all, all, ssl.TLSv1_2},
		{[]ssl.Version{ssl.TLSv1_2}, []ssl.Version{ssl.TLSv1_1, ssl.TLSv1}, 0},
		{[]ssl.Version{ssl.TLSv1}, []ssl.Version{ssl.TLSv1_2}, 0},
		{[]ssl.Version{ssl.TLSv1, ssl.SSLv3}, []ssl.Version{ssl.TLSv1_2, ssl.TLSv1}, ssl.TLSv1},
	}
	for i, c := range cases {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			so := serverOpts(p.ECDSA, s)
			so.Versions = c.server
			port, res := ourServer(t, app, so, 0)
			co := clientOpts(p, s)
			co.Versions = c.client
			sock, err := dial(app, port, co)
			if c.want == 0 {
				var ae *ssl.AlertError
				if !errors.As(err, &ae) || ae.Desc != record.AlertProtocolVersion {
					t.Fatalf("want protocol_version, got %v", err)
				}
				if r := nextServed(t, res); r.err == nil {
					t.Fatal("our server accepted")
				}
				return
			}
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			info, _ := sock.ConnectionInformation()
			checkVInfo(t, info, c.want, s)
			echoThrough(t, sock, []byte("negotiated"))
			sock.Close()
			checkVInfo(t, nextServed(t, res).info, c.want, s)
		})
	}
	// crypto/tls capped at 1.1 versus our default-plus-1.0/1.1 client.
	cfg := goServerConfig(p, s)
	cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
	port, _ := goServer(t, cfg)
	co := clientOpts(p, s)
	co.Versions = all
	sock, err := dial(app, port, co)
	if err != nil {
		t.Fatalf("against crypto/tls ≤1.1: %v", err)
	}
	info, _ := sock.ConnectionInformation()
	checkVInfo(t, info, ssl.TLSv1_1, s)
	sock.Close()
}

// TestFallbackSCSV: a client with fallback offering less than the server's
// highest version is refused with inappropriate_fallback (RFC 7507), by our
// server and by crypto/tls; at the server's highest it goes through.
func TestFallbackSCSV(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	app := startApp(t)
	s := handshake.SuiteByOpenSSLName("ECDHE-ECDSA-AES128-SHA")
	all := []ssl.Version{ssl.TLSv1_2, ssl.TLSv1_1, ssl.TLSv1}

	so := serverOpts(p.ECDSA, s)
	so.Versions = all
	port, res := ourServer(t, app, so, 0)
	co := clientOpts(p, s)
	co.Versions = []ssl.Version{ssl.TLSv1_1, ssl.TLSv1}
	co.Fallback = true
	_, err := dial(app, port, co)
	var ae *ssl.AlertError
	if !errors.As(err, &ae) || ae.Desc != record.AlertInappropriateFallback || !ae.Remote {
		t.Fatalf("our server: want a received inappropriate_fallback, got %v", err)
	}
	if r := nextServed(t, res); r.err == nil || !strings.Contains(r.err.Error(), "inappropriate_fallback") {
		t.Fatalf("our server side: %v", r.err)
	}
	// Without fallback, the same client is served at 1.1.
	co.Fallback = false
	sock, err := dial(app, port, co)
	if err != nil {
		t.Fatal(err)
	}
	sock.Close()
	nextServed(t, res)
	// With fallback at the server's highest version: fine.
	co.Fallback, co.Versions = true, all
	if sock, err = dial(app, port, co); err != nil {
		t.Fatalf("fallback at the top version: %v", err)
	}
	sock.Close()
	nextServed(t, res)

	// crypto/tls implements RFC 7507 too.
	cfg := goServerConfig(p, s)
	cfg.MinVersion = tls.VersionTLS10
	gport, _ := goServer(t, cfg)
	co.Versions = []ssl.Version{ssl.TLSv1}
	_, err = dial(app, gport, co)
	if !errors.As(err, &ae) || ae.Desc != record.AlertInappropriateFallback {
		t.Fatalf("crypto/tls: want inappropriate_fallback, got %v", err)
	}
	bad := serverOpts(p.ECDSA, s)
	bad.Fallback = true
	var oe *ssl.OptionError
	if _, err := app.Listen("127.0.0.1:0", bad); !errors.As(err, &oe) || oe.Option != "fallback" {
		t.Errorf("fallback on a server: %v", err)
	}
}

// TestDowngradeSentinel: a man in the middle rewrites the ClientHello's
// version from TLS 1.2 to 1.0. Our server, which supports 1.2, answers 1.0
// with DOWNGRD\x00 at the end of its random (RFC 8446 §4.1.3), and our
// client, which offered 1.2, refuses with illegal_parameter. crypto/tls as
// the client detects our sentinel the same way.
func TestDowngradeSentinel(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	app := startApp(t)
	s := handshake.SuiteByOpenSSLName("ECDHE-ECDSA-AES128-SHA")
	so := serverOpts(p.ECDSA, s)
	so.Versions = []ssl.Version{ssl.TLSv1_2, ssl.TLSv1}
	port, _ := ourServer(t, app, so, 0)
	mitm := downgradeProxy(t, port)

	co := clientOpts(p, s)
	co.Versions = []ssl.Version{ssl.TLSv1_2, ssl.TLSv1}
	_, err := dial(app, mitm, co)
	var ae *ssl.AlertError
	if !errors.As(err, &ae) || ae.Desc != record.AlertIllegalParameter || ae.Remote {
		t.Fatalf("our client: want illegal_parameter, got %v", err)
	}
	if !strings.Contains(err.Error(), "downgrade") {
		t.Errorf("reason: %v", err)
	}

	cfg := goClientConfig(p, s)
	cfg.MinVersion = tls.VersionTLS10
	d := &net.Dialer{Timeout: hsTimeout}
	_, err = tls.DialWithDialer(d, "tcp", net.JoinHostPort("127.0.0.1", itoa(mitm)), cfg)
	if err == nil || !strings.Contains(err.Error(), "downgrade") {
		t.Fatalf("crypto/tls client: want a downgrade error, got %v", err)
	}
}

// downgradeProxy forwards connections to port, rewriting the first
// record's ClientHello client_version to TLS 1.0.
func downgradeProxy(t testing.TB, port int) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				up, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", itoa(port)))
				if err != nil {
					return
				}
				defer up.Close()
				var hdr [9 + 2]byte // record header, handshake header, client_version
				if _, err := io.ReadFull(c, hdr[:]); err != nil {
					return
				}
				hdr[9], hdr[10] = 3, 1
				if _, err := up.Write(hdr[:]); err != nil {
					return
				}
				go func() { _, _ = io.Copy(c, up); c.Close() }()
				_, _ = io.Copy(up, c)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestSSL3OwnSides runs SSL 3.0, which no installed peer speaks any more
// (OpenSSL 3 and GnuTLS 3.7 are built without it; OTP 25 dropped it), between
// our own client and server for each SSL 3.0 cipher, with a client
// certificate so that the SSL 3.0 CertificateVerify is exercised. The
// record MAC, key derivation and Finished have known-answer tests in
// record/ and handshake/.
func TestSSL3OwnSides(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	app := startApp(t)
	data := payload(100<<10, false, 43)
	for _, n := range []string{"AES128-SHA", "AES256-SHA", "DES-CBC3-SHA", "DES-CBC-SHA", "RC4-SHA", "RC4-MD5"} {
		t.Run(n, func(t *testing.T) {
			s := handshake.SuiteByOpenSSLName(n)
			so := vServerOpts(p, s, ssl.SSLv3)
			so.Verify, so.CACertFile, so.FailIfNoPeerCert = ssl.VerifyPeer, p.CAFile, true
			port, res := ourServer(t, app, so, 0)
			co := vClientOpts(p, s, ssl.SSLv3)
			p.Client.Options(&co)
			sock, err := dial(app, port, co)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			info, _ := sock.ConnectionInformation()
			checkVInfo(t, info, ssl.SSLv3, s)
			echoThrough(t, sock, data)
			sock.Close()
			r := nextServed(t, res)
			if r.err != nil {
				t.Fatalf("our server: %v", r.err)
			}
			checkVInfo(t, r.info, ssl.SSLv3, s)
			if len(r.peerCert) == 0 {
				t.Error("server saw no client certificate")
			}
		})
	}
	// An SSL 3.0 client without a certificate answers a CertificateRequest
	// with the no_certificate warning: accepted unless
	// fail_if_no_peer_cert, which refuses it.
	t.Run("no_certificate", func(t *testing.T) {
		s := handshake.SuiteByOpenSSLName("AES128-SHA")
		for _, fail := range []bool{false, true} {
			so := vServerOpts(p, s, ssl.SSLv3)
			so.Verify, so.CACertFile, so.FailIfNoPeerCert = ssl.VerifyPeer, p.CAFile, fail
			port, res := ourServer(t, app, so, 0)
			sock, err := dial(app, port, vClientOpts(p, s, ssl.SSLv3))
			if fail {
				r := nextServed(t, res)
				if err == nil || r.err == nil {
					t.Fatalf("fail_if_no_peer_cert: client err %v, server err %v; want both to fail", err, r.err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("client: %v", err)
			}
			echoThrough(t, sock, data[:1000])
			sock.Close()
			r := nextServed(t, res)
			if r.err != nil {
				t.Fatalf("server: %v", r.err)
			}
			if len(r.peerCert) != 0 {
				t.Error("server reports a client certificate")
			}
		}
	})
	// SSL 3.0 is never used unless named: a default client and an
	// SSL 3.0-only server do not meet.
	s := handshake.SuiteByOpenSSLName("AES128-SHA")
	port, _ := ourServer(t, app, vServerOpts(p, s, ssl.SSLv3), 0)
	co := clientOpts(p, s)
	co.Versions = nil
	if _, err := dial(app, port, co); err == nil {
		t.Fatal("default client negotiated SSL 3.0")
	}
	// crypto/tls refuses SSL 3.0 servers: it must fail cleanly.
	cfg := goClientConfig(p, s)
	cfg.MinVersion = tls.VersionTLS10
	d := &net.Dialer{Timeout: hsTimeout}
	if c, err := tls.DialWithDialer(d, "tcp", net.JoinHostPort("127.0.0.1", itoa(port)), cfg); err == nil {
		c.Close()
		t.Fatal("crypto/tls reached an SSL 3.0-only server")
	}
}

// TestPaddingCheckOption: padding_check=false is accepted and still
// interoperates at TLS 1.0 (crypto/tls pads correctly); honor_cipher_order
// picks the server's order.
func TestPaddingCheckAndHonorOrder(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	app := startApp(t)
	s := handshake.SuiteByOpenSSLName("AES128-SHA")
	off := false
	so := vServerOpts(p, s, ssl.TLSv1)
	so.PaddingCheck = &off
	port, res := ourServer(t, app, so, 0)
	cfg := goClientConfig(p, s)
	cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS10, tls.VersionTLS10
	c := goDial(t, port, cfg)
	goEchoConn(t, c, payload(5000, false, 44))
	c.Close()
	if r := nextServed(t, res); r.err != nil {
		t.Fatal(r.err)
	}

	// honor_cipher_order: the client prefers AES128-SHA, the server
	// AES256-SHA; with the option the server's choice wins.
	for _, honor := range []bool{false, true} {
		so := serverOpts(p.RSA, nil)
		so.CipherString = "AES256-SHA:AES128-SHA"
		so.HonorCipherOrder = honor
		port, res := ourServer(t, app, so, 0)
		cfg := goClientConfig(p, s)
		cfg.CipherSuites = []uint16{0x002f, 0x0035}
		cfg.PreferServerCipherSuites = false
		c := goDial(t, port, cfg)
		got := c.ConnectionState().CipherSuite
		c.Close()
		nextServed(t, res)
		want := uint16(0x002f)
		if honor {
			want = 0x0035
		}
		if got != want {
			t.Errorf("honor_cipher_order=%v: got %04x want %04x", honor, got, want)
		}
	}
}

// TestVersionsOpenSSL: TLS 1.0 and 1.1 against openssl s_server/s_client
// (OpenSSL 3 needs @SECLEVEL=0 below TLS 1.2; it has no RC4 or DES).
func TestVersionsOpenSSL(t *testing.T) {
	t.Parallel()
	bin := needPeer(t, "openssl")
	p := testPKI(t)
	app := startApp(t)
	data := payload(20<<10, false, 45)
	flag := map[ssl.Version]string{ssl.TLSv1: "-tls1", ssl.TLSv1_1: "-tls1_1"}
	proto := map[ssl.Version]string{ssl.TLSv1: "TLSv1", ssl.TLSv1_1: "TLSv1.1"}
	for _, v := range []ssl.Version{ssl.TLSv1, ssl.TLSv1_1} {
		for _, n := range []string{"ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "AES256-SHA"} {
			c := versionCase{v, n}
			t.Run(c.name(), func(t *testing.T) {
				s := c.s(t)
				t.Run("our_client", func(t *testing.T) {
					l := p.serverLeaf(s)
					srv := startProc(t, bin, []string{"s_server", "-accept", "127.0.0.1:0", "-naccept", "1", flag[v],
						"-cipher", n + ":@SECLEVEL=0", "-cert", l.CertFile, "-key", l.KeyFile}, procOpts{})
					m := srv.waitFor(t, acceptRe, peerReady)
					port, _ := strconv.Atoi(m[1])
					sock, err := dial(app, port, vClientOpts(p, s, v))
					if err != nil {
						t.Fatalf("Connect: %v\n%s", err, srv.tail())
					}
					info, _ := sock.ConnectionInformation()
					checkVInfo(t, info, v, s)
					if err := sock.Send(data); err != nil {
						t.Fatal(err)
					}
					sock.Close()
					if err := srv.wait(t, ioTimeout); err != nil {
						t.Fatalf("s_server: %v\n%s", err, srv.tail())
					}
					if out := srv.Stdout(); !bytes.Contains(out, data) || !bytes.Contains(out, []byte("CIPHER is "+n+"\n")) {
						t.Errorf("s_server did not get the data or report %s\n%s", n, srv.tail())
					}
				})
				t.Run("their_client", func(t *testing.T) {
					port, res := ourServer(t, app, vServerOpts(p, s, v), int64(len(data)))
					cl := startProc(t, bin, []string{"s_client", "-connect", "127.0.0.1:" + strconv.Itoa(port), flag[v],
						"-cipher", n + ":@SECLEVEL=0", "-CAfile", p.CAFile, "-verify_return_error",
						"-servername", "localhost", "-brief", "-ign_eof"}, procOpts{stdin: openFile(t, writeFile(t, "in", data))})
					if err := cl.wait(t, ioTimeout); err != nil {
						t.Fatalf("s_client: %v\n%s", err, cl.tail())
					}
					r := nextServed(t, res)
					if r.err != nil {
						t.Fatalf("our server: %v", r.err)
					}
					checkVInfo(t, r.info, v, s)
					if errOut := string(cl.Stderr()); !strings.Contains(errOut, "Protocol version: "+proto[v]+"\n") {
						t.Errorf("s_client did not report %s\n%s", proto[v], cl.tail())
					}
					if !bytes.Equal(cl.Stdout(), data) {
						t.Errorf("s_client received %d bytes, want %d", len(cl.Stdout()), len(data))
					}
				})
			})
		}
	}
	// Fallback SCSV against OpenSSL: it refuses a 1.1 fallback when it has 1.2.
	s := handshake.SuiteByOpenSSLName("ECDHE-ECDSA-AES128-SHA")
	l := p.serverLeaf(s)
	srv := startProc(t, bin, []string{"s_server", "-accept", "127.0.0.1:0", "-naccept", "1",
		"-cipher", s.OpenSSLName + ":@SECLEVEL=0", "-cert", l.CertFile, "-key", l.KeyFile}, procOpts{})
	m := srv.waitFor(t, acceptRe, peerReady)
	port, _ := strconv.Atoi(m[1])
	co := vClientOpts(p, s, ssl.TLSv1_1)
	co.Fallback = true
	_, err := dial(app, port, co)
	var ae *ssl.AlertError
	if !errors.As(err, &ae) || ae.Desc != record.AlertInappropriateFallback {
		t.Errorf("openssl: want inappropriate_fallback, got %v", err)
	}
}

// gnutlsVersionPriority pins one version and one suite, legacy ciphers
// included (GnuTLS still has ARCFOUR-128 and 3DES-CBC).
func gnutlsVersionPriority(s *handshake.Suite, v ssl.Version) string {
	kx, c, m := gnutlsNames(s)
	switch s.Cipher {
	case handshake.RC4128:
		c = "ARCFOUR-128"
	case handshake.TripleDESEDECBC:
		c = "3DES-CBC"
	}
	if s.MAC == handshake.MACMD5 {
		m = "MD5"
	}
	vers := map[ssl.Version]string{ssl.TLSv1: "TLS1.0", ssl.TLSv1_1: "TLS1.1", ssl.TLSv1_2: "TLS1.2"}[v]
	return "NORMAL:-VERS-ALL:+VERS-" + vers + ":-CIPHER-ALL:+" + c + ":-MAC-ALL:+" + m + ":-KX-ALL:+" + kx + ":%VERIFY_ALLOW_SIGN_WITH_SHA1"
}

// TestVersionsGnuTLS: TLS 1.0/1.1 and RC4/3DES against gnutls-serv and
// gnutls-cli.
func TestVersionsGnuTLS(t *testing.T) {
	t.Parallel()
	serv := needPeer(t, "gnutls-serv")
	cli := needPeer(t, "gnutls-cli")
	stdbuf := needPeer(t, "stdbuf")
	p := testPKI(t)
	app := startApp(t)
	data := payload(20<<10, true, 46) // text: gnutls-serv --echo is line-oriented
	cases := []versionCase{
		{ssl.TLSv1, "ECDHE-RSA-AES128-SHA"}, {ssl.TLSv1_1, "ECDHE-ECDSA-AES256-SHA"}, {ssl.TLSv1_1, "AES128-SHA"},
		{ssl.TLSv1, "DES-CBC3-SHA"}, {ssl.TLSv1_2, "DES-CBC3-SHA"}, {ssl.TLSv1_1, "ECDHE-RSA-DES-CBC3-SHA"},
		{ssl.TLSv1, "RC4-SHA"}, {ssl.TLSv1_2, "RC4-MD5"}, {ssl.TLSv1_1, "ECDHE-ECDSA-RC4-SHA"},
	}
	gv := map[ssl.Version]string{ssl.TLSv1: "TLS1.0", ssl.TLSv1_1: "TLS1.1", ssl.TLSv1_2: "TLS1.2"}
	for _, c := range cases {
		t.Run(c.name(), func(t *testing.T) {
			s := c.s(t)
			prio := gnutlsVersionPriority(s, c.v)
			t.Run("our_client", func(t *testing.T) {
				l := p.serverLeaf(s)
				srv := startProc(t, stdbuf, []string{"-oL", serv, "--port", "0", "--echo", "--crlf", "--priority", prio,
					"--x509certfile", l.CertFile, "--x509keyfile", l.KeyFile}, procOpts{stderrMax: 64 << 10})
				srv.waitFor(t, gnutlsListening, peerReady)
				port := listenPort(t, srv.cmd.Process.Pid)
				sock, err := dial(app, port, vClientOpts(p, s, c.v))
				if err != nil {
					t.Fatalf("Connect: %v\n%s", err, srv.tail())
				}
				info, _ := sock.ConnectionInformation()
				checkVInfo(t, info, c.v, s)
				echoThrough(t, sock, data)
				sock.Close()
				if out := string(srv.Stdout()); !strings.Contains(out, "- Version: "+gv[c.v]+"\n") {
					t.Errorf("gnutls-serv did not report %s\n%s", gv[c.v], srv.tail())
				}
			})
			t.Run("their_client", func(t *testing.T) {
				port, res := ourServer(t, app, vServerOpts(p, s, c.v), int64(len(data)))
				cl := startProc(t, cli, []string{"--priority", prio, "--x509cafile", p.CAFile,
					"--sni-hostname", "localhost", "--verify-hostname", "localhost",
					"--port", strconv.Itoa(port), "127.0.0.1"}, procOpts{})
				go func() { _, _ = cl.stdin.Write(data) }()
				if err := cl.wait(t, ioTimeout); err != nil {
					t.Fatalf("gnutls-cli: %v\n%s", err, cl.tail())
				}
				r := nextServed(t, res)
				if r.err != nil {
					t.Fatalf("our server: %v", r.err)
				}
				checkVInfo(t, r.info, c.v, s)
				out := cl.Stdout()
				if !regexp.MustCompile(`- Description: \(` + regexp.QuoteMeta(gv[c.v]) + `-`).Match(out) {
					t.Errorf("gnutls-cli did not describe a %s session\n%s", gv[c.v], cl.tail())
				}
				if !bytes.Contains(out, data) {
					t.Errorf("gnutls-cli did not receive the echo")
				}
			})
		})
	}
}

// erlVersionScript is an Erlang peer for one connection at one version:
//
//	server Cert Key Version Suite   prints "listening Port", then
//	                                "accepted Protocol Suite" and echoes.
//	client Ca Port Version Suite    connects, echoes "hello", prints
//	                                "ok Protocol Suite" or "fail Reason".
const erlVersionScript = `#!/usr/bin/env escript
-mode(compile).
main(["server", Cert, Key, V, Suite]) ->
    {ok, _} = application:ensure_all_started(ssl),
    {ok, L} = ssl:listen(0, [binary, {active, false}, {ip, {127,0,0,1}}, {versions, [list_to_atom(V)]},
                             {ciphers, [Suite]}, {certfile, Cert}, {keyfile, Key}]),
    {ok, {_, Port}} = ssl:sockname(L),
    io:format("listening ~w~n", [Port]),
    {ok, T} = ssl:transport_accept(L),
    case ssl:handshake(T, 20000) of
        {ok, S} ->
            {ok, I} = ssl:connection_information(S, [protocol, selected_cipher_suite]),
            io:format("accepted ~s ~s~n", [proplists:get_value(protocol, I),
                ssl:suite_to_openssl_str(proplists:get_value(selected_cipher_suite, I))]),
            {ok, D} = ssl:recv(S, 0, 20000), ok = ssl:send(S, D), ssl:close(S);
        Err -> io:format("fail ~0p~n", [Err])
    end;
main(["client", Ca, Port, V, Suite]) ->
    {ok, _} = application:ensure_all_started(ssl),
    case ssl:connect("localhost", list_to_integer(Port), [binary, {active, false}, {versions, [list_to_atom(V)]},
            {ciphers, [Suite]}, {verify, verify_peer}, {cacertfile, Ca}], 20000) of
        {ok, S} ->
            {ok, I} = ssl:connection_information(S, [protocol, selected_cipher_suite]),
            ok = ssl:send(S, <<"hello">>), {ok, <<"hello">>} = ssl:recv(S, 5, 20000),
            io:format("ok ~s ~s~n", [proplists:get_value(protocol, I),
                ssl:suite_to_openssl_str(proplists:get_value(selected_cipher_suite, I))]),
            ssl:close(S);
        Err -> io:format("fail ~0p~n", [Err])
    end.
`

// TestVersionsErlang: TLS 1.0 and 1.1 against Erlang's ssl, both ways.
func TestVersionsErlang(t *testing.T) {
	t.Parallel()
	bin := needPeer(t, "escript")
	p := testPKI(t)
	app := startApp(t)
	script := writeFile(t, "erl_versions.escript", []byte(erlVersionScript))
	// Only ECDSA suites: before TLS 1.2 Erlang's server insists that the
	// certificate is signed with the algorithm of its key (RFC 4492 §2.2,
	// RFC 2246 §7.4.2), and the test PKI's RSA leaf has an ECDSA issuer.
	for _, c := range []versionCase{{ssl.TLSv1, "ECDHE-ECDSA-AES128-SHA"}, {ssl.TLSv1_1, "ECDHE-ECDSA-AES256-SHA"}} {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			s := c.s(t)
			t.Run("our_client", func(t *testing.T) {
				l := p.serverLeaf(s)
				srv := startProc(t, bin, []string{script, "server", l.CertFile, l.KeyFile, c.v.String(), c.suite}, procOpts{})
				m := srv.waitFor(t, erlListening, peerReady)
				port, _ := strconv.Atoi(m[1])
				sock, err := dial(app, port, vClientOpts(p, s, c.v))
				if err != nil {
					t.Fatalf("Connect: %v\n%s", err, srv.tail())
				}
				info, _ := sock.ConnectionInformation()
				checkVInfo(t, info, c.v, s)
				echoThrough(t, sock, []byte("ping from go"))
				sock.Close()
				srv.waitFor(t, regexp.MustCompile(`accepted `+regexp.QuoteMeta(c.v.String())+` `+regexp.QuoteMeta(c.suite)+`\n`), ioTimeout)
			})
			t.Run("their_client", func(t *testing.T) {
				port, res := ourServer(t, app, vServerOpts(p, s, c.v), 0)
				cl := startProc(t, bin, []string{script, "client", p.CAFile, strconv.Itoa(port), c.v.String(), c.suite}, procOpts{})
				if err := cl.wait(t, ioTimeout); err != nil {
					t.Fatalf("erl client: %v\n%s", err, cl.tail())
				}
				if want := "ok " + c.v.String() + " " + c.suite + "\n"; !strings.Contains(string(cl.Stdout()), want) {
					t.Errorf("erl client: %q, want %q", cl.Stdout(), want)
				}
				r := nextServed(t, res)
				if r.err != nil {
					t.Fatalf("our server: %v", r.err)
				}
				checkVInfo(t, r.info, c.v, s)
			})
		})
	}
}
