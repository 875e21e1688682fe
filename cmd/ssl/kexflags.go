// Key-exchange flags of server and client: -dhfile, -psk-identity,
// -psk-key, -srp-user and -srp-password.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"

	"github.com/erlang-ssl-go/ssl"
)

// kexFlags hold the key-exchange flags.
type kexFlags struct {
	dhfile, pskIdentity, pskKey, srpUser, srpPassword string
}

func (k *kexFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&k.dhfile, "dhfile", "", "server: PEM DH PARAMETERS for DHE suites (default: RFC 7919 ffdhe2048)")
	fs.StringVar(&k.pskIdentity, "psk-identity", "", "PSK identity (client) or identity hint (server)")
	fs.StringVar(&k.pskKey, "psk-key", "", "pre-shared key in hex, for the PSK suites")
	fs.StringVar(&k.srpUser, "srp-user", "", "SRP user name (client: srp_identity; server: the one user)")
	fs.StringVar(&k.srpPassword, "srp-password", "", "SRP password")
}

// apply turns the flags into dhfile, psk_identity, user_lookup_fun and
// srp_identity options. A server with -srp-user/-srp-password serves that
// one user (group srp_2048, random salt); -psk-key answers every PSK lookup.
func (k *kexFlags) apply(o *ssl.Options, server bool) error {
	o.DHFile = k.dhfile
	o.PSKIdentity = k.pskIdentity
	var psk []byte
	if k.pskKey != "" {
		b, err := hex.DecodeString(k.pskKey)
		if err != nil || len(b) == 0 {
			return fmt.Errorf("-psk-key: want a non-empty hex string")
		}
		psk = b
	}
	if (k.srpUser == "") != (k.srpPassword == "") {
		return fmt.Errorf("-srp-user and -srp-password go together")
	}
	var srp *ssl.SRPUserInfo
	if k.srpUser != "" {
		if server {
			salt := make([]byte, 16)
			if _, err := rand.Read(salt); err != nil {
				return err
			}
			srp = &ssl.SRPUserInfo{Params: "srp_2048", Salt: salt, DerivedKey: ssl.SRPDerivedKey(salt, k.srpUser, k.srpPassword)}
		} else {
			o.SRPIdentity = &ssl.SRPIdentity{User: k.srpUser, Password: k.srpPassword}
		}
	}
	if psk == nil && srp == nil {
		return nil
	}
	user := k.srpUser
	o.UserLookupFun = func(kind, id string, _ any) (any, bool) {
		switch {
		case kind == "psk" && psk != nil:
			return psk, true
		case kind == "srp" && srp != nil && id == user:
			return *srp, true
		}
		return nil, false
	}
	return nil
}
