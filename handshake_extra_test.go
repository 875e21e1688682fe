// Handshake's extra options add to the listen options (ssl_accept/3).
package ssl

import (
	"testing"

	pa "github.com/asynkron/protoactor-go/actor"
)

func TestMergeOptionsOverridesOnlySetFields(t *testing.T) {
	owner := pa.NewPID("local", "owner")
	base := Options{CertFile: "cert.pem", KeyFile: "key.pem", Verify: VerifyNone, Packet: Packet2}
	got := mergeOptions(base, Options{Owner: owner, Verify: VerifyPeer, FailIfNoPeerCert: true})
	if got.CertFile != "cert.pem" || got.KeyFile != "key.pem" || got.Packet != Packet2 {
		t.Errorf("listen options lost: %+v", got)
	}
	if got.Owner != owner || got.Verify != VerifyPeer || !got.FailIfNoPeerCert {
		t.Errorf("extra options not applied: %+v", got)
	}
	if base.Owner != nil || base.Verify != VerifyNone {
		t.Errorf("base modified: %+v", base)
	}
}
