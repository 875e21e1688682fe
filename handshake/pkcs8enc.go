// pkcs8enc.go decrypts password-protected private keys: PKCS#8
// EncryptedPrivateKeyInfo with PBES2 (RFC 8018 §6.2, PBKDF2 §5.2) and the
// legacy OpenSSL "Proc-Type: 4,ENCRYPTED" PEM form.
package handshake

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// ErrWrongPassword is returned when an encrypted key does not decrypt with
// the given password (or is corrupt: the two cannot be told apart).
var ErrWrongPassword = errors.New("wrong password or corrupt encrypted key")

// ErrKeyEncryptionUnsupported is returned for an encrypted key whose scheme
// is not implemented (PBES1, PKCS#12 PBE, scrypt, other ciphers).
var ErrKeyEncryptionUnsupported = errors.New("unsupported private key encryption")

// MaxPBKDF2Iterations bounds the PBKDF2 iteration count we accept, so a
// crafted key file cannot stall Connect/Listen for minutes. OpenSSL writes
// 2048 by default; modern tools use up to a few hundred thousand.
const MaxPBKDF2Iterations = 10_000_000

// OIDs of RFC 8018 and the cipher registries.
var (
	oidPBES2        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1     = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA256   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC   = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
	oidPBES1Prefix  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5}
	oidPKCS12PBEPfx = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1}
)

// pbes2Params is what PBES2-params (RFC 8018 §A.4) and PBKDF2-params
// (§A.2) carry, as far as we support them.
type pbes2Params struct {
	salt   []byte
	iter   int
	keyLen int // 0: not given (use the cipher's)
	prf    func() hash.Hash
	cipher asn1.ObjectIdentifier
	iv     []byte
}

// readAlgID reads an AlgorithmIdentifier and returns its OID and the raw
// parameters (empty when absent).
func readAlgID(s *cryptobyte.String) (asn1.ObjectIdentifier, cryptobyte.String, bool) {
	var alg, params cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) {
		return nil, nil, false
	}
	params = alg // the rest: one element or nothing
	return oid, params, true
}

// parseEncryptedPKCS8 splits EncryptedPrivateKeyInfo (RFC 5208 §6, RFC
// 5958 §3) into its PBES2 parameters and the ciphertext.
func parseEncryptedPKCS8(der []byte) (*pbes2Params, []byte, error) {
	in := cryptobyte.String(der)
	var info cryptobyte.String
	if !in.ReadASN1(&info, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, nil, errors.New("malformed EncryptedPrivateKeyInfo")
	}
	oid, params, ok := readAlgID(&info)
	if !ok {
		return nil, nil, errors.New("malformed EncryptedPrivateKeyInfo")
	}
	var data []byte
	if !info.ReadASN1Bytes(&data, cbasn1.OCTET_STRING) || !info.Empty() {
		return nil, nil, errors.New("malformed EncryptedPrivateKeyInfo")
	}
	if !oid.Equal(oidPBES2) {
		if hasPrefix(oid, oidPBES1Prefix) || hasPrefix(oid, oidPKCS12PBEPfx) {
			return nil, nil, fmt.Errorf("%w: legacy PBE scheme %v (re-encrypt with openssl pkcs8 -topk8 -v2 aes-256-cbc)", ErrKeyEncryptionUnsupported, oid)
		}
		return nil, nil, fmt.Errorf("%w: scheme %v", ErrKeyEncryptionUnsupported, oid)
	}
	p, err := parsePBES2Params(params)
	if err != nil {
		return nil, nil, err
	}
	return p, data, nil
}

func hasPrefix(oid, prefix asn1.ObjectIdentifier) bool {
	return len(oid) > len(prefix) && oid[:len(prefix)].Equal(prefix)
}

// parsePBES2Params reads PBES2-params: the PBKDF2 key derivation and the
// encryption scheme with its IV.
func parsePBES2Params(raw cryptobyte.String) (*pbes2Params, error) {
	bad := errors.New("malformed PBES2 parameters")
	var seq cryptobyte.String
	if !raw.ReadASN1(&seq, cbasn1.SEQUENCE) || !raw.Empty() {
		return nil, bad
	}
	kdf, kdfParams, ok := readAlgID(&seq)
	if !ok {
		return nil, bad
	}
	if !kdf.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("%w: key derivation %v (only PBKDF2)", ErrKeyEncryptionUnsupported, kdf)
	}
	enc, encParams, ok := readAlgID(&seq)
	if !ok || !seq.Empty() {
		return nil, bad
	}
	p := &pbes2Params{prf: sha1.New, cipher: enc}
	// PBKDF2-params ::= SEQUENCE { salt CHOICE { specified OCTET STRING,
	// otherSource AlgorithmIdentifier }, iterationCount INTEGER,
	// keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT
	// hmacWithSHA1 }
	var kp cryptobyte.String
	if !kdfParams.ReadASN1(&kp, cbasn1.SEQUENCE) || !kdfParams.Empty() {
		return nil, bad
	}
	if !kp.ReadASN1Bytes(&p.salt, cbasn1.OCTET_STRING) {
		return nil, fmt.Errorf("%w: PBKDF2 salt is not an OCTET STRING", ErrKeyEncryptionUnsupported)
	}
	if !kp.ReadASN1Integer(&p.iter) || p.iter < 1 {
		return nil, bad
	}
	if p.iter > MaxPBKDF2Iterations {
		return nil, fmt.Errorf("%w: %d PBKDF2 iterations (at most %d)", ErrKeyEncryptionUnsupported, p.iter, MaxPBKDF2Iterations)
	}
	if kp.PeekASN1Tag(cbasn1.INTEGER) {
		if !kp.ReadASN1Integer(&p.keyLen) || p.keyLen < 1 || p.keyLen > 64 {
			return nil, bad
		}
	}
	if !kp.Empty() {
		prf, _, ok := readAlgID(&kp)
		if !ok || !kp.Empty() {
			return nil, bad
		}
		switch {
		case prf.Equal(oidHMACSHA1):
			p.prf = sha1.New
		case prf.Equal(oidHMACSHA224):
			p.prf = sha256.New224
		case prf.Equal(oidHMACSHA256):
			p.prf = sha256.New
		case prf.Equal(oidHMACSHA384):
			p.prf = sha512.New384
		case prf.Equal(oidHMACSHA512):
			p.prf = sha512.New
		default:
			return nil, fmt.Errorf("%w: PBKDF2 PRF %v", ErrKeyEncryptionUnsupported, prf)
		}
	}
	// The CBC ciphers' parameters are the IV (RFC 8018 §B.2, RFC 3565).
	if !encParams.ReadASN1Bytes(&p.iv, cbasn1.OCTET_STRING) || !encParams.Empty() {
		if _, _, _, err := cipherFor(enc); err != nil {
			return nil, err
		}
		return nil, bad
	}
	keyLen, blockLen, _, err := cipherFor(enc)
	if err != nil {
		return nil, err
	}
	if len(p.iv) != blockLen {
		return nil, bad
	}
	if p.keyLen != 0 && p.keyLen != keyLen {
		return nil, bad
	}
	p.keyLen = keyLen
	return p, nil
}

