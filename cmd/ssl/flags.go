// Shared flag handling: versions, ciphers, verify and certificate options.
package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/erlang-ssl-go/ssl"
)

// tlsFlags are the flags server and client share.
type tlsFlags struct {
	certfile, keyfile, cacertfile, verify, versions, ciphers, password string

	kex    kexFlags // kexflags.go
	server bool     // set by the server command before apply
}

func (t *tlsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&t.certfile, "certfile", "", "PEM certificate (chain) file")
	fs.StringVar(&t.keyfile, "keyfile", "", "PEM private key file (default: certfile)")
	fs.StringVar(&t.password, "password", "", "password of an encrypted key")
	fs.StringVar(&t.cacertfile, "cacertfile", "", "PEM file of trusted CA certificates")
	fs.StringVar(&t.verify, "verify", "", "none | peer")
	fs.StringVar(&t.versions, "versions", "", "comma-separated: tlsv1.2,tlsv1.1,tlsv1")
	fs.StringVar(&t.ciphers, "ciphers", "", "OpenSSL-style suite names separated by colons")
	t.kex.register(fs)
}

// apply fills the ssl options the flags name.
func (t *tlsFlags) apply(o *ssl.Options) error {
	o.CertFile, o.KeyFile, o.CACertFile, o.Password = t.certfile, t.keyfile, t.cacertfile, t.password
	switch t.verify {
	case "":
	case "none", "verify_none":
		o.Verify = ssl.VerifyNone
	case "peer", "verify_peer":
		o.Verify = ssl.VerifyPeer
	default:
		return fmt.Errorf("-verify: want none or peer, got %q", t.verify)
	}
	if t.versions != "" {
		vs, err := parseVersions(t.versions)
		if err != nil {
			return err
		}
		o.Versions = vs
	}
	o.CipherString = t.ciphers
	return t.kex.apply(o, t.server)
}

func parseVersions(s string) ([]ssl.Version, error) {
	var out []ssl.Version
	for _, name := range strings.Split(s, ",") {
		switch strings.Trim(strings.TrimSpace(name), "'") {
		case "tlsv1.2":
			out = append(out, ssl.TLSv1_2)
		case "tlsv1.1":
			out = append(out, ssl.TLSv1_1)
		case "tlsv1":
			out = append(out, ssl.TLSv1)
		case "sslv3":
			out = append(out, ssl.SSLv3)
		default:
			return nil, fmt.Errorf("-versions: unknown version %q (tlsv1.2, tlsv1.1, tlsv1, sslv3)", name)
		}
	}
	return out, nil
}

func describe(sock *ssl.Socket) string {
	info, err := sock.ConnectionInformation()
	if err != nil {
		return "connection information: " + ssl.FormatError(err)
	}
	return fmt.Sprintf("protocol=%s cipher=%s suite=%s", info.Protocol, info.CipherSuite.OpenSSLName, info.CipherSuite.ErlangName())
}
