// hostile_kex_test.go sends hostile key-exchange values to our server and
// our client, one family at a time: bad DH and ECDH public values, unknown
// PSK identities and SRP users, SRP values ≡ 0 mod N, bad RSA pre-master
// secrets (which must not be told apart from a bad Finished), small DH
// groups, and a client offering only suites the server has disabled. Each
// must end in the right alert on the wire and an error to the caller.
package test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
	"github.com/erlang-ssl-go/ssl/record"
)

// kexRawClient drives a handshake by hand up to ServerHelloDone.
type kexRawClient struct {
	c       net.Conn
	ch      *handshake.ClientHello
	sh      *handshake.ServerHello
	leafPub any
	ske     []byte
	buf     []byte
}

func kexDialRaw(t *testing.T, addr string, suite *handshake.Suite, srpUser string) *kexRawClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	r := &kexRawClient{c: c}
	r.ch = &handshake.ClientHello{
		Version:            record.VersionTLS12,
		CipherSuites:       []uint16{suite.ID},
		CompressionMethods: []uint8{0},
		SupportedCurves:    []handshake.CurveID{handshake.CurveP256, handshake.CurveX25519},
		SupportedPoints:    []uint8{0},
		SignatureSchemes:   handshake.DefaultSignatureSchemes,
		SRPUser:            srpUser,
	}
	_, _ = rand.Read(r.ch.Random[:])
	r.write(t, record.TypeHandshake, r.ch.Marshal())
	return r
}

func (r *kexRawClient) write(t *testing.T, typ record.ContentType, b []byte) {
	t.Helper()
	if _, err := r.c.Write(hostileRecord(typ, record.VersionTLS12, b)); err != nil {
		t.Fatal(err)
	}
}

// readFlight reads the server's first flight; it returns an alert instead
// if one comes.
func (r *kexRawClient) readFlight(t *testing.T) (alert record.AlertDescription, got bool) {
	t.Helper()
	_ = r.c.SetReadDeadline(time.Now().Add(sockWait))
	var hdr [record.HeaderLen]byte
	for {
		rec, err := record.ReadRecord(r.c, &hdr)
		if err != nil {
			t.Fatalf("reading the server flight: %v", err)
		}
		body := append([]byte(nil), rec[record.HeaderLen:]...)
		typ := record.ContentType(rec[0])
		record.PutBuffer(rec)
		if typ == record.TypeAlert {
			_, d, _ := record.ParseAlert(body)
			return d, true
		}
		r.buf = append(r.buf, body...)
		for len(r.buf) >= 4 {
			n := int(r.buf[1])<<16 | int(r.buf[2])<<8 | int(r.buf[3])
			if len(r.buf) < 4+n {
				break
			}
			raw := r.buf[:4+n]
			r.buf = r.buf[4+n:]
			m, aerr := handshake.ParseMessage(raw, record.VersionTLS12)
			if aerr != nil {
				t.Fatalf("server message: %v", aerr)
			}
			switch m := m.(type) {
			case *handshake.ServerHello:
				r.sh = m
			case *handshake.Certificate:
				if leaf, err := parseLeaf(m.Certificates[0]); err == nil {
					r.leafPub = leaf
				}
			case *handshake.ServerKeyExchange:
				r.ske = m.Key
			case *handshake.ServerHelloDone:
				return 0, false
			}
		}
	}
}

// finishGarbage sends ClientKeyExchange, ChangeCipherSpec and a Finished
// record the server cannot decrypt.
func (r *kexRawClient) finishGarbage(t *testing.T, cke []byte) {
	t.Helper()
	r.write(t, record.TypeHandshake, hostileHandshakeMsg(16, cke))
	r.write(t, record.TypeChangeCipherSpec, []byte{1})
	junk := make([]byte, 40)
	_, _ = rand.Read(junk)
	r.write(t, record.TypeHandshake, junk)
}

type kexHostileCase struct {
	name    string
	suite   string
	srpUser string
	// cke returns the ClientKeyExchange body; nil: the server must fail on
	// the ClientHello already. garbage: also send CCS and a bad Finished.
	cke     func(t *testing.T, r *kexRawClient) []byte
	garbage bool
	want    record.AlertDescription
}

func dhCKE(y func(p *big.Int) []byte) func(t *testing.T, r *kexRawClient) []byte {
	return func(t *testing.T, r *kexRawClient) []byte {
		p, aerr := handshake.ParseDHEParams(r.ske, record.VersionTLS12)
		if aerr != nil {
			t.Fatal(aerr)
		}
		return handshake.NewDHEClientKeyExchange(y(new(big.Int).SetBytes(p.P))).Body
	}
}

