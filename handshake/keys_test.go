// keys_test.go tests encrypted private keys (PBES2 PKCS#8 and legacy PEM
// encryption) and DSA keys against files made by the openssl command line,
// plus fuzz targets for the key decoders.
package handshake

import (
	"bytes"
	"crypto"
	"crypto/dsa" //nolint:staticcheck // testing DSA support
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// opensslKit runs the openssl command in a temporary directory.
type opensslKit struct {
	t   *testing.T
	dir string
	bin string
}

func newOpenSSL(t *testing.T) *opensslKit {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	return &opensslKit{t: t, dir: t.TempDir(), bin: bin}
}

// run runs openssl with args (file names relative to the kit's directory)
// and returns stdout.
func (k *opensslKit) run(args ...string) []byte {
	k.t.Helper()
	cmd := exec.Command(k.bin, args...)
	cmd.Dir = k.dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		k.t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

func (k *opensslKit) read(name string) []byte {
	k.t.Helper()
	b, err := os.ReadFile(filepath.Join(k.dir, name))
	if err != nil {
		k.t.Fatal(err)
	}
	return b
}

// certDER makes a self-signed certificate for the key in keyFile.
func (k *opensslKit) certDER(keyFile, pass string) []byte {
	k.t.Helper()
	args := []string{"req", "-x509", "-new", "-key", keyFile, "-subj", "/CN=test", "-days", "2", "-sha256", "-outform", "DER"}
	if pass != "" {
		args = append(args, "-passin", "pass:"+pass)
	}
	return k.run(args...)
}

func TestEncryptedKeysFromOpenSSL(t *testing.T) {
	k := newOpenSSL(t)
	const pw = "s3cret pass"
	k.run("genrsa", "-out", "rsa.pem", "2048")
	k.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem")
	rsaCert := k.certDER("rsa.pem", "")
	ecCert := k.certDER("ec.pem", "")
	plainRSA, err := ParsePrivateKeyPEM(k.read("rsa.pem"), nil)
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		args []string
		cert []byte
	}{
		{"pkcs8 v2 aes-256-cbc", []string{"pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "rsa.pem"}, rsaCert},
		{"pkcs8 v2 aes-128-cbc hmacWithSHA1", []string{"pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1", "-in", "rsa.pem"}, rsaCert},
		{"pkcs8 v2 aes-192-cbc hmacWithSHA512", []string{"pkcs8", "-topk8", "-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA512", "-in", "ec.pem"}, ecCert},
		{"pkcs8 v2 des3", []string{"pkcs8", "-topk8", "-v2", "des3", "-in", "rsa.pem"}, rsaCert},
		{"genpkey -aes256", []string{"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-aes256"}, nil},
		{"legacy rsa -aes128", []string{"rsa", "-in", "rsa.pem", "-aes128", "-traditional"}, rsaCert},
		{"legacy ec -des3", []string{"ec", "-in", "ec.pem", "-des3"}, ecCert},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append(append([]string{}, c.args...), "-passout", "pass:"+pw)
			if c.args[0] == "genpkey" {
				args = append(append([]string{}, c.args...), "-pass", "pass:"+pw)
			}
			enc := k.run(args...)
			if c.name == "legacy rsa -aes128" && !bytes.Contains(enc, []byte("Proc-Type: 4,ENCRYPTED")) {
				t.Fatalf("openssl did not write the legacy form:\n%s", enc)
			}
			if strings.HasPrefix(c.name, "pkcs8") && !bytes.Contains(enc, []byte("ENCRYPTED PRIVATE KEY")) {
				t.Fatalf("openssl did not write encrypted PKCS#8:\n%s", enc)
			}
			cert := c.cert
			if cert == nil {
				if err := os.WriteFile(filepath.Join(k.dir, "gen.pem"), enc, 0o600); err != nil {
					t.Fatal(err)
				}
				cert = k.certDER("gen.pem", pw)
			}
			key, err := ParsePrivateKeyPEM(enc, []byte(pw))
			if err != nil {
				t.Fatalf("right password: %v", err)
			}
			if _, err := NewCertChain([][]byte{cert}, key); err != nil {
				t.Fatalf("key vs its certificate: %v", err)
			}
			if c.cert != nil && bytes.Equal(cert, rsaCert) && !key.(*rsa.PrivateKey).Equal(plainRSA) {
				t.Fatal("decrypted a different key")
			}
			if _, err := ParsePrivateKeyPEM(enc, nil); !errors.Is(err, ErrKeyPasswordProtected) {
				t.Fatalf("no password: %v", err)
			}
			for _, wrong := range []string{"s3cret pasS", "x", strings.Repeat("p", 100)} {
				_, err := ParsePrivateKeyPEM(enc, []byte(wrong))
				if !errors.Is(err, ErrWrongPassword) {
					t.Fatalf("wrong password %q: %v", wrong, err)
				}
				if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), wrong) {
					t.Fatalf("password in error: %v", err)
				}
			}
			// Mismatch: an encrypted key against another key's certificate.
			other := rsaCert
			if bytes.Equal(cert, rsaCert) {
				other = ecCert
			}
			if _, err := NewCertChain([][]byte{other}, key); !errors.Is(err, ErrKeyMismatch) {
				t.Fatalf("mismatch: %v", err)
			}
		})
	}

	// Old PBES1 / PKCS#12 schemes: a clear "unsupported" error.
	enc := k.run("pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", "rsa.pem", "-passout", "pass:"+pw)
	if _, err := ParsePrivateKeyPEM(enc, []byte(pw)); !errors.Is(err, ErrKeyEncryptionUnsupported) {
		t.Fatalf("PBES1: %v", err)
	}
	// An unencrypted key ignores the password, as the manual says.
	if _, err := ParsePrivateKeyPEM(k.read("rsa.pem"), []byte("unused")); err != nil {
		t.Fatalf("password on a clear key: %v", err)
	}
}

