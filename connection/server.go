// The server side of the TLS 1.0–1.2 handshake (RFC 5246 §7.3).
package connection

import (
	"crypto/rsa"
	"crypto/x509"
	"io"

	"github.com/erlang-ssl-go/ssl/handshake"
	"github.com/erlang-ssl-go/ssl/record"
	"github.com/erlang-ssl-go/ssl/statem"
)

// serverHandshake is the server's state function for handshake events.
func (c *conn) serverHandshake(state statem.State, ev any) (statem.State, error) {
	hs := c.hs
	if hs == nil {
		return state, unexpected("handshake message after the handshake")
	}
	switch state {
	case StateHello:
		ch, ok := ev.(*handshake.ClientHello)
		if !ok {
			return state, unexpected("expected client_hello")
		}
		if err := c.onClientHello(ch); err != nil {
			return state, err
		}
		return StateCertify, nil
	case StateCertify:
		switch m := ev.(type) {
		case *handshake.Certificate:
			if hs.certReq == nil || hs.clientCertMsg || c.masterSecret != nil {
				return state, unexpected("client certificate not requested or out of order")
			}
			c.accept(m)
			if len(m.Certificates) > 0 && c.validateAsync(m.Certificates, handshake.ClientAuth) {
				hs.clientCertMsg = true
				return StateValidate, nil
			}
			return state, c.onClientCertificate(m)
		case *handshake.ClientKeyExchange:
			if hs.certReq != nil && !hs.clientCertMsg {
				// The client must answer a CertificateRequest, even if empty.
				return state, unexpected("client_key_exchange before certificate")
			}
			if c.masterSecret != nil {
				return state, unexpected("duplicate client_key_exchange")
			}
			c.accept(m)
			if err := c.onClientKeyExchange(m); err != nil {
				return state, err
			}
			if hs.clientCert {
				return state, nil // CertificateVerify comes next
			}
			hs.transcript.DropBuffer()
			return StateCipher, nil
		case *handshake.CertificateVerify:
			if !hs.clientCert || c.masterSecret == nil {
				return state, unexpected("certificate_verify out of order")
			}
			if err := c.onCertificateVerify(m); err != nil {
				return state, err
			}
			c.accept(m)
			hs.transcript.DropBuffer()
			return StateCipher, nil
		}
		return state, unexpected("unexpected message in certify")
	case StateCipher:
		if done, err := c.peerCipher(ev); err != nil || !done {
			return state, err
		}
		c.queueCCS(hs.serverWrite)
		c.queue(&handshake.Finished{VerifyData: c.finished(false)})
		c.flush()
		return StateConnection, nil
	}
	return state, unexpected("handshake message in " + string(state))
}

// negotiateVersion picks the highest version we enable that the client
// offers (RFC 5246 Appendix E.1).
func (c *conn) negotiateVersion(client record.Version) (record.Version, error) {
	for _, v := range c.cfg.Versions {
		if v <= client {
			return v, nil
		}
	}
	return 0, record.Fatal(record.AlertProtocolVersion, "no common protocol version")
}

// chooseSuite picks a suite both sides enable that fits the version, our
// certificate and the client's curves; server order if honor_cipher_order.
func (c *conn) chooseSuite(ch *handshake.ClientHello, v record.Version, haveCurve bool) *handshake.Suite {
	offered := make(map[uint16]bool, len(ch.CipherSuites))
	for _, id := range ch.CipherSuites {
		offered[id] = true
	}
	usable := func(s *handshake.Suite) bool {
		if !s.SupportsVersion(v) || !c.serverSuiteUsable(s, ch, haveCurve) {
			return false
		}
		if v >= record.VersionTLS12 && s.KeyExchange.SignedServerKeyExchange() {
			if _, ok := handshake.SelectSignatureScheme(c.cfg.Chain.Key.Public(), ch.SignatureSchemes, v); !ok {
				return false
			}
		}
		return true
	}
	if c.cfg.HonorCipherOrder {
		for _, s := range c.cfg.Suites {
			if offered[s.ID] && usable(s) {
				return s
			}
		}
		return nil
	}
	ours := make(map[uint16]*handshake.Suite, len(c.cfg.Suites))
	for _, s := range c.cfg.Suites {
		ours[s.ID] = s
	}
	for _, id := range ch.CipherSuites {
		if s := ours[id]; s != nil && usable(s) {
			return s
		}
	}
	return nil
}

