// The client side of the TLS 1.0–1.2 handshake (RFC 5246 §7.3), push style:
// each handshake message arrives as an internal event in the current state.
package connection

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"io"
	"time"

	"github.com/erlang-ssl-go/ssl/handshake"
	"github.com/erlang-ssl-go/ssl/record"
	"github.com/erlang-ssl-go/ssl/statem"
)

func (c *conn) now() time.Time {
	if c.cfg.Now != nil {
		return c.cfg.Now()
	}
	return time.Now()
}

// sendClientHello starts the handshake (entry of the hello state).
func (c *conn) sendClientHello() error {
	hs := c.hs
	if _, err := io.ReadFull(c.rand, hs.clientRandom[:]); err != nil {
		return err
	}
	ch := &handshake.ClientHello{
		Version:                      c.cfg.Versions[0],
		Random:                       hs.clientRandom,
		CompressionMethods:           []uint8{0},
		ServerName:                   c.cfg.ServerName,
		ExtendedMasterSecret:         true,
		SecureRenegotiationSupported: true,
	}
	anyECDHE := false
	for _, s := range c.cfg.Suites {
		ch.CipherSuites = append(ch.CipherSuites, s.ID)
		if s.KeyExchange.IsECDH() {
			anyECDHE = true
		}
		if s.KeyExchange.IsSRP() && c.cfg.SRPUser != "" {
			ch.SRPUser = c.cfg.SRPUser // RFC 5054 §2.8.1
		}
	}
	if anyECDHE {
		ch.SupportedCurves = c.cfg.Curves
		ch.SupportedPoints = []uint8{0}
		ch.PointFormatsPresent = true
	}
	if ch.Version >= record.VersionTLS12 {
		ch.SignatureSchemes = c.cfg.Schemes
	}
	c.adjustClientHello(ch)
	hs.clientHello = ch
	c.queue(ch)
	c.flush()
	return nil
}

// clientHandshake is the client's state function for handshake events.
func (c *conn) clientHandshake(state statem.State, ev any) (statem.State, error) {
	hs := c.hs
	if hs == nil {
		return state, unexpected("handshake message after the handshake")
	}
	switch state {
	case StateHello:
		sh, ok := ev.(*handshake.ServerHello)
		if !ok {
			return state, unexpected("expected server_hello")
		}
		if err := c.onServerHello(sh); err != nil {
			return state, err
		}
		return StateCertify, nil
	case StateCertify:
		switch m := ev.(type) {
		case *handshake.Certificate:
			if hs.peerLeaf != nil || hs.skeSeen || !c.suite.KeyExchange.NeedsCertificate() {
				return state, unexpected("certificate out of order")
			}
			c.accept(m)
			if c.validateAsync(m.Certificates, handshake.ServerAuth) {
				return StateValidate, nil
			}
			leaf, err := c.validatePeer(m.Certificates, handshake.ServerAuth)
			return state, c.serverCertValidated(leaf, m.Certificates, err)
		case *handshake.ServerKeyExchange:
			if !c.certDone() || hs.skeSeen || !c.suite.KeyExchange.ServerKeyExchangeAllowed() {
				return state, unexpected("server_key_exchange out of order")
			}
			c.accept(m)
			hs.skeSeen = true
			kx := c.suite.KeyExchange
			if kx == handshake.KXECDHEECDSA || kx == handshake.KXECDHERSA {
				return state, c.onServerKeyExchange(m)
			}
			return state, c.onKeyExchangeClient(m)
		case *handshake.CertificateRequest:
			if hs.peerLeaf == nil || hs.certReq != nil || (c.suite.KeyExchange.ServerKeyExchangeRequired() && !hs.skeSeen) {
				return state, unexpected("certificate_request out of order")
			}
			c.accept(m)
			hs.certReq = m
			return state, nil
		case *handshake.ServerHelloDone:
			if !c.certDone() || (c.suite.KeyExchange.ServerKeyExchangeRequired() && !hs.skeSeen) {
				return state, unexpected("server_hello_done out of order")
			}
			c.accept(m)
			if err := c.sendClientFlight(); err != nil {
				return state, err
			}
			return StateCipher, nil
		}
		return state, unexpected("unexpected message in certify")
	case StateCipher:
		if done, err := c.peerCipher(ev); err != nil || !done {
			return state, err
		}
		return StateConnection, nil
	}
	return state, unexpected("handshake message in " + string(state))
}