func TestDSAKeysFromOpenSSL(t *testing.T) {
	k := newOpenSSL(t)
	k.run("dsaparam", "-genkey", "-out", "dsa.pem", "1024") // PKCS#8 "PRIVATE KEY" after "DSA PARAMETERS"
	k.run("pkey", "-in", "dsa.pem", "-traditional", "-out", "dsa-trad.pem")
	k.run("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "dsa.pem", "-out", "dsa-enc.pem", "-passout", "pass:pw")
	k.run("pkey", "-in", "dsa.pem", "-traditional", "-aes128", "-out", "dsa-legacy.pem", "-passout", "pass:pw")
	k.run("dsaparam", "-genkey", "-out", "dsa2.pem", "1024")
	cert := k.certDER("dsa.pem", "")
	k.run("dsa", "-in", "dsa.pem", "-pubout", "-out", "dsa-pub.pem")

	if !bytes.Contains(k.read("dsa-trad.pem"), []byte("BEGIN DSA PRIVATE KEY")) {
		t.Fatal("openssl did not write DSA PRIVATE KEY")
	}
	var keys []*DSAKey
	for _, f := range []struct{ name, pw string }{{"dsa.pem", ""}, {"dsa-trad.pem", ""}, {"dsa-enc.pem", "pw"}, {"dsa-legacy.pem", "pw"}} {
		s, err := ParsePrivateKeyPEM(k.read(f.name), []byte(f.pw))
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		dk, ok := s.(*DSAKey)
		if !ok {
			t.Fatalf("%s: got %T", f.name, s)
		}
		if _, ok := dk.Public().(*dsa.PublicKey); !ok {
			t.Fatalf("%s: Public is %T", f.name, dk.Public())
		}
		if _, err := NewCertChain([][]byte{cert}, s); err != nil {
			t.Fatalf("%s vs its certificate: %v", f.name, err)
		}
		keys = append(keys, dk)
		if f.pw != "" {
			if _, err := ParsePrivateKeyPEM(k.read(f.name), []byte("nope")); !errors.Is(err, ErrWrongPassword) {
				t.Fatalf("%s wrong password: %v", f.name, err)
			}
		}
	}
	for _, dk := range keys[1:] {
		if dk.Key.X.Cmp(keys[0].Key.X) != 0 {
			t.Fatal("the forms decoded to different keys")
		}
	}
	// Erlang's {key, {'DSAPrivateKey', DER}}.
	blk, _ := pem.Decode(k.read("dsa-trad.pem"))
	if s, err := ParsePrivateKeyDER("DSAPrivateKey", blk.Bytes); err != nil || s.(*DSAKey).Key.X.Cmp(keys[0].Key.X) != 0 {
		t.Fatalf("DSAPrivateKey DER: %v", err)
	}
	if _, err := ParsePrivateKeyDER("DSAPrivateKey", blk.Bytes[:len(blk.Bytes)-1]); err == nil {
		t.Fatal("truncated DSA key accepted")
	}
	// Another DSA key does not match the certificate.
	other, err := ParsePrivateKeyPEM(k.read("dsa2.pem"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewCertChain([][]byte{cert}, other); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("mismatch: %v", err)
	}

	// Signing: our signature verifies with crypto/dsa and with openssl.
	digest := sha256.Sum256([]byte("server key exchange params"))
	sig, err := keys[0].Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cert)
	if err != nil {
		t.Fatal(err)
	}
	pub := leaf.PublicKey.(*dsa.PublicKey)
	if !VerifyDSA(pub, digest[:], sig) {
		t.Fatal("signature does not verify")
	}
	if VerifyDSA(pub, digest[1:], sig) || VerifyDSA(pub, digest[:], sig[:len(sig)-1]) {
		t.Fatal("bad signature verified")
	}
	q := (pub.Q.BitLen() + 7) / 8
	if err := os.WriteFile(filepath.Join(k.dir, "digest"), digest[:q], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(k.dir, "sig"), sig, 0o600); err != nil {
		t.Fatal(err)
	}
	if out := k.run("pkeyutl", "-verify", "-pubin", "-inkey", "dsa-pub.pem", "-in", "digest", "-sigfile", "sig"); !bytes.Contains(out, []byte("Success")) {
		t.Fatalf("openssl verify: %s", out)
	}
	// A DSA key never matches an RSA or EC certificate.
	ec, err := SelfSigned(nil, "", rand.Reader, leaf.NotBefore)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewCertChain(ec.DER, keys[0]); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("DSA key vs EC cert: %v", err)
	}
	if _, err := NewCertChain([][]byte{cert}, ec.Key.(*ecdsa.PrivateKey)); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("EC key vs DSA cert: %v", err)
	}
}