var offCurveP256 = append([]byte{4}, make([]byte, 64)...)

func rsaCKE(mutate func(pre []byte) []byte) func(t *testing.T, r *kexRawClient) []byte {
	return func(t *testing.T, r *kexRawClient) []byte {
		pub := r.leafPub.(*rsa.PublicKey)
		pre := make([]byte, 48)
		_, _ = rand.Read(pre)
		pre[0], pre[1] = 3, 3
		enc, err := rsa.EncryptPKCS1v15(rand.Reader, pub, mutate(pre))
		if err != nil {
			t.Fatal(err)
		}
		return handshake.NewRSAClientKeyExchange(enc, record.VersionTLS12).Body
	}
}

func kexHostileServerCases() []kexHostileCase {
	one := func(*big.Int) []byte { return []byte{1} }
	return []kexHostileCase{
		{name: "dhe_y_zero", suite: "DHE-RSA-AES128-GCM-SHA256", cke: dhCKE(func(*big.Int) []byte { return []byte{0} }), want: record.AlertIllegalParameter},
		{name: "dhe_y_one", suite: "DHE-RSA-AES128-GCM-SHA256", cke: dhCKE(one), want: record.AlertIllegalParameter},
		{name: "dhe_y_p_minus_1", suite: "DHE-RSA-AES128-GCM-SHA256", cke: dhCKE(func(p *big.Int) []byte { return new(big.Int).Sub(p, big.NewInt(1)).Bytes() }), want: record.AlertIllegalParameter},
		{name: "dhe_y_p", suite: "DHE-RSA-AES128-GCM-SHA256", cke: dhCKE(func(p *big.Int) []byte { return p.Bytes() }), want: record.AlertIllegalParameter},
		{name: "dh_anon_y_one", suite: "ADH-AES128-GCM-SHA256", cke: func(t *testing.T, r *kexRawClient) []byte {
			return handshake.NewDHEClientKeyExchange([]byte{1}).Body
		}, want: record.AlertIllegalParameter},
		{name: "ecdhe_off_curve", suite: "ECDHE-RSA-AES128-GCM-SHA256", cke: func(t *testing.T, r *kexRawClient) []byte {
			p, _ := handshake.ParseECDHEParams(r.ske, record.VersionTLS12)
			if p.Curve == handshake.CurveX25519 {
				return handshake.NewECDHEClientKeyExchange(make([]byte, 32)).Body // all-zero result
			}
			return handshake.NewECDHEClientKeyExchange(offCurveP256).Body
		}, want: record.AlertIllegalParameter},
		{name: "ecdh_anon_off_curve", suite: "AECDH-AES128-SHA", cke: func(t *testing.T, r *kexRawClient) []byte {
			return handshake.NewECDHEClientKeyExchange(append([]byte{4}, make([]byte, 10)...)).Body
		}, want: record.AlertIllegalParameter},
		{name: "ecdh_ecdsa_off_curve", suite: "ECDH-ECDSA-AES128-SHA", cke: func(t *testing.T, r *kexRawClient) []byte {
			return handshake.NewECDHEClientKeyExchange(offCurveP256).Body
		}, want: record.AlertIllegalParameter},
		{name: "psk_unknown_identity", suite: "PSK-AES128-GCM-SHA256", cke: func(t *testing.T, r *kexRawClient) []byte {
			return handshake.NewPSKClientKeyExchange([]byte("mallory"), nil, handshake.KXPSK).Body
		}, want: record.AlertUnknownPSKIdentity},
		{name: "dhe_psk_y_one", suite: "DHE-PSK-AES128-GCM-SHA256", cke: func(t *testing.T, r *kexRawClient) []byte {
			return handshake.NewPSKClientKeyExchange([]byte(kexPSKIdentity), []byte{1}, handshake.KXDHEPSK).Body
		}, want: record.AlertIllegalParameter},
		{name: "srp_unknown_user", suite: "SRP-AES-128-CBC-SHA", srpUser: "mallory", want: record.AlertUnknownPSKIdentity},
		{name: "srp_A_zero", suite: "SRP-AES-128-CBC-SHA", srpUser: kexSRPUser, cke: func(t *testing.T, r *kexRawClient) []byte {
			return handshake.NewSRPClientKeyExchange([]byte{0}).Body
		}, want: record.AlertIllegalParameter},
		{name: "srp_A_N", suite: "SRP-AES-128-CBC-SHA", srpUser: kexSRPUser, cke: func(t *testing.T, r *kexRawClient) []byte {
			p, _ := handshake.ParseSRPServerKeyExchange(r.ske, record.VersionTLS12, false)
			return handshake.NewSRPClientKeyExchange(p.N).Body
		}, want: record.AlertIllegalParameter},
		// RSA: a wrong version, a wrong length and a well-formed secret all
		// end the same way, at Finished (RFC 5246 §7.4.7.1).
		{name: "rsa_premaster_ok_bad_finished", suite: "AES128-GCM-SHA256", cke: rsaCKE(func(p []byte) []byte { return p }), garbage: true, want: record.AlertBadRecordMAC},
		{name: "rsa_premaster_wrong_version", suite: "AES128-GCM-SHA256", cke: rsaCKE(func(p []byte) []byte { p[0], p[1] = 3, 1; return p }), garbage: true, want: record.AlertBadRecordMAC},
		{name: "rsa_premaster_wrong_length", suite: "AES128-GCM-SHA256", cke: rsaCKE(func(p []byte) []byte { return p[:47] }), garbage: true, want: record.AlertBadRecordMAC},
	}
}