func (c *conn) onServerHello(sh *handshake.ServerHello) error {
	hs := c.hs
	if err := c.checkServerVersion(sh); err != nil {
		return err
	}
	var suite *handshake.Suite
	for _, s := range c.cfg.Suites {
		if s.ID == sh.CipherSuite {
			suite = s
			break
		}
	}
	if suite == nil || !suite.SupportsVersion(sh.Version) {
		return record.Fatal(record.AlertIllegalParameter, "server chose a cipher suite we did not offer")
	}
	if sh.CompressionMethod != 0 {
		return record.Fatal(record.AlertIllegalParameter, "server chose compression")
	}
	// RFC 5246 §7.4.1.4: only extensions the client offered may come back.
	for _, e := range sh.Extensions {
		if !offeredExtension(hs.clientHello, e) {
			return record.Fatal(record.AlertUnsupportedExtension, "server sent an extension we did not offer")
		}
	}
	if sh.SecureRenegotiationSupported && len(sh.SecureRenegotiation) != 0 {
		return record.Fatal(record.AlertHandshakeFailure, "non-empty renegotiation_info in initial handshake")
	}
	c.accept(sh)
	c.version = sh.Version
	c.suite = suite
	c.in.Version = sh.Version
	hs.serverRandom = sh.Random
	hs.ems = sh.ExtendedMasterSecret
	hs.transcript.SetHash(suite, sh.Version)
	c.sniHostname = c.cfg.ServerName
	c.setWriteVersion(sh.Version)
	return nil
}

// offeredExtension reports whether our ClientHello offered extension e, so
// that the server may answer with it. The SCSV counts as offering
// renegotiation_info (RFC 5746 §3.4).
func offeredExtension(ch *handshake.ClientHello, e uint16) bool {
	switch e {
	case handshake.ExtServerName:
		return ch.ServerName != ""
	case handshake.ExtECPointFormats:
		return len(ch.SupportedPoints) > 0
	case handshake.ExtExtendedMasterSecret:
		return ch.ExtendedMasterSecret
	case handshake.ExtRenegotiationInfo:
		if ch.SecureRenegotiationSupported {
			return true
		}
		for _, id := range ch.CipherSuites {
			if id == handshake.SCSVRenegotiation {
				return true
			}
		}
	}
	return false
}

// certDone reports whether the server's Certificate is in (or not needed).
func (c *conn) certDone() bool {
	return c.hs.peerLeaf != nil || !c.suite.KeyExchange.NeedsCertificate()
}

func (c *conn) versionAllowed(v record.Version) bool {
	for _, x := range c.cfg.Versions {
		if x == v {
			return true
		}
	}
	return false
}

func (c *conn) onServerKeyExchange(m *handshake.ServerKeyExchange) error {
	hs := c.hs
	p, aerr := handshake.ParseECDHEParams(m.Key, c.version)
	if aerr != nil {
		return aerr
	}
	if !containsCurve(c.cfg.Curves, p.Curve) {
		return record.Fatal(record.AlertIllegalParameter, "server chose a curve we did not offer")
	}
	if err := c.checkServerSignature(p.Signed, p.Scheme, p.HasScheme, p.Signature); err != nil {
		return err
	}
	hs.ske = p
	hs.curve = p.Curve
	return nil
}

func containsCurve(list []handshake.CurveID, c handshake.CurveID) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

