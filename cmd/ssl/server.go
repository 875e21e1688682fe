// The server command: a TLS echo server.
package main

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
)

func runServer(args []string) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address HOST:PORT (port 0 picks one)")
	failNoCert := fs.Bool("fail-if-no-peer-cert", false, "with -verify peer: refuse clients without a certificate")
	keyType := fs.String("keytype", "ecdsa-p256", "self-signed key when no -certfile: ecdsa-p256 | rsa-2048")
	var tf tlsFlags
	tf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := ssl.Options{FailIfNoPeerCert: *failNoCert}
	tf.server = true
	if err := tf.apply(&opts); err != nil {
		return err
	}
	if opts.CertFile == "" {
		if err := selfSigned(&opts, *keyType, os.Stdout); err != nil {
			return err
		}
	}
	app, err := ssl.Start()
	if err != nil {
		return err
	}
	defer app.Stop()
	ls, err := app.Listen(*addr, opts)
	if err != nil {
		return err
	}
	fmt.Printf("listening on %s\n", ls.Addr())
	for {
		p, err := ls.TransportAccept(0)
		if err != nil {
			return err
		}
		go serveEcho(app, p)
	}
}

// selfSigned makes an in-memory certificate for localhost and prints its
// SHA-256 fingerprint, so the server runs with no files at hand.
func selfSigned(opts *ssl.Options, kind string, out *os.File) error {
	chain, err := handshake.SelfSigned([]string{"localhost", "127.0.0.1", "::1"}, kind, rand.Reader, time.Now())
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(chain.Key)
	if err != nil {
		return err
	}
	opts.Cert = chain.DER
	opts.Key = &ssl.Key{Type: "PrivateKeyInfo", DER: der}
	sum := sha256.Sum256(chain.DER[0])
	hexes := make([]string, len(sum))
	for i, b := range sum {
		hexes[i] = fmt.Sprintf("%02X", b)
	}
	fmt.Fprintf(out, "self-signed certificate SHA-256 fingerprint %s\n", strings.Join(hexes, ":"))
	return nil
}

// serveEcho handshakes and echoes in passive mode until the peer closes.
func serveEcho(app *ssl.App, p *ssl.PendingSocket) {
	sock, err := app.Handshake(p, nil, 30*time.Second)
	if err != nil {
		fmt.Fprintf(os.Stderr, "handshake failed: %s\n", ssl.FormatError(err))
		return
	}
	fmt.Fprintf(os.Stderr, "accepted: %s\n", describe(sock))
	for {
		data, err := sock.Recv(0, 0)
		if err != nil {
			if !errors.Is(err, ssl.ErrClosed) {
				fmt.Fprintf(os.Stderr, "recv: %s\n", ssl.FormatError(err))
			}
			sock.Close()
			return
		}
		if err := sock.Send(data); err != nil {
			fmt.Fprintf(os.Stderr, "send: %s\n", ssl.FormatError(err))
			sock.Close()
			return
		}
	}
}