func parseLeaf(der []byte) (any, error) {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return c.PublicKey, nil
}

// TestHostileKexToServer runs each case against our server, configured
// with every suite of the case's family and the test credentials.
func TestHostileKexToServer(t *testing.T) {
	app := startApp(t)
	for _, tc := range kexHostileServerCases() {
		t.Run(tc.name, func(t *testing.T) {
			s := handshake.SuiteByOpenSSLName(tc.suite)
			o := kexServerOpts(t, s)
			if s.KeyExchange == handshake.KXRSA || s.KeyExchange == handshake.KXECDHERSA {
				testPKI(t).RSA.Options(&o)
			}
			ls, err := app.Listen("127.0.0.1:0", o)
			if err != nil {
				t.Fatal(err)
			}
			defer ls.Close()
			res := hostileAcceptOne(app, ls)
			r := kexDialRaw(t, ls.Addr().String(), s, tc.srpUser)
			alert, early := r.readFlight(t)
			if tc.cke == nil {
				if !early || alert != tc.want {
					t.Fatalf("alert after client_hello: %v (early %v), want %v", alert, early, tc.want)
				}
			} else {
				if early {
					t.Fatalf("server alerted %v before client_key_exchange", alert)
				}
				if tc.garbage {
					r.finishGarbage(t, tc.cke(t, r))
				} else {
					r.write(t, record.TypeHandshake, hostileHandshakeMsg(16, tc.cke(t, r)))
				}
				_, d, err := hostileReadAlert(r.c)
				if err != nil || d != tc.want {
					t.Fatalf("alert %v (%v), want %v", d, err, tc.want)
				}
			}
			var herr error
			select {
			case herr = <-res:
			case <-time.After(sockWait):
				t.Fatal("Handshake did not return")
			}
			var ae *ssl.AlertError
			if !errors.As(herr, &ae) || ae.Desc != tc.want || ae.Remote {
				t.Fatalf("caller got %v, want our %v alert", herr, tc.want)
			}
		})
	}
}

// TestHostileKexOnlyDisabledSuites: a client offering only suites the
// server does not enable gets handshake_failure.
func TestHostileKexOnlyDisabledSuites(t *testing.T) {
	app := startApp(t)
	o := serverOpts(testPKI(t).RSA, handshake.SuiteByOpenSSLName("ECDHE-RSA-AES128-GCM-SHA256"))
	o.CipherString = "" // the defaults: no anonymous, PSK or SRP suite
	port, res := ourServer(t, app, o, 0)
	for _, name := range []string{"ADH-AES128-GCM-SHA256", "PSK-AES128-GCM-SHA256", "SRP-AES-128-CBC-SHA"} {
		s := handshake.SuiteByOpenSSLName(name)
		_, err := dial(app, port, kexClientOpts(s, testPKI(t).CAFile))
		var ae *ssl.AlertError
		if !errors.As(err, &ae) || ae.Desc != record.AlertHandshakeFailure || !ae.Remote {
			t.Errorf("%s: client got %v, want the peer's handshake_failure", name, err)
		}
		r := nextServed(t, res)
		if !errors.As(r.err, &ae) || ae.Desc != record.AlertHandshakeFailure || ae.Remote {
			t.Errorf("%s: server got %v, want our handshake_failure", name, r.err)
		}
	}
}