func (c *conn) onClientHello(ch *handshake.ClientHello) error {
	hs := c.hs
	v, err := c.checkClientVersion(ch)
	if err != nil {
		return err
	}
	hasNull := false
	for _, m := range ch.CompressionMethods {
		hasNull = hasNull || m == 0
	}
	if !hasNull {
		return record.Fatal(record.AlertIllegalParameter, "client does not offer null compression")
	}
	secureReneg := ch.SecureRenegotiationSupported
	for _, id := range ch.CipherSuites {
		if id == handshake.SCSVRenegotiation {
			secureReneg = true
		}
	}
	if ch.SecureRenegotiationSupported && len(ch.SecureRenegotiation) != 0 {
		return record.Fatal(record.AlertHandshakeFailure, "non-empty renegotiation_info in initial handshake")
	}
	clientCurves := ch.SupportedCurves
	if len(clientCurves) == 0 {
		// RFC 8422 §4: without the extension, any curve we support goes;
		// P-256 is the one every implementation has.
		clientCurves = []handshake.CurveID{handshake.CurveP256}
	}
	curve, haveCurve := handshake.SelectCurve(clientCurves, c.cfg.Curves)
	if ch.PointFormatsPresent && haveCurve {
		hasUncompressed := false
		for _, f := range ch.SupportedPoints {
			hasUncompressed = hasUncompressed || f == 0
		}
		if !hasUncompressed {
			haveCurve = false
		}
	}
	suite := c.chooseSuite(ch, v, haveCurve)
	if suite == nil {
		return record.Fatal(record.AlertHandshakeFailure, "no shared cipher suite")
	}
	c.version, c.suite = v, suite
	c.in.Version = v
	hs.clientHello = ch
	hs.clientRandom = ch.Random
	hs.ems = ch.ExtendedMasterSecret
	hs.curve = curve
	c.sniHostname = ch.ServerName
	c.accept(ch)
	hs.transcript.SetHash(suite, v)

	if _, err := io.ReadFull(c.rand, hs.serverRandom[:]); err != nil {
		return err
	}
	sh := &handshake.ServerHello{
		Version:                      v,
		Random:                       hs.serverRandom,
		CipherSuite:                  suite.ID,
		ExtendedMasterSecret:         hs.ems,
		SecureRenegotiationSupported: secureReneg,
	}
	sid := make([]byte, 32)
	if _, err := io.ReadFull(c.rand, sid); err != nil {
		return err
	}
	sh.SessionID = sid
	if suite.KeyExchange.IsECDH() && ch.PointFormatsPresent {
		sh.PointFormats = []uint8{0}
	}
	c.adjustServerHello(sh)
	c.setWriteVersion(v)
	c.queue(sh)
	kx := suite.KeyExchange
	if kx.NeedsCertificate() {
		c.queue(&handshake.Certificate{Certificates: c.cfg.Chain.DER})
	}
	switch kx {
	case handshake.KXECDHEECDSA, handshake.KXECDHERSA:
		if err := c.queueServerKeyExchange(ch); err != nil {
			return err
		}
	default:
		if err := c.queueKeyExchangeServer(ch); err != nil {
			return err
		}
	}
	// Anonymous, PSK and SRP servers do not ask for a client certificate
	// (RFC 5246 §7.4.4, RFC 4279 §2, RFC 5054 §2.7).
	if c.cfg.Verify == VerifyPeer && kx.NeedsCertificate() && !kx.IsPSK() && !kx.IsSRP() {
		req := &handshake.CertificateRequest{
			Version:          v,
			CertificateTypes: []uint8{1, 64}, // rsa_sign, ecdsa_sign
			CAs:              c.cfg.CANames,
		}
		if v >= record.VersionTLS12 {
			req.SignatureSchemes = c.cfg.Schemes
		}
		hs.certReq = req
		c.queue(req)
	}
	c.queue(&handshake.ServerHelloDone{})
	c.flush()
	return nil
}