// sendClientFlight sends [Certificate], ClientKeyExchange,
// [CertificateVerify], ChangeCipherSpec, Finished as one write.
func (c *conn) sendClientFlight() error {
	hs := c.hs
	if hs.certReq != nil {
		cert := &handshake.Certificate{}
		if c.cfg.Chain != nil && clientCertFits(c.cfg.Chain, hs.certReq, c.version) {
			cert.Certificates = c.cfg.Chain.DER
			hs.sentCert = true
		}
		if !hs.sentCert && c.version == record.VersionSSL30 {
			// SSL 3.0 has no empty Certificate: the client says so with
			// the no_certificate warning instead (RFC 6101 §5.6.6).
			c.hs.flight = append(c.hs.flight, flightItem{typ: record.TypeAlert,
				data: record.MarshalAlert(record.LevelWarning, record.AlertNoCertificate)})
		} else {
			c.queue(cert)
		}
	}
	var premaster []byte
	switch c.suite.KeyExchange {
	case handshake.KXECDHEECDSA, handshake.KXECDHERSA:
		priv, err := handshake.GenerateECDHE(hs.curve, c.rand)
		if err != nil {
			return err
		}
		secret, aerr := handshake.ECDHESharedSecret(priv, hs.ske.Public)
		if aerr != nil {
			return aerr
		}
		premaster = secret
		c.queue(handshake.NewECDHEClientKeyExchange(priv.PublicKey().Bytes()))
	case handshake.KXDHERSA, handshake.KXDHEDSS, handshake.KXDHAnon, handshake.KXECDHAnon,
		handshake.KXECDHECDSA, handshake.KXECDHRSA, handshake.KXPSK, handshake.KXDHEPSK,
		handshake.KXRSAPSK, handshake.KXSRPAnon, handshake.KXSRPRSA, handshake.KXSRPDSS:
		pre, cke, err := c.clientPremaster()
		if err != nil {
			return err
		}
		if cke == nil {
			return record.Fatal(record.AlertInternalError, "client key exchange too large")
		}
		premaster = pre
		c.queue(cke)
	case handshake.KXRSA:
		pub, ok := hs.peerLeaf.PublicKey.(*rsa.PublicKey)
		if !ok {
			return record.Fatal(record.AlertUnsupportedCertificate, "rsa key exchange needs an RSA certificate")
		}
		pre, enc, err := handshake.RSAEncryptPremaster(pub, c.cfg.Versions[0], c.rand)
		if err != nil {
			return err
		}
		premaster = pre
		c.queue(handshake.NewRSAClientKeyExchange(enc, c.version))
	default:
		return record.Fatal(record.AlertHandshakeFailure, "key exchange not implemented")
	}
	clientW, serverW, err := c.deriveKeys(premaster)
	if err != nil {
		return err
	}
	if hs.sentCert {
		if err := c.queueCertificateVerify(); err != nil {
			return err
		}
	}
	hs.transcript.DropBuffer()
	hs.readCipher = serverW
	c.queueCCS(clientW)
	c.queue(&handshake.Finished{VerifyData: c.finished(true)})
	c.flush()
	return nil
}

func (c *conn) queueCertificateVerify() error {
	hs := c.hs
	key := c.cfg.Chain.Key
	cv := &handshake.CertificateVerify{Version: c.version}
	if c.version >= record.VersionTLS12 {
		scheme, ok := handshake.SelectSignatureScheme(key.Public(), hs.certReq.SignatureSchemes, c.version)
		if !ok {
			return record.Fatal(record.AlertHandshakeFailure, "no common signature scheme for the client certificate")
		}
		cv.HasScheme, cv.Scheme = true, scheme
	}
	sig, err := handshake.SignCertificateVerify(key, cv.Scheme, c.version, &hs.transcript, c.masterSecret, c.rand)
	if err != nil {
		return err
	}
	cv.Signature = sig
	c.queue(cv)
	return nil
}

// clientCertFits reports whether our certificate suits the server's request
// (certificate types and, in TLS 1.2, signature schemes).
func clientCertFits(chain *handshake.CertChain, req *handshake.CertificateRequest, v record.Version) bool {
	var want uint8
	switch chain.Key.Public().(type) {
	case *rsa.PublicKey:
		want = 1 // rsa_sign
	case *ecdsa.PublicKey:
		want = 64 // ecdsa_sign
	default:
		return false
	}
	if bytes.IndexByte(req.CertificateTypes, want) < 0 {
		return false
	}
	if v >= record.VersionTLS12 {
		_, ok := handshake.SelectSignatureScheme(chain.Key.Public(), req.SignatureSchemes, v)
		return ok
	}
	return true
}

var _ crypto.Signer = (*ecdsa.PrivateKey)(nil)

// serverCertValidated takes the server's validated certificate (or the
// validation error) into the handshake.
func (c *conn) serverCertValidated(leaf *x509.Certificate, chain [][]byte, err error) error {
	if err != nil {
		return err
	}
	if !handshake.CertMatchesSuite(leaf, c.suite) {
		return record.Fatal(record.AlertUnsupportedCertificate, "server certificate key does not fit the cipher suite")
	}
	c.hs.peerLeaf = leaf
	c.peerCerts = chain
	return nil
}
