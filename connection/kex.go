// Key exchanges beyond ECDHE and RSA, for both roles: finite-field DHE
// (dhe_rsa, dhe_dss, dh_anon), ecdh_anon, static ECDH (ecdh_ecdsa,
// ecdh_rsa), PSK (psk, dhe_psk, rsa_psk; RFC 4279) and SRP (srp_anon,
// srp_rsa, srp_dss; RFC 5054).
package connection

import (
	"crypto/rsa"

	"github.com/erlang-ssl-go/ssl/handshake"
	"github.com/erlang-ssl-go/ssl/record"
)

// lookupPSK asks user_lookup_fun for a PSK secret. A missing fun, a refusal
// or a result that is not a non-empty []byte all mean "no such identity".
func (c *conn) lookupPSK(identity string) ([]byte, bool) {
	if c.cfg.UserLookupFun == nil {
		return nil, false
	}
	r, ok := c.cfg.UserLookupFun("psk", identity, c.cfg.UserLookupState)
	if !ok {
		return nil, false
	}
	psk, isBytes := r.([]byte)
	if !isBytes || len(psk) == 0 || len(psk) > handshake.MaxPSKLen {
		return nil, false
	}
	return psk, true
}

// lookupSRP asks user_lookup_fun for a user's SRP parameters.
func (c *conn) lookupSRP(user string) (*handshake.SRPGroup, *SRPUserInfo, bool) {
	if c.cfg.UserLookupFun == nil {
		return nil, nil, false
	}
	r, ok := c.cfg.UserLookupFun("srp", user, c.cfg.UserLookupState)
	if !ok {
		return nil, nil, false
	}
	var info *SRPUserInfo
	switch v := r.(type) {
	case SRPUserInfo:
		info = &v
	case *SRPUserInfo:
		info = v
	}
	if info == nil {
		return nil, nil, false
	}
	g := handshake.SRPGroupByName(info.Params)
	if g == nil || len(info.Salt) == 0 || len(info.Salt) > 255 || len(info.DerivedKey) == 0 {
		return nil, nil, false
	}
	return g, info, true
}

// serverSuiteUsable adds the key-exchange requirements to suite choice:
// the certificate for the suite, credentials for PSK and SRP, a curve for
// the ECDH families.
func (c *conn) serverSuiteUsable(s *handshake.Suite, ch *handshake.ClientHello, haveCurve bool) bool {
	kx := s.KeyExchange
	if kx.NeedsCertificate() {
		if c.cfg.Chain == nil || !handshake.CertMatchesSuite(c.cfg.Chain.Leaf, s) {
			return false
		}
	}
	switch {
	case kx == handshake.KXECDHECDSA || kx == handshake.KXECDHRSA:
		// RFC 8422 §2.3: the certificate's curve must be one the client offered.
		curve, ok := handshake.StaticECDHCurve(c.cfg.Chain.Leaf.PublicKey)
		if !ok {
			return false
		}
		if len(ch.SupportedCurves) > 0 && !containsCurve(ch.SupportedCurves, curve) {
			return false
		}
	case kx.IsECDH():
		if !haveCurve {
			return false
		}
	case kx.IsPSK():
		if c.cfg.UserLookupFun == nil {
			return false
		}
	case kx.IsSRP():
		if c.cfg.UserLookupFun == nil || ch.SRPUser == "" {
			return false
		}
	}
	return true
}