// kexFakeServer answers one ClientHello with ServerHello, the given
// ServerKeyExchange body and ServerHelloDone, then reads our alert.
func kexFakeServer(t *testing.T, suite *handshake.Suite, ske []byte) (addr string, alert <-chan record.AlertDescription) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	out := make(chan record.AlertDescription, 1)
	go func() {
		defer close(out)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		var hdr [record.HeaderLen]byte
		_ = c.SetReadDeadline(time.Now().Add(sockWait))
		if rec, err := record.ReadRecord(c, &hdr); err == nil {
			record.PutBuffer(rec)
		} else {
			return
		}
		sh := &handshake.ServerHello{Version: record.VersionTLS12, CipherSuite: suite.ID}
		_, _ = rand.Read(sh.Random[:])
		flight := append(sh.Marshal(), (&handshake.ServerKeyExchange{Key: ske}).Marshal()...)
		flight = append(flight, (&handshake.ServerHelloDone{}).Marshal()...)
		_, _ = c.Write(hostileRecord(record.TypeHandshake, record.VersionTLS12, flight))
		if _, d, err := hostileReadAlert(c); err == nil {
			out <- d
		}
	}()
	return ln.Addr().String(), out
}

// TestHostileKexToClient: servers sending bad DH groups and values, bad
// ECDH points and SRP B ≡ 0 mod N.
func TestHostileKexToClient(t *testing.T) {
	app := startApp(t)
	ffdhe := handshake.FFDHE2048()
	pm1 := new(big.Int).Sub(ffdhe.P, big.NewInt(1)).Bytes()
	small := new(big.Int).SetBytes(append([]byte{0xc0}, make([]byte, 62)...))
	small.SetBit(small, 0, 1)
	srpN := handshake.SRPGroupByName("srp_2048").N.Bytes()
	srpSKE := func(b []byte) []byte {
		var out []byte
		add16 := func(x []byte) { out = append(out, byte(len(x)>>8), byte(len(x))); out = append(out, x...) }
		add16(srpN)
		add16([]byte{2})
		out = append(out, 4, 1, 2, 3, 4)
		add16(b)
		return out
	}
	cases := []struct {
		name  string
		suite string
		ske   []byte
		want  record.AlertDescription
	}{
		{"dh_group_512_bits", "ADH-AES128-GCM-SHA256", handshake.MarshalDHEParams(small.Bytes(), []byte{2}, []byte{5}), record.AlertInsufficientSecurity},
		{"dh_ys_one", "ADH-AES128-GCM-SHA256", handshake.MarshalDHEParams(ffdhe.P.Bytes(), []byte{2}, []byte{1}), record.AlertIllegalParameter},
		{"dh_ys_p_minus_1", "ADH-AES128-GCM-SHA256", handshake.MarshalDHEParams(ffdhe.P.Bytes(), []byte{2}, pm1), record.AlertIllegalParameter},
		{"dh_g_one", "ADH-AES128-GCM-SHA256", handshake.MarshalDHEParams(ffdhe.P.Bytes(), []byte{1}, []byte{5}), record.AlertIllegalParameter},
		{"ecdh_anon_off_curve", "AECDH-AES128-SHA", handshake.MarshalECDHEParams(handshake.CurveP256, offCurveP256), record.AlertIllegalParameter},
		{"srp_b_zero", "SRP-AES-128-CBC-SHA", srpSKE([]byte{0}), record.AlertIllegalParameter},
		{"srp_b_n", "SRP-AES-128-CBC-SHA", srpSKE(srpN), record.AlertIllegalParameter},
		{"srp_unknown_group", "SRP-AES-128-CBC-SHA", func() []byte { s := srpSKE([]byte{7}); s[5] ^= 0x10; return s }(), record.AlertInsufficientSecurity},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := handshake.SuiteByOpenSSLName(tc.suite)
			addr, alert := kexFakeServer(t, s, tc.ske)
			port := atoiT(t, addr[len("127.0.0.1:"):])
			o := kexClientOpts(s, testPKI(t).CAFile)
			o.DisableSNI = true
			o.ServerNameIndication = ""
			_, err := dial(app, port, o)
			var ae *ssl.AlertError
			if !errors.As(err, &ae) || ae.Desc != tc.want || ae.Remote {
				t.Fatalf("client got %v, want our %v", err, tc.want)
			}
			if d, ok := <-alert; !ok || d != tc.want {
				t.Fatalf("alert on the wire %v (%v), want %v", d, ok, tc.want)
			}
		})
	}
}