func TestUnpadPKCS7(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		n    int
		good bool
	}{
		{[]byte{1, 2, 3, 4, 5, 6, 7, 1}, 7, true},
		{[]byte{1, 2, 3, 4, 4, 4, 4, 4}, 4, true},
		{[]byte{8, 8, 8, 8, 8, 8, 8, 8}, 0, true},
		{[]byte{1, 2, 3, 4, 5, 6, 7, 0}, 0, false},
		{[]byte{1, 2, 3, 4, 5, 6, 7, 9}, 0, false},
		{[]byte{1, 2, 3, 4, 3, 4, 4, 4}, 0, false},
	} {
		n, ok := unpadPKCS7(c.in, 8)
		if ok != c.good || (ok && n != c.n) {
			t.Errorf("%v: %d %v", c.in, n, ok)
		}
	}
}

// Hand-built PBES2 parameters: the decoder rejects what it must.
func TestPBES2ParamsRejects(t *testing.T) {
	good := pbes2DER(t, []byte("saltsalt"), 2048, oidHMACSHA256, oidAES256CBC, make([]byte, 16))
	if _, _, err := parseEncryptedPKCS8(good); err != nil {
		t.Fatalf("good: %v", err)
	}
	for name, der := range map[string][]byte{
		"too many iterations": pbes2DER(t, []byte("s"), MaxPBKDF2Iterations+1, oidHMACSHA256, oidAES256CBC, make([]byte, 16)),
		"zero iterations":     pbes2DER(t, []byte("s"), 0, oidHMACSHA256, oidAES256CBC, make([]byte, 16)),
		"short IV":            pbes2DER(t, []byte("s"), 1, oidHMACSHA256, oidAES256CBC, make([]byte, 8)),
		"unknown cipher":      pbes2DER(t, []byte("s"), 1, oidHMACSHA256, oidPBKDF2, make([]byte, 16)),
		"unknown prf":         pbes2DER(t, []byte("s"), 1, oidAES128CBC, oidAES256CBC, make([]byte, 16)),
		"trailing":            append(append([]byte{}, good...), 0),
		"empty":               nil,
	} {
		if _, _, err := parseEncryptedPKCS8(der); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if _, err := DecryptPKCS8(good, []byte("pw")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("garbage ciphertext: %v", err)
	}
}

// pbes2DER builds an EncryptedPrivateKeyInfo with a 32-byte ciphertext.
func pbes2DER(t testing.TB, salt []byte, iter int, prf, enc asn1.ObjectIdentifier, iv []byte) []byte {
	t.Helper()
	type algID struct {
		Alg    asn1.ObjectIdentifier
		Params any
	}
	type kdfParams struct {
		Salt []byte
		Iter int
		PRF  algID
	}
	type pbes2 struct {
		KDF algID
		Enc algID
	}
	type epki struct {
		Algo algID
		Data []byte
	}
	v := epki{
		Algo: algID{oidPBES2, pbes2{
			KDF: algID{oidPBKDF2, kdfParams{salt, iter, algID{prf, asn1.NullRawValue}}},
			Enc: algID{enc, iv},
		}},
		Data: make([]byte, 32),
	}
	der, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func FuzzParseEncryptedPKCS8(f *testing.F) {
	f.Add(pbes2DER(f, []byte("saltsalt"), 2048, oidHMACSHA256, oidAES256CBC, make([]byte, 16)))
	f.Add(pbes2DER(f, []byte("s"), 7, oidHMACSHA1, oidDESEDE3CBC, make([]byte, 8)))
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		p, data, err := parseEncryptedPKCS8(der)
		if err != nil {
			return
		}
		if p.iter < 1 || p.iter > MaxPBKDF2Iterations || p.keyLen == 0 || len(data) > len(der) {
			t.Fatalf("accepted bad params %+v", p)
		}
		if p.iter <= 4096 {
			_, _ = DecryptPKCS8(der, []byte("pw"))
		}
	})
}

func FuzzParseDSAKey(f *testing.F) {
	// A small valid key: p = 2q+1 style is not valid DSA, so seed with
	// structure only; the fuzzer mutates from there.
	f.Add([]byte{0x30, 0x0f, 0x02, 0x01, 0x00, 0x02, 0x01, 0x17, 0x02, 0x01, 0x0b, 0x02, 0x01, 0x04, 0x02, 0x01, 0x02})
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		if k, err := ParsePrivateKeyDER("DSAPrivateKey", der); err == nil {
			if k.(*DSAKey).Key.P.BitLen() > maxDSAPBits {
				t.Fatal("oversized key accepted")
			}
		}
		_, _ = ParsePrivateKeyDER("PrivateKeyInfo", der)
	})
}