// queueKeyExchangeServer queues the ServerKeyExchange of the non-ECDHE key
// exchanges (nothing for rsa, static ECDH, and psk/rsa_psk without a hint).
func (c *conn) queueKeyExchangeServer(ch *handshake.ClientHello) error {
	hs := c.hs
	kx := c.suite.KeyExchange
	var params []byte
	switch {
	case kx.IsFFDH():
		g := c.cfg.DHGroup
		if g == nil {
			g = handshake.FFDHE2048()
		}
		k, err := handshake.GenerateDH(g, c.rand)
		if err != nil {
			return err
		}
		hs.dh = k
		params = k.Params()
	case kx == handshake.KXECDHAnon:
		priv, err := handshake.GenerateECDHE(hs.curve, c.rand)
		if err != nil {
			return err
		}
		hs.ecdhe = priv
		params = handshake.MarshalECDHEParams(hs.curve, priv.PublicKey().Bytes())
	case kx.IsSRP():
		g, info, ok := c.lookupSRP(ch.SRPUser)
		if !ok {
			// RFC 5054 §2.5.1.3.
			return record.Fatal(record.AlertUnknownPSKIdentity, "unknown SRP user")
		}
		srv, err := handshake.NewSRPServer(g, info.Salt, info.DerivedKey, c.rand)
		if err != nil {
			return err
		}
		hs.srp = srv
		params = srv.Params()
	}
	switch {
	case kx.IsPSK():
		if kx != handshake.KXDHEPSK && c.cfg.PSKIdentity == "" {
			return nil // RFC 4279 §2: no hint, no ServerKeyExchange
		}
		ske := handshake.MarshalPSKServerKeyExchange([]byte(c.cfg.PSKIdentity), params)
		if ske == nil {
			return record.Fatal(record.AlertInternalError, "psk identity hint too long")
		}
		c.queue(ske)
		return nil
	case kx.SignedServerKeyExchange():
		return c.queueSignedParams(ch, params)
	case params != nil:
		c.queue(&handshake.ServerKeyExchange{Key: params})
	}
	return nil
}

// queueSignedParams signs client_random || server_random || params with our
// certificate's key and queues the ServerKeyExchange (RFC 5246 §7.4.3).
func (c *conn) queueSignedParams(ch *handshake.ClientHello, params []byte) error {
	hs := c.hs
	var scheme handshake.SignatureScheme
	if c.version >= record.VersionTLS12 {
		s, ok := handshake.SelectSignatureScheme(c.cfg.Chain.Key.Public(), ch.SignatureSchemes, c.version)
		if !ok {
			return record.Fatal(record.AlertHandshakeFailure, "no common signature scheme")
		}
		scheme = s
	}
	signed := make([]byte, 0, 64+len(params))
	signed = append(signed, hs.clientRandom[:]...)
	signed = append(signed, hs.serverRandom[:]...)
	signed = append(signed, params...)
	sig, err := handshake.SignHandshake(c.cfg.Chain.Key, scheme, c.version, signed, c.rand)
	if err != nil {
		return err
	}
	ske := handshake.MarshalServerKeyExchangeSigned(params, c.version, scheme, sig)
	if ske == nil {
		return record.Fatal(record.AlertInternalError, "server key exchange too large")
	}
	c.queue(ske)
	return nil
}

// serverPremaster decodes the ClientKeyExchange of the key exchanges in
// this file and computes the pre-master secret.
func (c *conn) serverPremaster(m *handshake.ClientKeyExchange) ([]byte, error) {
	hs := c.hs
	kx := c.suite.KeyExchange
	switch kx {
	case handshake.KXDHERSA, handshake.KXDHEDSS, handshake.KXDHAnon:
		y, aerr := handshake.ParseDHEClientKey(m.Body)
		if aerr != nil {
			return nil, aerr
		}
		z, aerr := hs.dh.SharedSecret(y)
		if aerr != nil {
			return nil, aerr
		}
		hs.dh = nil
		return z, nil
	case handshake.KXECDHAnon:
		pub, aerr := handshake.ParseECDHEClientKey(m.Body)
		if aerr != nil {
			return nil, aerr
		}
		z, aerr := handshake.ECDHESharedSecret(hs.ecdhe, pub)
		if aerr != nil {
			return nil, aerr
		}
		hs.ecdhe = nil
		return z, nil
	case handshake.KXECDHECDSA, handshake.KXECDHRSA:
		pub, aerr := handshake.ParseECDHEClientKey(m.Body)
		if aerr != nil {
			return nil, aerr
		}
		z, aerr := handshake.StaticECDHServer(c.cfg.Chain.Key, pub)
		if aerr != nil {
			return nil, aerr
		}
		return z, nil
	case handshake.KXPSK, handshake.KXDHEPSK, handshake.KXRSAPSK:
		ck, aerr := handshake.ParsePSKClientKey(m.Body, kx)
		if aerr != nil {
			return nil, aerr
		}
		psk, ok := c.lookupPSK(string(ck.Identity))
		if !ok {
			return nil, record.Fatal(record.AlertUnknownPSKIdentity, "unknown PSK identity")
		}
		var other []byte
		switch kx {
		case handshake.KXDHEPSK:
			z, aerr := hs.dh.SharedSecret(ck.Rest)
			if aerr != nil {
				return nil, aerr
			}
			hs.dh = nil
			other = z
		case handshake.KXRSAPSK:
			priv, ok := c.cfg.Chain.Key.(*rsa.PrivateKey)
			if !ok {
				return nil, record.Fatal(record.AlertInternalError, "rsa_psk without an RSA key")
			}
			// Same Bleichenbacher countermeasure as rsa (RFC 4279 §4).
			other = handshake.RSADecryptPremaster(priv, ck.Rest, hs.clientHello.Version, c.rand)
		}
		pre := handshake.PSKPremaster(other, psk)
		clear(other)
		return pre, nil
	case handshake.KXSRPAnon, handshake.KXSRPRSA, handshake.KXSRPDSS:
		a, aerr := handshake.ParseSRPClientKey(m.Body)
		if aerr != nil {
			return nil, aerr
		}
		pre, aerr := hs.srp.Premaster(a)
		if aerr != nil {
			return nil, aerr
		}
		hs.srp = nil
		return pre, nil
	}
	return nil, record.Fatal(record.AlertHandshakeFailure, "key exchange not implemented")
}