// cipherFor returns the key and block lengths and the constructor of a
// PBES2 encryption scheme.
func cipherFor(oid asn1.ObjectIdentifier) (keyLen, blockLen int, mk func([]byte) (cipher.Block, error), err error) {
	switch {
	case oid.Equal(oidAES128CBC):
		return 16, aes.BlockSize, aes.NewCipher, nil
	case oid.Equal(oidAES192CBC):
		return 24, aes.BlockSize, aes.NewCipher, nil
	case oid.Equal(oidAES256CBC):
		return 32, aes.BlockSize, aes.NewCipher, nil
	case oid.Equal(oidDESEDE3CBC):
		return 24, des.BlockSize, des.NewTripleDESCipher, nil
	}
	return 0, 0, nil, fmt.Errorf("%w: cipher %v", ErrKeyEncryptionUnsupported, oid)
}

// DecryptPKCS8 decrypts an EncryptedPrivateKeyInfo (the DER inside an
// "ENCRYPTED PRIVATE KEY" PEM block) with password and returns the
// PrivateKeyInfo DER. Only PBES2 with PBKDF2 (HMAC-SHA1/224/256/384/512)
// and AES-128/192/256-CBC or DES-EDE3-CBC is supported (RFC 8018 §6.2.2).
func DecryptPKCS8(der, password []byte) ([]byte, error) {
	p, data, err := parseEncryptedPKCS8(der)
	if err != nil {
		return nil, err
	}
	_, blockLen, mk, err := cipherFor(p.cipher)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 || len(data)%blockLen != 0 {
		return nil, ErrWrongPassword
	}
	key, err := pbkdf2.Key(p.prf, string(password), p.salt, p.iter, p.keyLen)
	if err != nil {
		return nil, fmt.Errorf("PBKDF2: %w", err)
	}
	block, err := mk(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, p.iv).CryptBlocks(out, data)
	n, ok := unpadPKCS7(out, blockLen)
	if !ok {
		return nil, ErrWrongPassword
	}
	return out[:n], nil
}

// unpadPKCS7 checks the RFC 8018 §6.1.1 / RFC 5652 §6.3 padding without
// branching on the padding bytes, and returns the unpadded length.
func unpadPKCS7(b []byte, blockLen int) (int, bool) {
	pad := int(b[len(b)-1])
	good := subtle.ConstantTimeLessOrEq(1, pad) & subtle.ConstantTimeLessOrEq(pad, blockLen)
	for i := 1; i <= blockLen && i <= len(b); i++ {
		inPad := subtle.ConstantTimeLessOrEq(i, pad)
		eq := subtle.ConstantTimeByteEq(b[len(b)-i], byte(pad))
		good &= ^inPad | eq
	}
	if good&1 != 1 {
		return 0, false
	}
	return len(b) - pad, true
}

// decryptPEMKey returns the DER inside a key block, decrypting it when it
// is an encrypted PKCS#8 block (then the result is PrivateKeyInfo) or a
// legacy OpenSSL encrypted block; encrypted says whether it was either.
func decryptPEMKey(b *pem.Block, password []byte) (der []byte, encrypted bool, err error) {
	if b.Type == "ENCRYPTED PRIVATE KEY" {
		if len(password) == 0 {
			return nil, true, ErrKeyPasswordProtected
		}
		der, err = DecryptPKCS8(b.Bytes, password)
		return der, true, err
	}
	//lint:ignore SA1019 legacy PEM encryption is what old key files use.
	if !x509.IsEncryptedPEMBlock(b) { //nolint:staticcheck
		return b.Bytes, false, nil
	}
	if len(password) == 0 {
		return nil, true, ErrKeyPasswordProtected
	}
	// RFC 1421 with OpenSSL's EVP_BytesToKey (MD5): insecure by design,
	// accepted because old key files use it.
	der, err = x509.DecryptPEMBlock(b, password) //nolint:staticcheck
	if err != nil {
		if errors.Is(err, x509.IncorrectPasswordError) {
			return nil, true, ErrWrongPassword
		}
		return nil, true, fmt.Errorf("%w: %v", ErrKeyEncryptionUnsupported, err)
	}
	return der, true, nil
}
