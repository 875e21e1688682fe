// prf_test.go tests the PRFs against published vectors, the transcript, and
// the whole key schedule against real crypto/tls handshakes (key log,
// premaster recovered with our RSA decryption, Finished records decrypted
// with our keys).
package handshake

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl/record"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Vectors from the IETF TLS WG list (msg03416, P_SHA256/P_SHA384) and the
// TLS 1.0 PRF vector as published with BearSSL's and other test suites.
func TestPRFVectors(t *testing.T) {
	out := make([]byte, 100)
	PRF12(sha256.New, unhex(t, "9bbe436ba940f017b17652849a71db35"), []byte("test label"),
		unhex(t, "a0ba9f936cda311827a6f796ffd5198c"), out)
	want := unhex(t, "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"+
		"6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"+
		"4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"+
		"87347b66")
	if !bytes.Equal(out, want) {
		t.Errorf("P_SHA256:\n got %x\nwant %x", out, want)
	}

	want = unhex(t, "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f")
	out = make([]byte, len(want))
	PRF12(sha512.New384, unhex(t, "b80b733d6ceefcdc71566ea48e5567df"), []byte("test label"),
		unhex(t, "cd665cf6a8447dd6ff8b27555edb7465"), out)
	if !bytes.Equal(out, want) {
		t.Errorf("P_SHA384:\n got %x\nwant %x", out, want)
	}

	want = unhex(t, "d3d4d1e349b5d515044666d51de32bab258cb521b6b053463e354832fd976754443bcf9a296519bc289abcbc1187e4ebd31e602353776c408aafb74cbc85eff69255f9788faa184cbb957a9819d84a5d7eb006eb459d3ae8de9810454b8b2d8f1afbc655a8c9a013")
	out = make([]byte, len(want))
	PRF10(bytes.Repeat([]byte{0xab}, 48), []byte("PRF Testvector"), bytes.Repeat([]byte{0xcd}, 64), out)
	if !bytes.Equal(out, want) {
		t.Errorf("TLS 1.0 PRF:\n got %x\nwant %x", out, want)
	}

	// A shorter output is a prefix of a longer one.
	short := make([]byte, 7)
	PRF10(bytes.Repeat([]byte{0xab}, 48), []byte("PRF Testvector"), bytes.Repeat([]byte{0xcd}, 64), short)
	if !bytes.Equal(short, want[:7]) {
		t.Error("PRF10 prefix")
	}
}

func TestTranscript(t *testing.T) {
	s := SuiteByOpenSSLName("ECDHE-RSA-AES256-GCM-SHA384")
	msgs := [][]byte{[]byte("client hello"), []byte("server hello"), []byte("certificate")}
	all := bytes.Join(msgs, nil)

	var tr Transcript
	tr.Write(msgs[0])
	// Before SetHash, Sum hashes the buffer.
	h := sha512.Sum384(msgs[0])
	if !bytes.Equal(tr.Sum(s, record.VersionTLS12), h[:]) {
		t.Error("sum before SetHash")
	}
	tr.DropBuffer() // no-op before SetHash
	tr.SetHash(s, record.VersionTLS12)
	tr.Write(msgs[1])
	tr.Write(msgs[2])
	h = sha512.Sum384(all)
	if !bytes.Equal(tr.Sum(s, record.VersionTLS12), h[:]) {
		t.Error("running sum")
	}
	if !bytes.Equal(tr.Buffered(), all) {
		t.Error("buffer")
	}
	// A different hash (e.g. for CertificateVerify) comes from the buffer.
	s256 := SuiteByOpenSSLName("ECDHE-RSA-AES128-GCM-SHA256")
	h2 := sha256.Sum256(all)
	if !bytes.Equal(tr.Sum(s256, record.VersionTLS12), h2[:]) {
		t.Error("sum with other hash")
	}
	tr.DropBuffer()
	if tr.Buffered() != nil || tr.Sum(s256, record.VersionTLS12) != nil {
		t.Error("buffer kept after DropBuffer")
	}
	tr.Write([]byte("more"))
	h = sha512.Sum384(append(all, "more"...))
	if !bytes.Equal(tr.Sum(s, record.VersionTLS12), h[:]) {
		t.Error("running sum after drop")
	}

	// TLS 1.0: MD5 || SHA-1.
	var old Transcript
	old.Write(all)
	old.SetHash(s256, record.VersionTLS10)
	mh := sum(md5.New(), all)
	sh := sha1.Sum(all)
	if got := old.Sum(s256, record.VersionTLS10); !bytes.Equal(got, append(mh, sh[:]...)) || len(got) != 36 {
		t.Error("legacy sum")
	}
	old.Reset()
	if old.Buffered() != nil {
		t.Error("reset")
	}
}

