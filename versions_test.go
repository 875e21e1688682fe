// versions_test.go tests the versions, ciphers, fallback and padding_check
// options, the protocol_version application default and CipherSuites.
package ssl

import (
	"strings"
	"testing"

	"github.com/erlang-ssl-go/ssl/connection"
	"github.com/erlang-ssl-go/ssl/handshake"
)

func TestProtocolVersionDefault(t *testing.T) {
	if _, err := StartWith(StartOptions{ProtocolVersions: []Version{0x0200}}); err == nil {
		t.Fatal("bad protocol_version accepted")
	}
	app, err := StartWith(StartOptions{ProtocolVersions: []Version{TLSv1, TLSv1_1}})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	cfg, err := app.defaults(Options{Verify: VerifyNone}).resolve(connection.Client, "h", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Versions) != 2 || cfg.Versions[0] != TLSv1_1 || cfg.Versions[1] != TLSv1 {
		t.Fatalf("versions from the application default: %v", cfg.Versions)
	}
	for _, s := range cfg.Suites {
		if !s.SupportsVersion(TLSv1) && !s.SupportsVersion(TLSv1_1) {
			t.Errorf("suite %s fits no enabled version", s.Name)
		}
	}
	// Options.Versions overrides the application default.
	cfg, err = app.defaults(Options{Verify: VerifyNone, Versions: []Version{SSLv3, TLSv1_2}}).resolve(connection.Client, "h", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Versions) != 2 || cfg.Versions[0] != TLSv1_2 || cfg.Versions[1] != SSLv3 {
		t.Fatalf("explicit versions: %v", cfg.Versions)
	}
	// Without either: TLS 1.2 only.
	cfg, _ = (&Options{Verify: VerifyNone}).resolve(connection.Client, "h", nil)
	if len(cfg.Versions) != 1 || cfg.Versions[0] != TLSv1_2 {
		t.Fatalf("default versions: %v", cfg.Versions)
	}
}

func TestFallbackAndPaddingCheckOptions(t *testing.T) {
	off, on := false, true
	for _, c := range []struct {
		o        Options
		fallback bool
		noCheck  bool
	}{
		{Options{Verify: VerifyNone}, false, false},
		{Options{Verify: VerifyNone, Fallback: true}, true, false},
		{Options{Verify: VerifyNone, PaddingCheck: &off}, false, true},
		{Options{Verify: VerifyNone, PaddingCheck: &on}, false, false},
	} {
		cfg, err := c.o.resolve(connection.Client, "h", nil)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Fallback != c.fallback || cfg.NoPaddingCheck != c.noCheck {
			t.Errorf("%+v: fallback %v noPaddingCheck %v", c.o, cfg.Fallback, cfg.NoPaddingCheck)
		}
	}
}

func TestCiphersOption(t *testing.T) {
	// Defaults never include the legacy, RSA key transport, anonymous,
	// PSK or SRP suites; named ones are used as given.
	cfg, err := (&Options{Verify: VerifyNone, Versions: []Version{TLSv1_2, TLSv1}}).resolve(connection.Client, "h", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range cfg.Suites {
		if s.Legacy() || s.KeyExchange == handshake.KXRSA || !s.Default {
			t.Errorf("default suite %s", s.Name)
		}
	}
	o := Options{Verify: VerifyNone, Versions: []Version{TLSv1}, Ciphers: []CipherSuite{
		Suite("rsa", "rc4_128", "md5"), Suite("rsa", "3des_ede_cbc", "sha", "default_prf"),
		Suite("ecdhe_rsa", "aes_128_gcm", "aead", "sha256"), // TLS 1.2 only: dropped
	}}
	cfg, err = o.resolve(connection.Client, "h", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Suites) != 2 || cfg.Suites[0].OpenSSLName != "RC4-MD5" || cfg.Suites[1].OpenSSLName != "DES-CBC3-SHA" {
		t.Fatalf("suites %v", cfg.Suites)
	}
	o = Options{Verify: VerifyNone, CipherString: "ECDHE-RSA-AES128-GCM-SHA256:{rsa,aes_256_cbc,sha}"}
	if cfg, err = o.resolve(connection.Client, "h", nil); err != nil || len(cfg.Suites) != 2 || cfg.Suites[1].OpenSSLName != "AES256-SHA" {
		t.Fatalf("cipher string: %v %v", cfg, err)
	}
	o = Options{Verify: VerifyNone, CipherString: "AES128-SHA:RC4-FOO"}
	_, err = o.resolve(connection.Client, "h", nil)
	if oe, ok := err.(*OptionError); !ok || oe.Option != "ciphers" || !strings.Contains(oe.Reason, "RC4-FOO") {
		t.Fatalf("unknown name: %v", err)
	}
}

func TestCipherSuitesKinds(t *testing.T) {
	erl, _ := CipherSuites()
	ossl, _ := CipherSuites("openssl")
	all, _ := CipherSuites("all")
	if len(erl) == 0 || len(erl) != len(ossl) || len(all) <= len(erl) {
		t.Fatalf("erlang %d openssl %d all %d", len(erl), len(ossl), len(all))
	}
	if erl[0] != "{ecdhe_ecdsa,aes_128_gcm,aead,sha256}" || ossl[0] != "ECDHE-ECDSA-AES128-GCM-SHA256" {
		t.Errorf("heads %s %s", erl[0], ossl[0])
	}
	in := func(list []string, x string) bool {
		for _, s := range list {
			if s == x {
				return true
			}
		}
		return false
	}
	for _, legacy := range []string{"{rsa,rc4_128,md5,default_prf}", "{rsa,3des_ede_cbc,sha,default_prf}", "{rsa,des_cbc,sha,default_prf}", "{rsa,aes_128_cbc,sha,default_prf}"} {
		if in(erl, legacy) || !in(all, legacy) {
			t.Errorf("%s: in erlang %v, in all %v", legacy, in(erl, legacy), in(all, legacy))
		}
	}
	if _, err := CipherSuites("bogus"); err == nil {
		t.Error("unknown kind accepted")
	}
	if s := Suite("ecdhe_rsa", "aes_128_gcm", "aead", "sha256"); s == nil || s.OpenSSLName != "ECDHE-RSA-AES128-GCM-SHA256" {
		t.Errorf("Suite: %v", s)
	}
	if Suite("ecdhe_rsa", "rot13", "aead") != nil {
		t.Error("unknown suite found")
	}
	v := Versions()
	if len(v.Supported) != 1 || v.Supported[0] != TLSv1_2 || len(v.Available) != 4 {
		t.Errorf("versions %+v", v)
	}
}