// onKeyExchangeClient decodes (and checks the signature of) the server's
// ServerKeyExchange for the key exchanges in this file.
func (c *conn) onKeyExchangeClient(m *handshake.ServerKeyExchange) error {
	hs := c.hs
	kx := c.suite.KeyExchange
	switch {
	case kx.IsPSK():
		p, aerr := handshake.ParsePSKServerKeyExchange(m.Key, kx == handshake.KXDHEPSK)
		if aerr != nil {
			return aerr
		}
		hs.pskHint = string(p.Hint)
		if p.HasDHGroup {
			d := &handshake.DHEParams{P: p.P, G: p.G, Public: p.Y}
			if _, aerr := handshake.ClientDHGroup(d); aerr != nil {
				return aerr
			}
			hs.dhPeer = d
		}
		return nil
	case kx == handshake.KXDHAnon:
		p, aerr := handshake.ParseDHAnonParams(m.Key)
		if aerr != nil {
			return aerr
		}
		if _, aerr := handshake.ClientDHGroup(p); aerr != nil {
			return aerr
		}
		hs.dhPeer = p
		return nil
	case kx == handshake.KXECDHAnon:
		p, aerr := handshake.ParseECDHAnonParams(m.Key)
		if aerr != nil {
			return aerr
		}
		if !containsCurve(c.cfg.Curves, p.Curve) {
			return record.Fatal(record.AlertIllegalParameter, "server chose a curve we did not offer")
		}
		hs.ske, hs.curve = p, p.Curve
		return nil
	case kx == handshake.KXDHERSA || kx == handshake.KXDHEDSS:
		p, aerr := handshake.ParseDHEParams(m.Key, c.version)
		if aerr != nil {
			return aerr
		}
		if aerr := c.checkServerSignature(p.Signed, p.Scheme, p.HasScheme, p.Signature); aerr != nil {
			return aerr
		}
		if _, aerr := handshake.ClientDHGroup(p); aerr != nil {
			return aerr
		}
		hs.dhPeer = p
		return nil
	case kx.IsSRP():
		p, aerr := handshake.ParseSRPServerKeyExchange(m.Key, c.version, kx != handshake.KXSRPAnon)
		if aerr != nil {
			return aerr
		}
		if p.HasSignature {
			if aerr := c.checkServerSignature(p.Signed, p.Scheme, p.HasScheme, p.Signature); aerr != nil {
				return aerr
			}
		}
		hs.srpParams = p
		return nil
	}
	return unexpected("server_key_exchange for this key exchange")
}