func sum(h hash.Hash, b []byte) []byte { h.Write(b); return h.Sum(nil) }

func TestDeriveKeysLayout(t *testing.T) {
	master := bytes.Repeat([]byte{1}, 48)
	cr, sr := bytes.Repeat([]byte{2}, 32), bytes.Repeat([]byte{3}, 32)
	for _, s := range AllSuites() {
		for _, v := range []Version{record.VersionTLS10, record.VersionTLS11, record.VersionTLS12} {
			if !s.SupportsVersion(v) {
				continue
			}
			kb := DeriveKeys(s, v, master, cr, sr)
			ivl := s.IVLen
			if !s.AEAD() && v >= record.VersionTLS11 {
				ivl = 0
			}
			if len(kb.ClientMAC) != s.MACLen || len(kb.ServerMAC) != s.MACLen || len(kb.ClientKey) != s.KeyLen ||
				len(kb.ServerKey) != s.KeyLen || len(kb.ClientIV) != ivl || len(kb.ServerIV) != ivl {
				t.Errorf("%s %v: bad lengths", s.Name, v)
			}
			// The block is cut in RFC 5246 §6.3 order.
			n := 2*s.MACLen + 2*s.KeyLen + 2*ivl
			blk := make([]byte, n)
			s.PRF(v)(master, []byte("key expansion"), append(append([]byte{}, sr...), cr...), blk)
			joined := bytes.Join([][]byte{kb.ClientMAC, kb.ServerMAC, kb.ClientKey, kb.ServerKey, kb.ClientIV, kb.ServerIV}, nil)
			if !bytes.Equal(joined, blk) {
				t.Errorf("%s %v: key block order", s.Name, v)
			}
		}
	}
}

// recConn records what passes through a net.Conn in each direction.
type recConn struct {
	net.Conn
	mu          sync.Mutex
	read, wrote bytes.Buffer
}