// queueServerKeyExchange queues the signed ECDHE ServerKeyExchange
// (RFC 8422 §5.4).
func (c *conn) queueServerKeyExchange(ch *handshake.ClientHello) error {
	hs := c.hs
	priv, err := handshake.GenerateECDHE(hs.curve, c.rand)
	if err != nil {
		return err
	}
	hs.ecdhe = priv
	return c.queueSignedParams(ch, handshake.MarshalECDHEParams(hs.curve, priv.PublicKey().Bytes()))
}

func (c *conn) onClientCertificate(m *handshake.Certificate) error {
	hs := c.hs
	hs.clientCertMsg = true
	if len(m.Certificates) == 0 {
		if c.cfg.FailIfNoPeerCert {
			return record.Fatal(record.AlertHandshakeFailure, "no client certificate (fail_if_no_peer_cert)")
		}
		return nil
	}
	leaf, err := c.validatePeer(m.Certificates, handshake.ClientAuth)
	return c.clientCertValidated(leaf, m.Certificates, err)
}

// clientCertValidated takes the client's validated certificate (or the
// validation error) into the handshake.
func (c *conn) clientCertValidated(leaf *x509.Certificate, chain [][]byte, err error) error {
	if err != nil {
		return err
	}
	c.hs.peerLeaf = leaf
	c.hs.clientCert = true
	c.peerCerts = chain
	return nil
}

func (c *conn) onClientKeyExchange(m *handshake.ClientKeyExchange) error {
	hs := c.hs
	var premaster []byte
	switch c.suite.KeyExchange {
	case handshake.KXECDHEECDSA, handshake.KXECDHERSA:
		pub, aerr := handshake.ParseECDHEClientKey(m.Body)
		if aerr != nil {
			return aerr
		}
		secret, aerr := handshake.ECDHESharedSecret(hs.ecdhe, pub)
		if aerr != nil {
			return aerr
		}
		premaster = secret
		hs.ecdhe = nil
	case handshake.KXDHERSA, handshake.KXDHEDSS, handshake.KXDHAnon, handshake.KXECDHAnon,
		handshake.KXECDHECDSA, handshake.KXECDHRSA, handshake.KXPSK, handshake.KXDHEPSK,
		handshake.KXRSAPSK, handshake.KXSRPAnon, handshake.KXSRPRSA, handshake.KXSRPDSS:
		pre, err := c.serverPremaster(m)
		if err != nil {
			return err
		}
		premaster = pre
	case handshake.KXRSA:
		enc, aerr := handshake.ParseRSAClientKey(m.Body, c.version)
		if aerr != nil {
			return aerr
		}
		priv, ok := c.cfg.Chain.Key.(*rsa.PrivateKey)
		if !ok {
			return record.Fatal(record.AlertInternalError, "rsa key exchange without an RSA key")
		}
		premaster = handshake.RSADecryptPremaster(priv, enc, hs.clientHello.Version, c.rand)
	default:
		return record.Fatal(record.AlertHandshakeFailure, "key exchange not implemented")
	}
	clientW, serverW, err := c.deriveKeys(premaster)
	if err != nil {
		return err
	}
	hs.readCipher = clientW
	hs.serverWrite = serverW
	return nil
}

func (c *conn) onCertificateVerify(m *handshake.CertificateVerify) error {
	hs := c.hs
	if m.HasScheme && !handshake.SchemeAllowed(m.Scheme, c.cfg.Schemes) {
		return record.Fatal(record.AlertIllegalParameter, "certificate_verify with a scheme we did not offer")
	}
	// A nil *AlertError must not become a non-nil error interface.
	if aerr := handshake.VerifyCertificateVerify(hs.peerLeaf.PublicKey, m.Scheme, m.HasScheme, c.version, &hs.transcript, c.masterSecret, m.Signature); aerr != nil {
		return aerr
	}
	return nil
}