// checkServerSignature verifies a ServerKeyExchange signature over
// client_random || server_random || params with the server certificate.
func (c *conn) checkServerSignature(params []byte, scheme handshake.SignatureScheme, hasScheme bool, sig []byte) error {
	hs := c.hs
	if hasScheme && !handshake.SchemeAllowed(scheme, c.cfg.Schemes) {
		return record.Fatal(record.AlertIllegalParameter, "server used a signature scheme we did not offer")
	}
	signed := make([]byte, 0, 64+len(params))
	signed = append(signed, hs.clientRandom[:]...)
	signed = append(signed, hs.serverRandom[:]...)
	signed = append(signed, params...)
	if aerr := handshake.VerifyHandshake(hs.peerLeaf.PublicKey, scheme, hasScheme, c.version, signed, sig); aerr != nil {
		return aerr
	}
	return nil
}

// clientPremaster computes the pre-master secret and the ClientKeyExchange
// for the key exchanges in this file.
func (c *conn) clientPremaster() ([]byte, *handshake.ClientKeyExchange, error) {
	hs := c.hs
	kx := c.suite.KeyExchange
	dhPart := func() (pub, z []byte, err error) {
		g, aerr := handshake.ClientDHGroup(hs.dhPeer)
		if aerr != nil {
			return nil, nil, aerr
		}
		k, err := handshake.GenerateDH(g, c.rand)
		if err != nil {
			return nil, nil, err
		}
		z, aerr = k.SharedSecret(hs.dhPeer.Public)
		if aerr != nil {
			return nil, nil, aerr
		}
		return k.Public, z, nil
	}
	switch kx {
	case handshake.KXDHERSA, handshake.KXDHEDSS, handshake.KXDHAnon:
		pub, z, err := dhPart()
		if err != nil {
			return nil, nil, err
		}
		return z, handshake.NewDHEClientKeyExchange(pub), nil
	case handshake.KXECDHAnon:
		priv, err := handshake.GenerateECDHE(hs.curve, c.rand)
		if err != nil {
			return nil, nil, err
		}
		z, aerr := handshake.ECDHESharedSecret(priv, hs.ske.Public)
		if aerr != nil {
			return nil, nil, aerr
		}
		return z, handshake.NewECDHEClientKeyExchange(priv.PublicKey().Bytes()), nil
	case handshake.KXECDHECDSA, handshake.KXECDHRSA:
		pub, z, aerr := handshake.StaticECDHClient(hs.peerLeaf.PublicKey, c.rand)
		if aerr != nil {
			return nil, nil, aerr
		}
		return z, handshake.NewECDHEClientKeyExchange(pub), nil
	case handshake.KXPSK, handshake.KXDHEPSK, handshake.KXRSAPSK:
		psk, ok := c.lookupPSK(hs.pskHint)
		if !ok {
			return nil, nil, record.Fatal(record.AlertHandshakeFailure, "no pre-shared key for the server's hint")
		}
		var other, rest []byte
		switch kx {
		case handshake.KXDHEPSK:
			pub, z, err := dhPart()
			if err != nil {
				return nil, nil, err
			}
			other, rest = z, pub
		case handshake.KXRSAPSK:
			pub, ok := hs.peerLeaf.PublicKey.(*rsa.PublicKey)
			if !ok {
				return nil, nil, record.Fatal(record.AlertUnsupportedCertificate, "rsa_psk needs an RSA certificate")
			}
			pre, enc, err := handshake.RSAEncryptPremaster(pub, c.cfg.Versions[0], c.rand)
			if err != nil {
				return nil, nil, err
			}
			other, rest = pre, enc
		}
		cke := handshake.NewPSKClientKeyExchange([]byte(c.cfg.PSKIdentity), rest, kx)
		if cke == nil {
			return nil, nil, record.Fatal(record.AlertInternalError, "psk identity too long")
		}
		pre := handshake.PSKPremaster(other, psk)
		clear(other)
		return pre, cke, nil
	case handshake.KXSRPAnon, handshake.KXSRPRSA, handshake.KXSRPDSS:
		a, pre, aerr := handshake.SRPClientPremaster(hs.srpParams, c.cfg.SRPUser, c.cfg.SRPPassword, c.rand)
		if aerr != nil {
			return nil, nil, aerr
		}
		return pre, handshake.NewSRPClientKeyExchange(a), nil
	}
	return nil, nil, record.Fatal(record.AlertHandshakeFailure, "key exchange not implemented")
}