func (c *recConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.read.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

func (c *recConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.wrote.Write(p)
	c.mu.Unlock()
	return c.Conn.Write(p)
}

type rec struct {
	typ     byte
	payload []byte
}

func splitRecords(t *testing.T, b []byte) []rec {
	var out []rec
	for len(b) > 0 {
		if len(b) < 5 {
			t.Fatalf("truncated record header")
		}
		n := int(binary.BigEndian.Uint16(b[3:5]))
		out = append(out, rec{b[0], b[5 : 5+n]})
		b = b[5+n:]
	}
	return out
}

// flights returns the handshake messages before ChangeCipherSpec and the
// first encrypted record after it.
func flights(t *testing.T, b []byte) (msgs [][]byte, encFinished []byte) {
	var hs []byte
	recs := splitRecords(t, b)
	for i, r := range recs {
		if r.typ == 20 {
			if i+1 >= len(recs) {
				t.Fatal("no record after CCS")
			}
			encFinished = recs[i+1].payload
			break
		}
		if r.typ == 22 {
			hs = append(hs, r.payload...)
		}
	}
	for len(hs) > 0 {
		n := int(hs[1])<<16 | int(hs[2])<<8 | int(hs[3])
		msgs = append(msgs, hs[:4+n])
		hs = hs[4+n:]
	}
	return msgs, encFinished
}

// openFinished decrypts the first protected record (sequence 0) of a
// direction with our derived keys, independently of the record package.
func openFinished(t *testing.T, s *Suite, v Version, key, macKey, iv, payload []byte) []byte {
	t.Helper()
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	seqTypeVer := []byte{0, 0, 0, 0, 0, 0, 0, 0, 22, byte(v >> 8), byte(v)}
	if s.AEAD() {
		aead, _ := cipher.NewGCM(block)
		nonce := append(append([]byte{}, iv...), payload[:8]...)
		ct := payload[8:]
		ad := binary.BigEndian.AppendUint16(seqTypeVer, uint16(len(ct)-16))
		pt, err := aead.Open(nil, nonce, ct, ad)
		if err != nil {
			t.Fatalf("GCM open: %v", err)
		}
		return pt
	}
	if v >= record.VersionTLS11 {
		iv, payload = payload[:16], payload[16:]
	}
	pt := make([]byte, len(payload))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(pt, payload)
	pad := int(pt[len(pt)-1])
	pt = pt[:len(pt)-pad-1]
	mac := pt[len(pt)-s.MACLen:]
	pt = pt[:len(pt)-s.MACLen]
	newHash := map[MACAlg]func() hash.Hash{MACSHA1: sha1.New, MACSHA256: sha256.New, MACSHA384: sha512.New384}[s.MAC]
	m := hmac.New(newHash, macKey)
	m.Write(binary.BigEndian.AppendUint16(seqTypeVer, uint16(len(pt))))
	m.Write(pt)
	if !hmac.Equal(m.Sum(nil), mac) {
		t.Fatal("CBC record MAC mismatch")
	}
	return pt
}

// TestKeyScheduleAgainstCryptoTLS runs real crypto/tls handshakes with RSA
// key exchange, recovers the premaster from the wire with
// RSADecryptPremaster, and checks (extended) master secret against the NSS
// key log, then decrypts both Finished records with DeriveKeys' keys and
// compares them with FinishedData over our Transcript.
func TestKeyScheduleAgainstCryptoTLS(t *testing.T) {
	chain, err := SelfSigned([]string{"localhost"}, "rsa-2048", rand.Reader, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(chain.Leaf)
	cases := []struct {
		suite string
		v     Version
		ems   bool
	}{
		{"AES128-GCM-SHA256", record.VersionTLS12, true},
		{"AES256-GCM-SHA384", record.VersionTLS12, true},
		{"AES128-GCM-SHA256", record.VersionTLS12, false},
		{"AES128-SHA256", record.VersionTLS12, true},
		{"AES256-SHA", record.VersionTLS11, true},
		{"AES128-SHA", record.VersionTLS10, true},
		{"AES128-SHA", record.VersionTLS10, false},
	}
	for _, tc := range cases {
		s := SuiteByOpenSSLName(tc.suite)
		t.Run(fmt.Sprintf("%s/%v/ems=%v", tc.suite, tc.v, tc.ems), func(t *testing.T) {
			var keylog bytes.Buffer
			cc, sc := net.Pipe()
			rc := &recConn{Conn: cc}
			srv := tls.Server(sc, &tls.Config{
				Certificates:           []tls.Certificate{{Certificate: chain.DER, PrivateKey: chain.Key}},
				CipherSuites:           []uint16{s.ID},
				MinVersion:             uint16(tc.v),
				MaxVersion:             uint16(tc.v),
				SessionTicketsDisabled: true,
			})
			cli := tls.Client(rc, &tls.Config{
				RootCAs: pool, ServerName: "localhost", CipherSuites: []uint16{s.ID},
				MinVersion: uint16(tc.v), MaxVersion: uint16(tc.v), KeyLogWriter: &keylog,
			})
			var strip *stripEMS
			if !tc.ems {
				// crypto/tls has no switch for EMS; strip the extension
				// from the ClientHello on the wire instead.
				strip = &stripEMS{recConn: rc}
				rc2 := strip
				cli = tls.Client(rc2, &tls.Config{
					RootCAs: pool, ServerName: "localhost", CipherSuites: []uint16{s.ID},
					MinVersion: uint16(tc.v), MaxVersion: uint16(tc.v), KeyLogWriter: &keylog,
				})
			}
			errc := make(chan error, 1)
			go func() { errc <- srv.Handshake() }()
			if err := cli.Handshake(); err != nil && tc.ems {
				t.Fatal(err)
			}
			// Without EMS the server rejects the client's Finished (its
			// transcript has the altered ClientHello); the flights up to
			// the client's Finished are all we need then.
			cc.Close()
			<-errc

			rc.mu.Lock()
			cMsgs, cFin := flights(t, rc.wrote.Bytes())
			sMsgs, sFin := flights(t, rc.read.Bytes())
			rc.mu.Unlock()
			if len(cMsgs) != 2 || len(sMsgs) != 3 {
				t.Fatalf("flights: %d client, %d server messages", len(cMsgs), len(sMsgs))
			}
			ch, cke := cMsgs[0], cMsgs[1]
			clientRandom, serverRandom := ch[6:38], sMsgs[0][6:38]
			chVersion := Version(binary.BigEndian.Uint16(ch[4:6]))
			enc := cke[4:]
			if tc.v > record.VersionSSL30 {
				enc = enc[2:] // TLS: opaque <0..2^16-1>
			}
			pre := RSADecryptPremaster(chain.Key.(*rsa.PrivateKey), enc, chVersion, rand.Reader)

			var tr Transcript
			tr.Write(ch)
			tr.SetHash(s, tc.v)
			for _, m := range sMsgs {
				tr.Write(m)
			}
			tr.Write(cke)
			var master []byte
			if tc.ems {
				master = ExtendedMasterSecret(s, tc.v, pre, tr.Sum(s, tc.v))
			} else {
				master = MasterSecret(s, tc.v, pre, clientRandom, serverRandom)
			}
			line := fmt.Sprintf("CLIENT_RANDOM %x %x\n", clientRandom, master)
			if !strings.Contains(keylog.String(), line) {
				t.Fatalf("master secret mismatch:\nours %s\nlog  %s", line, keylog.String())
			}

			kb := DeriveKeys(s, tc.v, master, clientRandom, serverRandom)
			cpt := openFinished(t, s, tc.v, kb.ClientKey, kb.ClientMAC, kb.ClientIV, cFin)
			clientTr := &tr
			if strip != nil {
				// The client's Finished covers the ClientHello it wrote
				// before we stripped it.
				clientTr = &Transcript{}
				clientTr.Write(strip.orig)
				clientTr.SetHash(s, tc.v)
				for _, m := range sMsgs {
					clientTr.Write(m)
				}
				clientTr.Write(cke)
			}
			want := append([]byte{20, 0, 0, 12}, FinishedData(s, tc.v, master, true, clientTr.Sum(s, tc.v))...)
			if !bytes.Equal(cpt, want) {
				t.Fatalf("client Finished %x, want %x", cpt, want)
			}
			if strip != nil {
				return // the server rightly rejected the altered transcript
			}
			if sFin == nil {
				t.Fatal("no server Finished")
			}
			tr.Write(cpt)
			spt := openFinished(t, s, tc.v, kb.ServerKey, kb.ServerMAC, kb.ServerIV, sFin)

			// The record layer, keyed by NewCiphers, opens both Finished
			// records to the same plaintext.
			cw, sw, err := s.NewCiphers(kb, tc.v)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range []struct {
				c       record.Cipher
				payload []byte
				want    []byte
			}{{cw, cFin, cpt}, {sw, sFin, spt}} {
				var hc record.HalfConn
				hc.Version = tc.v
				hc.SetCipher(d.c)
				rec := append([]byte{22, byte(tc.v >> 8), byte(tc.v), byte(len(d.payload) >> 8), byte(len(d.payload))}, d.payload...)
				typ, pt, aerr := hc.Open(rec)
				if aerr != nil || typ != record.TypeHandshake || !bytes.Equal(pt, d.want) {
					t.Fatalf("record layer: %v %v %x", typ, aerr, pt)
				}
			}
			want = append([]byte{20, 0, 0, 12}, FinishedData(s, tc.v, master, false, tr.Sum(s, tc.v))...)
			if !bytes.Equal(spt, want) {
				t.Fatalf("server Finished %x, want %x", spt, want)
			}
		})
	}
}

// stripEMS removes the extended_master_secret extension from the first
// ClientHello written, so the server negotiates the RFC 5246 master secret.
type stripEMS struct {
	*recConn
	done bool
	orig []byte // the ClientHello message as crypto/tls wrote it
}

func (c *stripEMS) Write(p []byte) (int, error) {
	if c.done || len(p) < 5 || p[0] != 22 {
		return c.recConn.Write(p)
	}
	c.done = true
	c.orig = append([]byte{}, p[5:]...)
	q := removeExt(p, ExtExtendedMasterSecret)
	if _, err := c.recConn.Write(q); err != nil {
		return 0, err
	}
	return len(p), nil
}

// removeExt rewrites a one-record ClientHello without extension ext.
func removeExt(p []byte, ext uint16) []byte {
	body := p[5+4:]
	off := 2 + 32
	off += 1 + int(body[off])                           // session id
	off += 2 + int(binary.BigEndian.Uint16(body[off:])) // suites
	off += 1 + int(body[off])                           // compression
	extStart := off + 2
	var kept []byte
	for e := body[extStart:]; len(e) >= 4; {
		typ, n := binary.BigEndian.Uint16(e), int(binary.BigEndian.Uint16(e[2:]))
		if typ != ext {
			kept = append(kept, e[:4+n]...)
		}
		e = e[4+n:]
	}
	nb := append(append([]byte{}, body[:off]...), byte(len(kept)>>8), byte(len(kept)))
	nb = append(nb, kept...)
	msg := append([]byte{1, byte(len(nb) >> 16), byte(len(nb) >> 8), byte(len(nb))}, nb...)
	return append([]byte{22, p[1], p[2], byte(len(msg) >> 8), byte(len(msg))}, msg...)
}

var _ io.Writer = (*stripEMS)(nil)

// TestNewCiphersRoundTrip seals with one side's ciphers and opens with an
// independently built copy, for every suite and version, and checks that the
// directions use different keys.
func TestNewCiphersRoundTrip(t *testing.T) {
	master := bytes.Repeat([]byte{9}, 48)
	cr, sr := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	for _, s := range AllSuites() {
		for _, v := range []Version{record.VersionTLS10, record.VersionTLS11, record.VersionTLS12} {
			kb := DeriveKeys(s, v, master, cr, sr)
			if !s.SupportsVersion(v) {
				if _, _, err := s.NewCiphers(kb, v); err == nil {
					t.Errorf("%s at %v accepted", s.Name, v)
				}
				continue
			}
			cw, _, err := s.NewCiphers(kb, v)
			if err != nil {
				t.Fatalf("%s %v: %v", s.Name, v, err)
			}
			cw2, sw2, _ := s.NewCiphers(kb, v)
			var out, in, wrong record.HalfConn
			out.Version, in.Version, wrong.Version = v, v, v
			out.SetCipher(cw)
			in.SetCipher(cw2)
			wrong.SetCipher(sw2)
			rec, err := out.Seal(nil, record.TypeApplicationData, []byte("hello"))
			if err != nil {
				t.Fatal(err)
			}
			if _, pt, aerr := in.Open(bytes.Clone(rec)); aerr != nil || string(pt) != "hello" {
				t.Errorf("%s %v: %v", s.Name, v, aerr)
			}
			if _, _, aerr := wrong.Open(rec); aerr == nil {
				t.Errorf("%s %v: server key opened a client record", s.Name, v)
			}
		}
	}
}

// TestSSL3KeySchedule checks the SSL 3.0 master secret, key block (RFC 6101
// §6.1, §6.2.2), Finished (§5.6.9) and CertificateVerify digest (§5.6.8)
// against values computed independently with Python's hashlib from the
// RFC's formulas.
func TestSSL3KeySchedule(t *testing.T) {
	pre := append([]byte{3, 0}, seq(46, 0)...)
	cr, sr := seq(32, 0x20), seq(32, 0x40)
	s := SuiteByOpenSSLName("DES-CBC3-SHA")
	v := record.VersionSSL30
	ms := MasterSecret(s, v, pre, cr, sr)
	if got := hex.EncodeToString(ms); got != "cd688e4a9a327775287ffd5f17319b03cb9d8f1d195f9f99c429728076213e38353b56b876fd92a83b7345d68ea435c4" {
		t.Fatalf("master secret %s", got)
	}
	kb := DeriveKeys(s, v, ms, cr, sr)
	var all []byte
	for _, b := range [][]byte{kb.ClientMAC, kb.ServerMAC, kb.ClientKey, kb.ServerKey, kb.ClientIV, kb.ServerIV} {
		all = append(all, b...)
	}
	if got := hex.EncodeToString(all); got != "2801d773aae111c26f894db5c82d7e783e69e8b976470d899be259273539d2a13e36adaad823095bce4cd2322e9f119711d65ba11e77b3d2f9df78253bc85c9cffbe0434f45caca25996e314eac46481fa586061e92745696452a6b54f6a23667307a5a2f9c4c2fd" {
		t.Fatalf("key block %s", got)
	}
	if len(kb.ClientIV) != 8 || len(kb.ClientKey) != 24 || len(kb.ClientMAC) != 20 {
		t.Fatalf("key block cut %d %d %d", len(kb.ClientMAC), len(kb.ClientKey), len(kb.ClientIV))
	}
	if _, _, err := s.NewCiphers(kb, v); err != nil {
		t.Fatal(err)
	}
	for _, running := range []bool{false, true} {
		var tr Transcript
		tr.Write([]byte("handshake "))
		if running {
			tr.SetHash(s, v) // the running MD5/SHA-1 must give the same
		}
		tr.Write([]byte("messages"))
		if got := hex.EncodeToString(tr.Finished(s, v, ms, true)); got != "56b1c7f8152ec2fdf64ac2d75b18a1c9bee54d717b8adf04e51e87a829935022e14c22e5" {
			t.Fatalf("client finished %s (running %v)", got, running)
		}
		if got := hex.EncodeToString(tr.Finished(s, v, ms, false)); got != "262398e902dc6b49ba3dc476f94d6ebb5e8990ed348cfbd958c5e32ae4d57c1c8e1e0235" {
			t.Fatalf("server finished %s (running %v)", got, running)
		}
		if got := hex.EncodeToString(tr.ssl3Digest(ms, nil)); got != "ad6ab8e5554c4076f0bdca9a136b0ca601533cda62280c77d4ecf8f25160cde0cd59348e" {
			t.Fatalf("certificate verify digest %s", got)
		}
		// Finished does not disturb the running hashes.
		if a, b := tr.Finished(s, v, ms, true), tr.Finished(s, v, ms, true); !bytes.Equal(a, b) {
			t.Fatal("Finished changed the transcript")
		}
	}
	// TLS versions still go through the PRF.
	var tr Transcript
	tr.Write([]byte("x"))
	tr.SetHash(s, record.VersionTLS10)
	if got, want := tr.Finished(s, record.VersionTLS10, ms, true), FinishedData(s, record.VersionTLS10, ms, true, tr.Sum(s, record.VersionTLS10)); !bytes.Equal(got, want) {
		t.Fatal("TLS 1.0 Finished differs from FinishedData")
	}
}

// TestNewCiphersEveryCipher builds and round-trips record ciphers for
// every suite at every version it allows.
func TestNewCiphersEveryCipher(t *testing.T) {
	for _, s := range AllSuites() {
		for _, v := range []Version{record.VersionSSL30, record.VersionTLS10, record.VersionTLS11, record.VersionTLS12} {
			if !s.SupportsVersion(v) {
				continue
			}
			ms := seq(48, 1)
			kb := DeriveKeys(s, v, ms, seq(32, 2), seq(32, 3))
			cw, _, err := s.NewCiphers(kb, v)
			if err != nil {
				t.Fatalf("%s %v: %v", s.Name, v, err)
			}
			cw2, _, _ := s.NewCiphers(kb, v) // the server's copy of the client write keys
			w := &record.HalfConn{Version: v}
			r := &record.HalfConn{Version: v}
			w.SetCipher(cw)
			r.SetCipher(cw2)
			rec, err := w.Seal(nil, record.TypeApplicationData, []byte("ping over "+s.Name))
			if err != nil {
				t.Fatal(err)
			}
			if _, pt, aerr := r.Open(rec); aerr != nil || string(pt) != "ping over "+s.Name {
				t.Fatalf("%s %v: %v", s.Name, v, aerr)
			}
		}
	}
}
